/** The bench's own helpers: its gemeenten, its live traffic and its memory figures. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { benchGemeenten, callsPerGemeente } from '../../../scripts/bench-gemeenten.ts';
import { steadyCallsPerDay } from '../../../scripts/bench-live-traffic.ts';
import { flatness } from '../../../scripts/rss-plot.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { SwitchSimulator } from '../../../src/simulate/index.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';

const shipped = parse(
  readFileSync(new URL('../../../deploy/config/bereik.yaml', import.meta.url), 'utf8'),
) as {
  gemeenten: Record<string, unknown>[];
};

describe('the bench', () => {
  it('configures any number of distinct gemeenten, the shipped ones first', () => {
    const config = parseConfig({ ...shipped, gemeenten: benchGemeenten(shipped.gemeenten, 342) });
    expect(config.gemeenten).toHaveLength(342);
    expect(new Set(config.gemeenten.map((g) => g.code)).size).toBe(342);
    expect(config.gemeenten.slice(0, 3).map((g) => g.code)).toEqual(['GM0307', 'GM0034', 'GM9002']);
    expect(config.gemeenten[2]?.queues.map((q) => q.id)).toEqual(
      config.gemeenten[0]?.queues.map((q) => q.id),
    );
    expect(() => benchGemeenten(shipped.gemeenten, 0)).toThrow(/from 1 to 999, got 0/);
    // 1 400 calls a day over 342 gemeenten: 5 each (rounded up, never fewer in total).
    expect(callsPerGemeente(1400, 342)).toBe(5);
    expect(callsPerGemeente(1400, 2)).toBe(700);
  });

  it('makes the live phase as busy on a Saturday night as on a Monday morning', () => {
    const config = exampleConfig();
    // 02:00 on Saturday 7 March 2026 and 10:00 on Monday 9 March 2026, Amsterdam (UTC+1).
    for (const fromMs of [Date.parse('2026-03-07T01:00:00Z'), Date.parse('2026-03-09T09:00:00Z')]) {
      const simulator = new SwitchSimulator(config, {
        seed: 11,
        fromMs,
        toMs: fromMs + 3_600_000,
        callsPerDay: steadyCallsPerDay(config, 2000, fromMs, 3600),
      });
      for (const _ of simulator.messages());
      const calls = Object.values(simulator.groundTruth().calls).reduce((a, b) => a + b, 0);
      // A Poisson count of mean 2 000: 10 % is more than four standard deviations.
      expect(calls).toBeGreaterThan(1800);
      expect(calls).toBeLessThan(2200);
    }
  });

  it('measures memory after warm-up: range and drift', () => {
    // 100 s: climbing for the first 19, then level at 500 MiB, the last fifth at 550 MiB.
    const samples = Array.from({ length: 100 }, (_, i) => ({
      seconds: i + 1,
      rssMiB: i < 19 ? 100 + i * 20 : i >= 84 ? 550 : 500,
      messages: i * 1000,
    }));
    const flat = flatness(samples);
    expect(flat?.warmUpSeconds).toBe(20);
    expect(flat?.minMiB).toBe(500);
    expect(flat?.maxMiB).toBe(550);
    expect(flat?.spreadPercent).toBeCloseTo(10, 5);
    expect(flat?.driftPercent).toBeCloseTo(10, 5);
    expect(flatness(samples.slice(0, 5))).toBeUndefined();
  });
});
