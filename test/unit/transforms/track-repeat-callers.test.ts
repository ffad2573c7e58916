/** Repeat callers within 168 h, whatever order the calls arrive in. */
import { describe, expect, it } from 'vitest';
import type { CallStarted } from '../../../src/events/call-event.ts';
import { RepeatCallerTracker } from '../../../src/transforms/track-repeat-callers/repeat-tracker.ts';
import { Random } from '../../../src/simulate/random.ts';

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

describe('track-repeat-callers against the definition, random traffic', () => {
  const hour = 3_600_000;
  const week = 168 * hour;
  const base = Date.parse('2026-03-02T00:00:00Z');

  interface Start {
    callId: string;
    gemeente: string;
    callerKey: string | null;
    startedAt: number;
  }

  /**
   * Starts on a grid of `stepHours`, so same-instant starts and starts exactly 168 h apart are
   * common; fewer callers make each one call more often.
   */
  function traffic(random: Random, calls: number, callers: number, stepHours: number): Start[] {
    return Array.from({ length: calls }, (_, i) => ({
      callId: `c${i}`,
      gemeente: random.chance(0.5) ? 'GM0307' : 'GM0034',
      callerKey: random.chance(0.1) ? null : `k${random.int(0, callers - 1)}`,
      startedAt: base + random.int(0, (5 * 168) / stepHours) * stepHours * hour,
    }));
  }

  /** The definition: an earlier call of the same caller to the same gemeente at most 168 h before. */
  function expectedRepeat(s: Start, all: readonly Start[]): boolean | null {
    if (s.callerKey === null) return null;
    return all.some(
      (o) =>
        o.callerKey === s.callerKey &&
        o.gemeente === s.gemeente &&
        o.startedAt < s.startedAt &&
        s.startedAt - o.startedAt <= week,
    );
  }

  /**
   * Feeds the starts in arrival order (each up to `latenessMs` after its start time, some of known
   * callers replayed once more later), moving the watermark to the newest start less the lateness, as the
   * processor's event time does; returns what was emitted.
   */
  function feed(t: RepeatCallerTracker, starts: readonly Start[], random: Random, latenessMs: number) {
    const arrivals = starts.flatMap((s) => {
      const at = [s.startedAt + random.int(0, latenessMs)];
      // A withheld number's start is not held, so only the call tracker can tell its replay.
      if (s.callerKey !== null && random.chance(0.1)) at.push(s.startedAt + random.int(0, latenessMs));
      return at.map((arrivesAt) => ({ s, arrivesAt }));
    });
    arrivals.sort((a, b) => a.arrivesAt - b.arrivesAt);
    const out = RepeatCallerTracker.output();
    let newest = Number.NEGATIVE_INFINITY;
    for (const { s } of arrivals) {
      t.apply(start(s.callId, new Date(s.startedAt).toISOString(), s.callerKey, s.gemeente), out);
      newest = Math.max(newest, s.startedAt);
      t.advance(newest - latenessMs);
    }
    return out;
  }

  /** Each call's last emitted fact, checking that each was counted once and corrected only upwards. */
  function finalFacts(outs: readonly ReturnType<typeof RepeatCallerTracker.output>[]) {
    const last = new Map<string, { repeat: boolean | null; version: number }>();
    for (const out of outs)
      for (const { fact, previous } of out.facts) {
        if (previous === undefined) expect(last.has(fact.callId), `${fact.callId} counted twice`).toBe(false);
        else expect([previous.repeat, fact.repeat]).toEqual([false, true]);
        last.set(fact.callId, { repeat: fact.repeat, version: fact.version });
      }
    return last;
  }

  // Seeds 1 to 3: frequent callers, starts on whole hours, up to three hours late. Seeds 4 to 6:
  // callers about once a week on a 12-hour grid, up to 200 hours late, so a caller's later call
  // often arrives before its earlier one, exactly a week apart included.
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const [callers, stepHours, latenessMs] = seed <= 3 ? [15, 1, 3 * hour] : [60, 12, 200 * hour];
    it(`flags exactly the calls the definition does (seed ${seed})`, () => {
      const random = new Random(seed, 'repeat-tracker');
      const starts = traffic(random, 600, callers, stepHours);
      const t = new RepeatCallerTracker(latenessMs);
      const last = finalFacts([feed(t, starts, random, latenessMs)]);
      for (const s of starts) {
        const repeat = expectedRepeat(s, starts);
        expect(last.get(s.callId), s.callId).toEqual({ repeat, version: repeat === true ? 2 : 1 });
      }
      // It held no more than the week and the horizon, and lets go of everything in the end.
      expect(t.startsInMemory).toBeLessThan(starts.length);
      t.advance(base + 10 * week);
      expect([t.callersInMemory, t.startsInMemory]).toEqual([0, 0]);
    });

    it(`flags them after a restart from the stored starts too (seed ${seed})`, () => {
      const random = new Random(seed, 'repeat-tracker-restart');
      const starts = traffic(random, 600, callers, stepHours);
      const cut = base + random.int(1, 4) * week;
      const before = starts.filter((s) => s.startedAt < cut);
      const after = starts.filter((s) => s.startedAt >= cut);
      const first = new RepeatCallerTracker(latenessMs);
      const outBefore = feed(first, before, random, latenessMs);
      // The next processor: the stored starts (the last fact of each) seeded, then the rest.
      const stored = new Map(outBefore.facts.map(({ fact }) => [fact.callId, fact]));
      const next = new RepeatCallerTracker(latenessMs);
      for (const fact of stored.values()) next.seed(fact);
      const last = finalFacts([outBefore, feed(next, after, random, latenessMs)]);
      for (const s of starts) expect(last.get(s.callId)?.repeat, s.callId).toBe(expectedRepeat(s, starts));
    });
  }
});
