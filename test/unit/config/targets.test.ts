/** Streefcijfers written for every year the data can be of, so a backfilled year shows its target. */
import { describe, expect, it } from 'vitest';
import { streefcijferRows, targetYears, Targets } from '../../../src/config/targets.ts';
import { Topology } from '../../../src/config/topology.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';

describe('streefcijfers per year', () => {
  it('covers every year the retention keeps, the next year, and every overridden year', () => {
    const config = exampleConfig(); // retention 84 months; an override for 2026
    // 0 holds the defaults, for any year without rows of its own (a backfill older than the retention).
    expect(targetYears(config, Date.parse('2026-12-02T12:00:00Z'))).toEqual([
      0, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027,
    ]);
    const short = { ...config, clickhouse: { ...config.clickhouse, retentionMonths: 13 } };
    // 13 months reach back into the year before last; the 2026 override is kept however old.
    expect(targetYears(short, Date.parse('2030-06-01T12:00:00Z'))).toEqual([0, 2026, 2028, 2029, 2030, 2031]);
  });

  it('takes the year in Amsterdam time: New Year is an hour earlier than in UTC', () => {
    const config = { ...exampleConfig(), clickhouse: { ...exampleConfig().clickhouse, retentionMonths: 12 } };
    expect(targetYears(config, Date.parse('2026-12-31T23:30:00Z'))).toEqual([0, 2026, 2027, 2028]);
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
    // Per year: 6 gemeente-wide KPIs, 4 for a KCC (with first-line resolution), 3 per vakafdeling.
    const kccs = config.gemeenten.length;
    const vakafdelingen = config.gemeenten.reduce((n, g) => n + g.queues.length, 0) - kccs;
    expect(rows).toHaveLength(2 * (6 * kccs + 4 * kccs + 3 * vakafdelingen));
  });

  it('has a row for a KPI without a streefcijfer (null), so removing a target clears it', () => {
    const config = exampleConfig();
    const rows = streefcijferRows(new Topology(config), new Targets(config.targets), [2025]);
    const row = (queue: string, metric: string) =>
      rows.find((r) => r.gemeente === 'GM0307' && r.queue === queue && r.metric === metric);
    expect(row('kcc', 'serviceLevel')).toEqual({
      year: 2025,
      gemeente: 'GM0307',
      queue: 'kcc',
      metric: 'serviceLevel',
      target: null,
    });
    expect(row('', 'repeatRate')?.target).toBeNull();
    expect(row('', 'callbacksOnTime')?.target).toBe(0.95);
    // Reachability of all queues together mixes KCC and vakafdelingen: no default.
    expect(row('', 'reachability')?.target).toBeNull();
    // Not reported at these scopes at all.
    expect(row('burgerzaken', 'firstLineResolution')).toBeUndefined();
    expect(row('kcc', 'satisfaction')).toBeUndefined();
  });
});

describe('Targets.targetFor', () => {
  const base = exampleConfig();
  const targets = new Targets({
    defaults: { ...base.targets.defaults, repeatRate: 0.15, serviceLevel: 0.7 },
    overrides: [
      { year: 2025, gemeente: 'GM0307', repeatRate: 0.12 },
      { year: 2025, gemeente: 'GM0307', queue: 'kcc', serviceLevel: 0.8 },
      { year: 2025, serviceLevel: 0.6 },
    ],
  });
  const query = { gemeente: 'GM0307', year: 2025 } as const;

  it('takes the most specific override, then the default, for every KPI', () => {
    expect(targets.targetFor({ ...query, queue: null, kind: 'gemeente', metric: 'repeatRate' })).toBe(0.12);
    expect(
      targets.targetFor({ ...query, year: 2024, queue: null, kind: 'gemeente', metric: 'repeatRate' }),
    ).toBe(0.15);
    expect(targets.targetFor({ ...query, queue: 'kcc', kind: 'kcc', metric: 'serviceLevel' })).toBe(0.8);
    expect(targets.targetFor({ ...query, queue: 'wmo', kind: 'vakafdeling', metric: 'serviceLevel' })).toBe(
      0.6,
    );
  });

  it('never applies a queue override to the gemeente as a whole', () => {
    // The kcc override (0.8) names a queue; the gemeente-wide row gets the every-queue override.
    expect(targets.targetFor({ ...query, queue: null, kind: 'gemeente', metric: 'serviceLevel' })).toBe(0.6);
  });

  it('has no streefcijfer where a KPI is not reported', () => {
    expect(targets.targetFor({ ...query, queue: 'kcc', kind: 'kcc', metric: 'repeatRate' })).toBeNull();
    expect(
      targets.targetFor({ ...query, queue: 'wmo', kind: 'vakafdeling', metric: 'firstLineResolution' }),
    ).toBeNull();
  });
});
