/** Repeat callers within 168 h, whatever order the calls arrive in. */
import { describe, expect, it } from 'vitest';
import type { CallStarted } from '../../../src/events/call-event.ts';
import { RepeatCallerTracker } from '../../../src/transforms/track-repeat-callers/repeat-tracker.ts';

const start = (
  callId: string,
  iso: string,
  callerKey: string | null = 'k1',
  gemeente = 'GM0307',
): CallStarted => ({
  type: 'CALL_STARTED',
  eventId: `e-${callId}`,
  callId,
  occurredAt: Date.parse(iso),
  gemeente,
  callerKey,
  dialledNumber: '14033',
});

describe('track-repeat-callers', () => {
  it('marks a call a repeat when the same caller called the same gemeente at most 168 h before', () => {
    const t = new RepeatCallerTracker(3_900_000);
    const out = RepeatCallerTracker.output();
    t.apply(start('a', '2026-11-16T10:00:00Z'), out);
    t.apply(start('b', '2026-11-23T10:00:00Z'), out); // exactly 168 h later
    t.apply(start('c', '2026-11-30T10:00:00.001Z'), out); // 168 h + 1 ms after b
    t.apply(start('d', '2026-11-30T11:00:00Z', 'k1', 'GM0034'), out); // another gemeente
    t.apply(start('e', '2026-11-30T12:00:00Z', null), out); // withheld
    expect(out.facts.map((f) => [f.fact.callId, f.fact.repeat, f.fact.version])).toEqual([
      ['a', false, 1],
      ['b', true, 2],
      ['c', false, 1],
      ['d', false, 1],
      ['e', null, 1],
    ]);
  });

  it('turns later calls into repeats when an earlier call arrives late', () => {
    const t = new RepeatCallerTracker(3_900_000);
    const out = RepeatCallerTracker.output();
    t.apply(start('late', '2026-11-20T10:00:00Z'), out);
    t.apply(start('early', '2026-11-19T10:00:00Z'), out);
    expect(out.facts.map((f) => [f.fact.callId, f.fact.repeat, f.previous?.repeat])).toEqual([
      ['late', false, undefined],
      ['early', false, undefined],
      ['late', true, false],
    ]);
  });

  it('does not count a restored call again when its CALL_STARTED is replayed after a restart', () => {
    const t = new RepeatCallerTracker(3_900_000);
    const out = RepeatCallerTracker.output();
    t.seed({
      callId: 'a',
      gemeente: 'GM0307',
      startedAt: Date.parse('2026-11-16T10:00:00Z'),
      callerKey: 'k1',
      repeat: false,
      version: 1,
    });
    t.apply(start('a', '2026-11-16T10:00:00Z'), out);
    t.apply(start('b', '2026-11-17T10:00:00Z'), out);
    expect(out.facts.map((f) => [f.fact.callId, f.fact.repeat])).toEqual([['b', true]]);
  });

  it('writes a known start again whenever it is seen again, never counting it twice', () => {
    const t = new RepeatCallerTracker(3_900_000);
    const out = RepeatCallerTracker.output();
    t.apply(start('a', '2026-11-16T10:00:00Z'), out);
    // Replayed after its call's state was dropped (a partition that moved, a torn write).
    t.apply(start('a', '2026-11-16T10:00:00Z'), out);
    t.apply(start('a', '2026-11-16T10:00:00Z'), out);
    expect(out.facts.map((f) => f.fact.callId)).toEqual(['a']);
    expect(out.restated.map((f) => [f.callId, f.repeat])).toEqual([
      ['a', false],
      ['a', false],
    ]);
  });

  it('restates a start from the stored history: written, not counted, even when new to memory', () => {
    const t = new RepeatCallerTracker(3_900_000);
    const out = RepeatCallerTracker.output();
    t.apply(start('a', '2026-11-16T10:00:00Z'), out);
    t.restate(start('b', '2026-11-17T10:00:00Z'), out);
    expect(out.facts.map((f) => f.fact.callId)).toEqual(['a']);
    expect(out.restated.map((f) => [f.callId, f.repeat, f.version])).toEqual([['b', true, 2]]);
  });

  // Release: a week, the horizon, and at most an hour more, counted from the newest start.
  const horizon = 3_900_000;
  const week = 168 * 3_600_000;
  const a = Date.parse('2026-11-16T10:00:00Z');

  it('forgets a caller once the newest start is past the window and the horizon, at most an hour later', () => {
    const t = new RepeatCallerTracker(horizon);
    const out = RepeatCallerTracker.output();
    t.apply(start('a', '2026-11-16T10:00:00Z'), out);
    t.apply(start('b', '2026-11-17T10:00:00Z', 'k2'), out);
    t.apply(start('c', '2026-11-18T10:00:00Z', 'k2'), out);
    expect([t.callersInMemory, t.startsInMemory]).toEqual([2, 3]);
    t.advance(a + week + horizon - 1);
    expect([t.callersInMemory, t.startsInMemory]).toEqual([2, 3]);
    t.advance(a + week + horizon + 3_600_000);
    // k1 is gone; k2 stays, its newest start is two days later.
    expect([t.callersInMemory, t.startsInMemory]).toEqual([1, 2]);
    t.advance(a + 2 * 86_400_000 + week + horizon + 3_600_000);
    expect([t.callersInMemory, t.startsInMemory]).toEqual([0, 0]);
  });

  it('keeps a caller whose newer start moved the release, and still tells the repeat', () => {
    const t = new RepeatCallerTracker(horizon);
    const out = RepeatCallerTracker.output();
    t.apply(start('a', '2026-11-16T10:00:00Z'), out);
    t.apply(start('b', '2026-11-22T10:00:00Z'), out);
    t.advance(a + week + horizon + 3_600_000);
    t.apply(start('c', '2026-11-28T10:00:00Z'), out);
    expect(out.facts.map((f) => [f.fact.callId, f.fact.repeat])).toEqual([
      ['a', false],
      ['b', true],
      ['c', true],
    ]);
    expect(t.callersInMemory).toBe(1);
  });

  it("holds a frequent caller's starts of the last week only, and still counts each repeat", () => {
    const horizonMs = 3_900_000;
    const t = new RepeatCallerTracker(horizonMs);
    const out = RepeatCallerTracker.output();
    const day = 86_400_000;
    const first = Date.parse('2026-01-05T09:00:00Z');
    // A caller who calls every three days for twenty weeks is never a week without a call.
    for (let n = 0; n < 47; n++) {
      const at = first + n * 3 * day;
      t.apply(start(`c${n}`, new Date(at).toISOString()), out);
      t.advance(at);
      // Dropped when the caller calls again, by the event time reached before that call (three
      // days back): starts within 7 days and the horizon of it, 3, 6 and 9 days back, and the new one.
      expect(t.startsInMemory).toBeLessThanOrEqual(4);
    }
    expect(t.callersInMemory).toBe(1);
    expect(out.facts.map((f) => f.fact.repeat)).toEqual([false, ...Array<boolean>(46).fill(true)]);
    // A gap longer than the week: not a repeat, though the caller was never released whole.
    const afterGap = first + 46 * 3 * day + 8 * day;
    t.apply(start('after-gap', new Date(afterGap).toISOString()), out);
    expect(out.facts.at(-1)?.fact).toMatchObject({ callId: 'after-gap', repeat: false });
  });

  it('counts the starts it holds as callers call again after their starts expired', () => {
    const t = new RepeatCallerTracker(horizon);
    const out = RepeatCallerTracker.output();
    t.apply(start('a', '2026-11-16T10:00:00Z'), out);
    t.apply(start('b', '2026-11-16T10:30:00Z'), out);
    t.apply(start('x', '2026-11-16T10:45:00Z', 'k2'), out);
    expect([t.callersInMemory, t.startsInMemory]).toEqual([2, 3]);
    // Past the week and the horizon (1 h 5 min) of a and b, not of x; the release of all three
    // comes at 12:00, the end of their hour.
    t.advance(Date.parse('2026-11-23T11:40:00Z'));
    expect([t.callersInMemory, t.startsInMemory]).toEqual([2, 3]);
    t.apply(start('c', '2026-11-23T11:40:00Z'), out);
    expect([t.callersInMemory, t.startsInMemory]).toEqual([2, 2]);
    t.advance(Date.parse('2026-11-23T11:51:00Z'));
    t.apply(start('y', '2026-11-23T11:51:00Z', 'k2'), out);
    expect([t.callersInMemory, t.startsInMemory]).toEqual([2, 2]);
    expect(out.facts.map((f) => [f.fact.callId, f.fact.repeat])).toEqual([
      ['a', false],
      ['b', true],
      ['x', false],
      ['c', false],
      ['y', false],
    ]);
    t.advance(Date.parse('2026-12-31T00:00:00Z'));
    expect([t.callersInMemory, t.startsInMemory]).toEqual([0, 0]);
  });
});
