/** `bereik simulate` option parsing: periods, faults, degraded queues and the errors a user sees. */
import { describe, expect, it } from 'vitest';
import {
  parseDuration,
  parseInstant,
  parseSimulateOptions,
  type SimulateCliOptions,
} from '../../../src/cli/simulate-command.ts';

const now = Date.parse('2026-06-01T12:00:00Z');
const base: SimulateCliOptions = { seed: '7', fault: [], degrade: [], batchSize: '500' };

describe('bereik simulate options', () => {
  it('reads a backfill period as local dates in Europe/Amsterdam', () => {
    const plan = parseSimulateOptions({ ...base, from: '2025-01-01', to: '2025-07-01' }, now);
    expect(plan.simulator.fromMs).toBe(Date.parse('2024-12-31T23:00:00Z'));
    expect(plan.simulator.toMs).toBe(Date.parse('2025-06-30T22:00:00Z'));
    expect(plan.realTime).toBe(false);
    expect(plan.simulator.seed).toBe(7);
  });

  it('runs live from now, for a duration or until stopped', () => {
    expect(parseSimulateOptions({ ...base, live: true, duration: '2h' }, now).simulator).toMatchObject({
      fromMs: now,
      toMs: now + 7_200_000,
    });
    const endless = parseSimulateOptions({ ...base, live: true }, now);
    expect(endless.realTime).toBe(true);
    expect(endless.simulator.toMs).toBe(Number.POSITIVE_INFINITY);
    expect(() => parseSimulateOptions({ ...base, live: true, expectedOut: 'x.json' }, now)).toThrow(
      /needs a run that ends/,
    );
  });

  it('spreads --malformed and --invalid over their kinds, and takes single faults and degraded queues', () => {
    const plan = parseSimulateOptions(
      {
        ...base,
        from: '2025-01-01',
        to: '2025-02-01',
        duplicates: '0.01',
        malformed: '0.03',
        invalid: '0.06',
        fault: ['lateBeyondMs=60000'],
        degrade: ['GM0307:belastingen=0.5', 'wmo=0.7'],
        callsPerDay: 'GM0307=800,GM0034=300',
      },
      now,
    );
    expect(plan.simulator.faults).toMatchObject({
      duplicateRate: 0.01,
      wrongMagicByteRate: 0.01,
      undecodableRate: 0.01,
      missingFieldRate: 0.01,
      contradictionRate: 0.01,
      lateBeyondMs: 60_000,
    });
    expect(plan.simulator.behaviour?.reachability).toEqual({ 'GM0307:belastingen': 0.5, wmo: 0.7 });
    expect(plan.simulator.callsPerDay).toEqual({ GM0307: 800, GM0034: 300 });
  });

  it('starts from the every-fault preset with --every-fault, a single option changing one rate', () => {
    const plan = parseSimulateOptions(
      { ...base, from: '2025-01-01', to: '2025-02-01', everyFault: true, duplicates: '0.1' },
      now,
    );
    expect(plan.simulator.faults).toMatchObject({
      duplicateRate: 0.1,
      lateRate: 0.03,
      neverEndedRate: 0.01,
      unknownQueueRate: 0.005,
      contradictionRate: 0.005,
    });
  });

  it('says what is wrong', () => {
    expect(() => parseSimulateOptions({ ...base }, now)).toThrow(/--from and --to/);
    expect(() => parseSimulateOptions({ ...base, from: '2026-05-01', to: '2026-07-01' }, now)).toThrow(
      /in the future/,
    );
    expect(() =>
      parseSimulateOptions({ ...base, from: '2025-01-01', to: '2025-02-01', duplicates: '5' }, now),
    ).toThrow(/between 0 and 1/);
    expect(() =>
      parseSimulateOptions({ ...base, from: '2025-01-01', to: '2025-02-01', fault: ['nope=1'] }, now),
    ).toThrow(/unknown fault "nope"/);
    expect(() =>
      parseSimulateOptions({ ...base, from: '2025-01-01', to: '2025-02-01', degrade: ['belastingen'] }, now),
    ).toThrow(/--degrade must look like/);
    expect(() => parseInstant('--from', '01-01-2025')).toThrow(/ISO date/);
    expect(() => parseDuration('soon')).toThrow(/90m/);
    expect(parseInstant('--from', '2025-03-30T03:00:00+02:00')).toBe(Date.parse('2025-03-30T01:00:00Z'));
    expect(parseDuration('90m')).toBe(5_400_000);
  });
});
