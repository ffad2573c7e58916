/** Streefcijfers written for every year the data can be of, so a backfilled year shows its target. */
import { describe, expect, it } from 'vitest';
import { streefcijferRows, targetYears, Targets } from '../../../src/config/targets.ts';
import { Topology } from '../../../src/config/topology.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';

describe('streefcijfers per year', () => {
  it('covers every year the retention keeps, the next year, and every overridden year', () => {
    const config = exampleConfig(); // retention 84 months; an override for 2026
    expect(targetYears(config, Date.parse('2026-12-02T12:00:00Z'))).toEqual([
      2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027,
    ]);
    const short = { ...config, clickhouse: { ...config.clickhouse, retentionMonths: 13 } };
    // 13 months reach back into the year before last; the 2026 override is kept however old.
    expect(targetYears(short, Date.parse('2030-06-01T12:00:00Z'))).toEqual([2026, 2028, 2029, 2030, 2031]);
  });

  it('takes the year in Amsterdam time: New Year is an hour earlier than in UTC', () => {
    const config = { ...exampleConfig(), clickhouse: { ...exampleConfig().clickhouse, retentionMonths: 12 } };
    expect(targetYears(config, Date.parse('2026-12-31T23:30:00Z'))).toEqual([2026, 2027, 2028]);
  });

  it('gives each queue its default for a backfilled year and the override for its own year', () => {
    const config = exampleConfig();
    const rows = streefcijferRows(new Topology(config), new Targets(config.targets), [2025, 2026]);
    const reachability = (year: number, queue: string) =>
      rows.find(
        (r) => r.year === year && r.gemeente === 'GM0307' && r.queue === queue && r.metric === 'reachability',
      )?.target;
    expect(reachability(2025, 'kcc')).toBe(0.9);
    expect(reachability(2026, 'kcc')).toBe(0.85);
    expect(reachability(2025, 'burgerzaken')).toBe(0.8);
    const queues = config.gemeenten.reduce((n, g) => n + g.queues.length, 0);
    expect(rows).toHaveLength(queues * 2 * 2);
  });
});
