/** Terugbelverzoeken: facts, due moments and on-time judgement by hand-worked dates (docs/metrics.md). */
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../../src/domain/werkdag.ts';
import type { CallbackCompleted, CallbackRequested } from '../../../src/events/call-event.ts';
import { CallbackTracker } from '../../../src/transforms/track-callbacks/callback-tracker.ts';

const plainCalendar = new WorkCalendar();
/** A gemeente that closes the Friday after Hemelvaart 2026. */
const bridgeDayCalendar = new WorkCalendar(['2026-05-15']);
const day = 24 * 3600 * 1000;
/** Refs are `partition:offset`. */
const tracker = (calendar = plainCalendar) =>
  new CallbackTracker<string>(() => calendar, {
    allowedLatenessMs: 300_000,
    correctionMs: 3_600_000,
    openHorizonMs: 30 * day,
    partitionOf: (ref) => (ref.includes(':') ? Number(ref.split(':')[0]) : 0),
    offsetOf: (ref) => (ref.includes(':') ? Number(ref.split(':')[1]) : 0),
  });
const requested = (eventId: string, callbackId: string, iso: string): CallbackRequested => ({
  type: 'CALLBACK_REQUESTED',
  eventId,
  callbackId,
  occurredAt: Date.parse(iso),
  gemeente: 'GM0307',
  queue: 'belastingen',
  callId: 'c1',
});
const completed = (eventId: string, callbackId: string, iso: string): CallbackCompleted => ({
  type: 'CALLBACK_COMPLETED',
  eventId,
  callbackId,
  occurredAt: Date.parse(iso),
  gemeente: 'GM0307',
  outcome: 'REACHED',
});

describe('track-callbacks', () => {
  it('a request on Monday 10:04 is due at the end of Wednesday; completion on Tuesday is on time', () => {
    const t = tracker();
    const out = CallbackTracker.output<string>();
    t.apply(requested('r', 'cb1', '2026-11-23T10:04:10+01:00'), 'r', out);
    t.apply(completed('c', 'cb1', '2026-11-24T11:20:00+01:00'), 'c', out);
    expect(out.facts.map((f) => f.fact)).toEqual([
      {
        callbackId: 'cb1',
        gemeente: 'GM0307',
        queue: 'belastingen',
        callId: 'c1',
        requestedAt: Date.parse('2026-11-23T09:04:10Z'),
        dueAt: Date.parse('2026-11-25T23:00:00Z'),
        completedAt: null,
        outcome: null,
        onTime: null,
        version: 1,
      },
      {
        callbackId: 'cb1',
        gemeente: 'GM0307',
        queue: 'belastingen',
        callId: 'c1',
        requestedAt: Date.parse('2026-11-23T09:04:10Z'),
        dueAt: Date.parse('2026-11-25T23:00:00Z'),
        completedAt: Date.parse('2026-11-24T10:20:00Z'),
        outcome: 'REACHED',
        onTime: true,
        version: 3,
      },
    ]);
  });

  it('a request the Wednesday before Hemelvaart is due at the end of the following Monday; Tuesday is late', () => {
    const t = tracker();
    const out = CallbackTracker.output<string>();
    // A completion of a callback not in memory is first checked against the stored history.
    expect(t.apply(completed('c', 'cb2', '2026-05-19T09:00:00+02:00'), 'c', out)).toBe('orphan');
    // Nothing stored: it is applied as it is, and the request completes it when it arrives.
    expect(t.apply(completed('c', 'cb2', '2026-05-19T09:00:00+02:00'), 'c', out, { resolved: true })).toBe(
      'applied',
    );
    t.apply(requested('r', 'cb2', '2026-05-13T16:00:00+02:00'), 'r', out);
    expect(out.facts.map((f) => [f.fact.version, f.fact.dueAt, f.fact.onTime])).toEqual([
      [2, null, null],
      [3, Date.parse('2026-05-18T22:00:00Z'), false],
    ]);
  });

  it('with the Friday after Hemelvaart a closing day, the same request is due at the end of Tuesday', () => {
    const t = tracker(bridgeDayCalendar);
    const out = CallbackTracker.output<string>();
    t.apply(requested('r', 'cb2', '2026-05-13T16:00:00+02:00'), 'r', out);
    t.apply(completed('c', 'cb2', '2026-05-19T09:00:00+02:00'), 'c', out);
    expect(out.facts.map((f) => [f.fact.dueAt, f.fact.onTime])).toEqual([
      [Date.parse('2026-05-19T22:00:00Z'), null],
      [Date.parse('2026-05-19T22:00:00Z'), true],
    ]);
  });

  it('counts open and overdue callbacks at an instant, and ignores a redelivered request', () => {
    const t = tracker();
    const out = CallbackTracker.output<string>();
    t.apply(requested('r1', 'cb1', '2026-11-20T10:00:00+01:00'), 'r1', out);
    t.apply(requested('r1', 'cb1', '2026-11-20T10:00:00+01:00'), 'r1-again', out);
    t.apply(requested('r2', 'cb2', '2026-11-23T10:00:00+01:00'), 'r2', out);
    expect(out.duplicates).toBe(1);
    // Friday's request is due at the end of Tuesday 24 November; Monday's at the end of Wednesday.
    expect(t.openAndOverdue(Date.parse('2026-11-24T22:59:59Z'))).toEqual(
      new Map([['GM0307|belastingen', { open: 2, overdue: 0 }]]),
    );
    expect(t.openAndOverdue(Date.parse('2026-11-24T23:00:00Z'))).toEqual(
      new Map([['GM0307|belastingen', { open: 2, overdue: 1 }]]),
    );
  });

  it('rejects a second completion and a completion before the request', () => {
    const t = tracker();
    const out = CallbackTracker.output<string>();
    t.apply(requested('r', 'cb1', '2026-11-23T10:00:00+01:00'), 'r', out);
    t.apply(completed('c0', 'cb1', '2026-11-23T09:00:00+01:00'), 'c0', out, { resolved: true });
    t.apply(completed('c1', 'cb1', '2026-11-23T11:00:00+01:00'), 'c1', out);
    t.apply(completed('c2', 'cb1', '2026-11-23T12:00:00+01:00'), 'c2', out);
    expect(out.rejected.map((r) => [r.ref, r.reason])).toEqual([
      ['c0', 'contradicts-call-state'],
      ['c2', 'contradicts-call-state'],
    ]);
    expect(out.facts.at(-1)?.fact.completedAt).toBe(Date.parse('2026-11-23T10:00:00Z'));
  });

  describe('bounded memory', () => {
    const requestedAt = '2026-11-02T10:00:00+01:00';
    const T = Date.parse(requestedAt);
    const now = T + 40 * day;
    const gauge = (t: CallbackTracker<string>) => t.openAndOverdue(now).get('GM0307|belastingen');

    it('lets an open callback leave memory at the horizon, still counted open and overdue; its completion, read back, takes it off', () => {
      const t = tracker();
      const out = CallbackTracker.output<string>();
      const request = requested('r', 'cb1', requestedAt);
      t.apply(request, '0:1', out);
      t.advance(T + 30 * day - 1);
      expect(t.callbacksInMemory).toBe(1);
      t.advance(T + 30 * day);
      expect(t.callbacksInMemory).toBe(0);
      expect(gauge(t)).toEqual({ open: 1, overdue: 1 });

      const completion = completed('c', 'cb1', '2026-12-03T09:00:00+01:00');
      expect(t.apply(completion, '0:2', out)).toBe('orphan');
      // The processor reads the callback's history from the store and applies the completion to it.
      t.seed(request, 0);
      expect(gauge(t)).toEqual({ open: 1, overdue: 1 });
      expect(t.apply(completion, '0:2', out, { resolved: true })).toBe('applied');
      expect(out.facts.at(-1)).toMatchObject({
        fact: { callbackId: 'cb1', version: 3, onTime: false },
        previous: { callbackId: 'cb1', version: 1 },
      });
      expect(gauge(t)).toBeUndefined();
      t.advance(T + 60 * day);
      expect(gauge(t)).toBeUndefined();
    });

    it('does not count a released callback twice when its request is replayed', () => {
      const t = tracker();
      const out = CallbackTracker.output<string>();
      const request = requested('r', 'cb1', requestedAt);
      t.apply(request, '0:1', out);
      t.advance(T + 31 * day);
      expect(t.apply(request, '0:1', out)).toBe('duplicate');
      t.advance(T + 62 * day);
      expect(t.callbacksInMemory).toBe(0);
      expect(gauge(t)).toEqual({ open: 1, overdue: 1 });
    });

    it('takes a released callback off when the store already holds its completion (a replay after a move)', () => {
      const t = tracker();
      const out = CallbackTracker.output<string>();
      const request = requested('r', 'cb1', requestedAt);
      const completion = completed('c', 'cb1', '2026-12-03T09:00:00+01:00');
      t.restorePartition(0, undefined);
      t.addReleased(0, { callbackId: 'cb1', gemeente: 'GM0307', queue: 'belastingen' });
      // The previous owner completed it after this one restored the partition; the completion is replayed.
      expect(t.apply(completion, '0:7', out)).toBe('orphan');
      t.seed(request, 0);
      t.seed(completion, 0);
      expect(t.apply(completion, '0:7', out, { resolved: true })).toBe('duplicate');
      expect(gauge(t)).toBeUndefined();
    });

    it('settles a request read again up to the last stored callback event through the store, and writes it again', () => {
      const t = tracker();
      const out = CallbackTracker.output<string>();
      const request = requested('r', 'cb1', requestedAt);
      // Restored with the callback past the horizon, its request at offset 4, the last stored one 9.
      t.restorePartition(0, 9);
      t.addReleased(0, { callbackId: 'cb1', gemeente: 'GM0307', queue: 'belastingen' });
      expect(t.apply(request, '0:4', out)).toBe('orphan');
      t.seed(request, 0);
      expect(t.apply(request, '0:4', out, { resolved: true })).toBe('duplicate');
      // Written again unchanged (its previous owner may have died before its rollups), not counted.
      expect(out.facts).toEqual([]);
      expect(out.restated.map((f) => [f.callbackId, f.version])).toEqual([['cb1', 1]]);
      expect(gauge(t)).toEqual({ open: 1, overdue: 1 });
      // A copy after the last stored event is a plain duplicate.
      expect(t.apply(request, '0:12', out)).toBe('duplicate');
      expect(out.restated).toHaveLength(1);
    });

    it('does not count a request read again as open when the store holds its completion', () => {
      const t = tracker();
      const out = CallbackTracker.output<string>();
      const request = requested('r', 'cb1', requestedAt);
      const completion = completed('c', 'cb1', '2026-11-03T09:00:00+01:00');
      // The completion came first in the partition (offset 2) and is committed; the request (5) is not.
      t.restorePartition(0, 5);
      expect(t.apply(request, '0:5', out)).toBe('orphan');
      t.seed(request, 0);
      t.seed(completion, 0);
      expect(t.apply(request, '0:5', out, { resolved: true })).toBe('duplicate');
      expect(out.facts).toEqual([]);
      expect(out.restated.map((f) => [f.callbackId, f.version])).toEqual([['cb1', 3]]);
      expect(gauge(t)).toBeUndefined();
      // Without the offset, the request would have been taken for a new open callback.
      const unaware = tracker();
      unaware.restorePartition(0, undefined);
      expect(unaware.apply(request, '0:5', CallbackTracker.output<string>())).toBe('applied');
      expect(gauge(unaware)).toEqual({ open: 1, overdue: 1 });
    });

    it('counts a request that arrives after the horizon passed it, once it is settled', () => {
      const t = tracker();
      const out = CallbackTracker.output<string>();
      t.advance(T + 31 * day);
      const request = requested('r', 'cb1', requestedAt);
      expect(t.apply(request, '2:9', out)).toBe('orphan');
      // Nothing stored: applied as new, then past the horizon at the next step.
      expect(t.apply(request, '2:9', out, { resolved: true })).toBe('applied');
      t.advance(T + 31 * day + 1);
      expect(t.callbacksInMemory).toBe(0);
      expect(gauge(t)).toEqual({ open: 1, overdue: 1 });
    });

    it('counts the open callbacks of a restored partition once and forgets them with the partition', () => {
      const t = tracker();
      const out = CallbackTracker.output<string>();
      const old = (callbackId: string) => ({ callbackId, gemeente: 'GM0307', queue: 'belastingen' });
      t.restorePartition(1, undefined);
      for (const id of ['cb1', 'cb3', 'cb4']) t.addReleased(1, old(id));
      t.apply(requested('r2', 'cb2', '2026-11-20T10:00:00+01:00'), '2:1', out);
      expect(gauge(t)).toEqual({ open: 4, overdue: 4 });
      // A replayed request of one of the three is known, not added.
      expect(t.apply(requested('r', 'cb1', requestedAt), '1:4', out)).toBe('duplicate');
      expect(gauge(t)).toEqual({ open: 4, overdue: 4 });
      // A completion of one: read back from the store, then it is off.
      const completion = completed('c', 'cb3', '2026-12-03T09:00:00+01:00');
      expect(t.apply(completion, '1:5', out)).toBe('orphan');
      t.seed(requested('r3', 'cb3', requestedAt), 1);
      expect(t.apply(completion, '1:5', out, { resolved: true })).toBe('applied');
      expect(gauge(t)).toEqual({ open: 3, overdue: 3 });
      t.dropPartitions(new Set([1]));
      expect(gauge(t)).toEqual({ open: 1, overdue: 1 });
      // A retried restore adds nothing twice.
      t.restorePartition(2, undefined);
      t.addReleased(2, old('cb5'));
      t.restorePartition(2, undefined);
      t.addReleased(2, old('cb5'));
      t.addReleased(2, old('cb5'));
      expect(gauge(t)).toEqual({ open: 1, overdue: 1 });
    });
  });
});
