/**
 * The simulated traffic looks like a gemeente's: the KCC reaches most callers, transfers about a
 * fifth of them, departments reach fewer, Monday mornings are busy and weekends quiet. Ranges are
 * wide on purpose: the test pins the shape, not the random numbers.
 */
import { describe, expect, it } from 'vitest';
import { localPartsOf } from '../../../src/domain/amsterdam-time.ts';
import { reachability, repeatRate, satisfaction } from '../../../src/domain/kpi.ts';
import { rollupLegs, rollupRepeats, rollupSatisfaction } from '../../../src/simulate/index.ts';
import { eventsOf, must, run } from './helpers.ts';

const { messages, truth } = run();
const totals = rollupLegs(truth, 'total');
const kcc = must(totals['GM0307|kcc']);
const departments = ['burgerzaken', 'belastingen', 'wmo', 'openbare-ruimte'].map((q) => ({
  q,
  c: must(totals[`GM0307|${q}`]),
}));
const starts = eventsOf(messages).filter((e) => e.type === 'CALL_STARTED');

describe('simulated traffic shape', () => {
  it('has a KCC that reaches 85-95% and transfers about a fifth of what it answers', () => {
    expect(reachability(kcc)).toBeGreaterThan(0.85);
    expect(reachability(kcc)).toBeLessThan(0.95);
    expect(kcc.transferredOut / kcc.answered).toBeGreaterThan(0.15);
    expect(kcc.transferredOut / kcc.answered).toBeLessThan(0.25);
    expect(kcc.answeredWithinSl / kcc.offered).toBeGreaterThan(0.5);
    expect(kcc.shortAbandoned).toBeGreaterThan(0);
    expect(kcc.outOfHours).toBeGreaterThan(0);
    expect(kcc.timedOut).toBeGreaterThan(0);
  });

  it('has departments that reach fewer callers than the KCC, all of them by transfer', () => {
    for (const { q, c } of departments) {
      expect(reachability(c), q).toBeLessThan(must(reachability(kcc)));
      expect(reachability(c), q).toBeGreaterThan(0.6);
      expect(c.offeredFromTransfer, q).toBe(c.offered);
    }
    // Burgerzaken has the shortest hours (closed at lunch, Friday afternoon): some transfers land outside them.
    expect(must(totals['GM0307|burgerzaken']).outOfHours).toBeGreaterThan(0);
  });

  it('lets a test degrade one department', () => {
    const degraded = run({ behaviour: { reachability: { 'GM0307:belastingen': 0.4 } } });
    const t = rollupLegs(degraded.truth, 'total');
    expect(reachability(must(t['GM0307|belastingen']))).toBeLessThan(0.5);
    expect(reachability(must(t['GM0307|burgerzaken']))).toBeGreaterThan(0.65);
    expect(reachability(must(t['GM0307|kcc']))).toBeGreaterThan(0.85);
  });

  it('has busy weekdays, busy Monday mornings and quiet weekends and evenings', () => {
    const perWeekday = new Array<number>(8).fill(0);
    const perHour = new Array<number>(24).fill(0);
    for (const e of starts) {
      const { isoWeekday, minuteOfDay } = localPartsOf(e.occurredAt);
      perWeekday[isoWeekday] = (perWeekday[isoWeekday] ?? 0) + 1;
      if (isoWeekday <= 5)
        perHour[Math.floor(minuteOfDay / 60)] = (perHour[Math.floor(minuteOfDay / 60)] ?? 0) + 1;
    }
    const [, mon = 0, tue = 0, wed = 0, thu = 0, fri = 0, sat = 0, sun = 0] = perWeekday;
    // Three weeks at 600 calls on a normal weekday.
    expect((tue + wed + thu) / 9).toBeGreaterThan(500);
    expect((tue + wed + thu) / 9).toBeLessThan(700);
    expect(mon).toBeGreaterThan(tue);
    expect(fri).toBeLessThan(thu);
    expect((sat + sun) / 6).toBeLessThan((tue + wed + thu) / 9 / 10);
    expect(perHour[10]).toBeGreaterThan(must(perHour[15]));
    expect(perHour[15]).toBeGreaterThan(must(perHour[20]));
    expect(perHour[3]).toBeLessThan(must(perHour[20]));
  });

  it('has withheld numbers, repeat callers and satisfied callers in plausible shares', () => {
    const withheld = starts.filter((e) => e.callerNumber === null).length / starts.length;
    expect(withheld).toBeGreaterThan(0.05);
    expect(withheld).toBeLessThan(0.11);
    expect(starts.every((e) => e.callerNumber === null || /^\+31\d{9}$/.test(e.callerNumber))).toBe(true);
    expect(starts.every((e) => e.dialledNumber === '14033')).toBe(true);
    const repeats = must(rollupRepeats(truth, 'total')['GM0307']);
    expect(repeatRate(repeats)).toBeGreaterThan(0.05);
    expect(repeatRate(repeats)).toBeLessThan(0.25);
    const sat = must(rollupSatisfaction(truth, 'total')['GM0307']);
    expect(sat.answers).toBeGreaterThan(100);
    expect(satisfaction(sat)).toBeGreaterThan(0.6);
  });
});
