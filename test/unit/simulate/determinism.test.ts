/**
 * The simulator is a pure function of its configuration and options: the same seed gives the same
 * messages and ground truth, each random stream is its own (faults and other gemeenten leave a
 * gemeente's traffic alone), and a run can be used once.
 */
import { describe, expect, it } from 'vitest';
import { SwitchSimulator, simulate } from '../../../src/simulate/index.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';
import { THREE_WEEKS, run } from './helpers.ts';

const oneWeek = { fromMs: THREE_WEEKS.fromMs, toMs: THREE_WEEKS.fromMs + 7 * 86_400_000 };

describe('simulator determinism', () => {
  it('gives identical messages and ground truth for the same seed', () => {
    const a = run({
      ...oneWeek,
      faults: {
        duplicateRate: 0.02,
        lateRate: 0.02,
        outOfOrderRate: 0.02,
        missingFieldRate: 0.01,
        wrongMagicByteRate: 0.01,
      },
    });
    const b = run({
      ...oneWeek,
      faults: {
        duplicateRate: 0.02,
        lateRate: 0.02,
        outOfOrderRate: 0.02,
        missingFieldRate: 0.01,
        wrongMagicByteRate: 0.01,
      },
    });
    expect(JSON.stringify(b.messages)).toBe(JSON.stringify(a.messages));
    expect(b.truth).toEqual(a.truth);
  });

  it('gives other traffic for another seed, with ids that do not collide', () => {
    const a = run({ ...oneWeek, seed: 1 });
    const b = run({ ...oneWeek, seed: 2 });
    expect(b.truth.legs).not.toEqual(a.truth.legs);
    const idsOf = (r: typeof a) =>
      new Set(r.messages.map((m) => (m.payload.kind === 'event' ? m.payload.event.eventId : m.key)));
    const idsA = idsOf(a);
    expect([...idsOf(b)].some((id) => idsA.has(id))).toBe(false);
  });

  it("keeps a gemeente's traffic the same when another gemeente is simulated alongside", () => {
    const alone = run({ ...oneWeek, gemeenten: ['GM0307'] });
    const both = run({
      ...oneWeek,
      gemeenten: ['GM0307', 'GM0034'],
      callsPerDay: { GM0307: 600, GM0034: 400 },
    });
    const amersfoort = (legs: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(legs).filter(([k]) => k.startsWith('GM0307|')));
    expect(amersfoort(both.truth.legs)).toEqual(amersfoort(alone.truth.legs));
    expect(both.truth.calls['GM0034']).toBeGreaterThan(0);
    // Interleaved by time: the merged stream is still in delivery order.
    expect(
      both.messages.every((m, i) => i === 0 || m.deliverAt >= (both.messages[i - 1]?.deliverAt ?? 0)),
    ).toBe(true);
  });

  it('runs once, and has its ground truth only after the last message', () => {
    const simulator = new SwitchSimulator(exampleConfig(), { seed: 3, ...oneWeek, callsPerDay: 50 });
    const messages = simulator.messages();
    expect(() => simulator.groundTruth()).toThrow(/only after/);
    messages.next();
    expect(simulator.finished).toBe(false);
    expect(() => [...simulator.messages()]).toThrow(/runs once/);
    for (;;) if (messages.next().done === true) break;
    expect(simulator.finished).toBe(true);
    expect(simulator.groundTruth().seed).toBe(3);
  });

  it('rejects options that make no sense, saying what to give', () => {
    const config = exampleConfig();
    expect(() => new SwitchSimulator(config, { seed: 1, ...oneWeek, gemeenten: ['GM9999'] })).toThrow(
      /GM9999 is not in the configuration/,
    );
    expect(() => new SwitchSimulator(config, { seed: 1, ...oneWeek, faults: { duplicateRate: 2 } })).toThrow(
      /between 0 and 1/,
    );
    expect(
      () => new SwitchSimulator(config, { seed: 1, fromMs: oneWeek.toMs, toMs: oneWeek.fromMs }),
    ).toThrow(/after fromMs/);
  });

  it('streams a year without holding it: a quiet gemeente across DST changes and holidays', () => {
    const from = Date.parse('2025-12-31T23:00:00Z');
    const simulator = new SwitchSimulator(exampleConfig(), {
      seed: 9,
      fromMs: from,
      toMs: Date.parse('2026-12-31T23:00:00Z'),
      gemeenten: ['GM0034'],
      callsPerDay: 40,
    });
    let previous = Number.NEGATIVE_INFINITY;
    let count = 0;
    let ordered = true;
    for (const m of simulator.messages()) {
      if (m.deliverAt < previous) ordered = false;
      previous = m.deliverAt;
      count++;
    }
    expect(ordered).toBe(true);
    expect(count).toBeGreaterThan(40 * 200 * 3);
    const truth = simulator.groundTruth();
    // Holidays are closed days: Koningsdag (Monday 27 April 2026) has no offered KCC leg. Seed 9
    // puts exactly two calls to the KCC on that day, at 11:10 and 13:42 Amsterdam time (within an
    // ordinary Monday's 08:30-17:00): both are counted out of hours, neither is offered.
    const koningsdag = Object.entries(truth.legs)
      .filter(([k]) => k.startsWith('GM0034|kcc|'))
      .filter(([k]) => {
        const ms = Number(k.split('|')[2]);
        return ms >= Date.parse('2026-04-26T22:00:00Z') && ms < Date.parse('2026-04-27T22:00:00Z');
      });
    expect(koningsdag).toHaveLength(2);
    for (const [key, counts] of koningsdag) expect(counts, key).toMatchObject({ offered: 0, outOfHours: 1 });
  });

  it('simulates in memory with simulate() the same as iterating a SwitchSimulator', () => {
    const options = { seed: 5, ...oneWeek, callsPerDay: 100 };
    const simulator = new SwitchSimulator(exampleConfig(), options);
    const messages = [...simulator.messages()];
    const direct = simulate(exampleConfig(), options);
    expect(direct.messages).toEqual(messages);
    expect(direct.truth).toEqual(simulator.groundTruth());
  });
});
