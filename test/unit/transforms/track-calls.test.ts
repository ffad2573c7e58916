/**
 * The per-call state machine, input -> output, from recorded event sequences. Expected facts are
 * worked out by hand from SWITCH.md and docs/metrics.md, never taken from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { Topology } from '../../../src/config/topology.ts';
import type { CallEvent, RawCallEvent } from '../../../src/events/call-event.ts';
import { validateCallEvent } from '../../../src/sources/kafka/validate-event.ts';
import { CallTracker } from '../../../src/transforms/track-calls/call-tracker.ts';
import { exampleConfig, rawEvent, readFixture, type FixtureEvent } from '../../helpers/fixtures.ts';
import type { CallStateEvent } from '../../../src/events/call-event.ts';

const topology = new Topology(exampleConfig());
const minute = 60_000;
const options = {
  allowedLatenessMs: 5 * minute,
  callTimeoutMs: 240 * minute,
  correctionMs: 60 * minute,
  partitionOf: () => 0,
};

function validate(raw: RawCallEvent): CallEvent {
  const result = validateCallEvent(raw, {
    queueIds: topology.queueIds,
    pseudonymise: (n) => `hmac(${n})`,
    nowMs: Date.parse('2026-12-01T00:00:00Z'),
    maxFutureSkewMs: 600_000,
  });
  if (!result.ok) throw new Error(`fixture event rejected: ${result.detail}`);
  return result.event;
}

const isCallEvent = (e: CallEvent): e is CallStateEvent =>
  e.type === 'CALL_STARTED' ||
  e.type === 'QUEUE_ENTERED' ||
  e.type === 'ANSWERED' ||
  e.type === 'ABANDONED' ||
  e.type === 'TIMED_OUT' ||
  e.type === 'CALL_ENDED';

/** Feeds events in the given order, moving the watermark to the latest event time seen after each. */
function run(
  raws: RawCallEvent[],
  tracker = new CallTracker<string>(topology, options),
  out = CallTracker.output<string>(),
) {
  for (const raw of raws) {
    const event = validate(raw);
    if (!isCallEvent(event)) continue;
    tracker.apply(event, event.eventId, out);
    tracker.advance(0, event.occurredAt, out);
  }
  return { tracker, out };
}

const at = (iso: string) => Date.parse(iso);

describe('track-calls: the example call of SWITCH.md', () => {
  const events = readFixture('switch-example-call.jsonl');

  it('holds the call until CALL_ENDED plus the allowed lateness has passed', () => {
    const { tracker, out } = run(events);
    expect(out.finalized).toEqual([]);
    expect(tracker.openCalls).toBe(1);
    tracker.advance(0, at('2026-11-23T10:08:54+01:00'), out);
    expect(out.finalized).toEqual([]);
    tracker.advance(0, at('2026-11-23T10:08:55+01:00'), out);
    expect(out.finalized).toHaveLength(1);
    expect(tracker.openCalls).toBe(0);
  });

  it('gives the KCC an offered leg answered within service level and transferred out, Belastingen an abandoned transfer leg', () => {
    const { tracker, out } = run(events);
    tracker.flushAll(out);
    const [facts] = out.finalized;
    expect(facts?.previous).toBeUndefined();
    expect(facts?.legs).toEqual([
      {
        legId: 'l1',
        callId: 'c1',
        gemeente: 'GM0307',
        queue: 'kcc',
        enteredAt: at('2026-11-23T09:00:00Z'),
        outcome: 'answered',
        outcomeSource: 'event',
        outcomeAt: at('2026-11-23T09:00:12Z'),
        waitMs: 12_000,
        category: 'offered',
        withinServiceLevel: true,
        transferredFromLegId: null,
        transferredOut: true,
        agentId: 'a17',
        normId: 'vng-kwaliteitshandvest-25s',
        version: 6,
      },
      {
        legId: 'l2',
        callId: 'c1',
        gemeente: 'GM0307',
        queue: 'belastingen',
        enteredAt: at('2026-11-23T09:02:40Z'),
        outcome: 'abandoned',
        outcomeSource: 'event',
        outcomeAt: at('2026-11-23T09:03:55Z'),
        waitMs: 75_000,
        category: 'offered',
        withinServiceLevel: false,
        transferredFromLegId: 'l1',
        transferredOut: false,
        agentId: null,
        normId: 'vng-kwaliteitshandvest-25s',
        version: 6,
      },
    ]);
    expect(facts?.call).toEqual({
      callId: 'c1',
      gemeente: 'GM0307',
      startedAt: at('2026-11-23T09:00:00Z'),
      endedAt: at('2026-11-23T09:03:55Z'),
      endSource: 'call_ended',
      callerKey: 'hmac(+31331234567)',
      dialledNumber: '14033',
      legs: 2,
      offeredLegs: 2,
      firstOfferedAt: at('2026-11-23T09:00:00Z'),
      lastOfferedAnswered: false,
      version: 6,
    });
    expect(facts?.rejected).toEqual([]);
    expect(out.done.sort()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  });

  it('computes the same facts from any arrival order, with duplicates counted once', () => {
    const inOrder = run(events);
    inOrder.tracker.flushAll(inOrder.out);
    const shuffled = [
      events[5],
      events[3],
      events[4],
      events[2],
      events[4],
      events[0],
      events[1],
      events[2],
    ].filter((e): e is RawCallEvent => e !== undefined);
    const other = run(shuffled);
    other.tracker.flushAll(other.out);
    expect(other.out.duplicates).toBe(2);
    expect(other.out.finalized.map((f) => [f.call, f.legs])).toEqual(
      inOrder.out.finalized.map((f) => [f.call, f.legs]),
    );
  });
});

describe('track-calls: how legs are classified', () => {
  const call = (legEvents: FixtureEvent[], end = '2026-11-23T10:30:00+01:00') => [
    rawEvent({
      eventId: 's',
      type: 'CALL_STARTED',
      occurredAt: '2026-11-23T10:00:00+01:00',
      callId: 'c',
      callerNumber: null,
    }),
    ...legEvents.map((e, i) => rawEvent({ eventId: `x${i}`, callId: 'c', ...e })),
    rawEvent({ eventId: 'end', type: 'CALL_ENDED', occurredAt: end, callId: 'c' }),
  ];
  const legsOf = (raws: RawCallEvent[]) => {
    const { tracker, out } = run(raws);
    tracker.flushAll(out);
    return out.finalized.flatMap((f) => f.legs);
  };
  const enter = (legId: string, time: string, queue = 'kcc') => ({
    type: 'QUEUE_ENTERED' as const,
    legId,
    queue,
    occurredAt: time,
  });

  it('a wait of exactly 5 s is not a short abandon; 4.999 s is', () => {
    const legs = legsOf(
      call([
        enter('a', '2026-11-23T10:00:00.000+01:00'),
        { type: 'ABANDONED', legId: 'a', occurredAt: '2026-11-23T10:00:05.000+01:00' },
        enter('b', '2026-11-23T10:01:00.000+01:00'),
        { type: 'ABANDONED', legId: 'b', occurredAt: '2026-11-23T10:01:04.999+01:00' },
      ]),
    );
    expect(legs.map((l) => [l.legId, l.category, l.outcome, l.waitMs])).toEqual([
      ['a', 'offered', 'abandoned', 5000],
      ['b', 'short_abandoned', 'abandoned', 4999],
    ]);
  });

  it('a wait of exactly 25 s is within service level; 25.001 s is not', () => {
    const legs = legsOf(
      call([
        enter('a', '2026-11-23T10:00:00.000+01:00'),
        { type: 'ANSWERED', legId: 'a', occurredAt: '2026-11-23T10:00:25.000+01:00' },
        enter('b', '2026-11-23T10:05:00.000+01:00'),
        { type: 'ANSWERED', legId: 'b', occurredAt: '2026-11-23T10:05:25.001+01:00' },
      ]),
    );
    expect(legs.map((l) => [l.legId, l.withinServiceLevel])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('a leg left open when the call ends is abandoned at CALL_ENDED', () => {
    const legs = legsOf(call([enter('a', '2026-11-23T10:00:00+01:00')], '2026-11-23T10:02:00+01:00'));
    expect(legs.map((l) => [l.outcome, l.outcomeSource, l.waitMs, l.category])).toEqual([
      ['abandoned', 'call_ended', 120_000, 'offered'],
    ]);
  });

  it('a leg entering outside opening hours is out of hours, whatever happens to it (Burgerzaken closes at 12:30 for lunch)', () => {
    const legs = legsOf(
      call(
        [
          enter('a', '2026-11-23T12:30:00+01:00', 'burgerzaken'),
          { type: 'ANSWERED', legId: 'a', occurredAt: '2026-11-23T12:30:10+01:00' },
          enter('b', '2026-11-23T12:29:59+01:00', 'burgerzaken'),
          { type: 'TIMED_OUT', legId: 'b', occurredAt: '2026-11-23T12:30:05+01:00' },
        ],
        '2026-11-23T12:31:00+01:00',
      ),
    );
    expect(legs.map((l) => [l.legId, l.category, l.outcome, l.withinServiceLevel])).toEqual([
      ['b', 'offered', 'timed_out', false],
      ['a', 'out_of_hours', 'answered', false],
    ]);
  });

  it('an answered leg is transferred out only when another leg of the call names it', () => {
    const legs = legsOf(
      call([
        enter('a', '2026-11-23T10:00:00+01:00'),
        { type: 'ANSWERED', legId: 'a', occurredAt: '2026-11-23T10:00:03+01:00' },
        { ...enter('b', '2026-11-23T10:01:00+01:00', 'wmo'), transferredFromLegId: 'a' },
        { type: 'ANSWERED', legId: 'b', occurredAt: '2026-11-23T10:01:30+01:00' },
      ]),
    );
    expect(legs.map((l) => [l.legId, l.transferredOut, l.transferredFromLegId])).toEqual([
      ['a', true, null],
      ['b', false, 'a'],
    ]);
  });
});

describe('track-calls: state stays bounded and nothing vanishes', () => {
  it('closes a call that never ends at its last event plus the call timeout, its open leg abandoned then', () => {
    const raws = [
      rawEvent({ eventId: 's', type: 'CALL_STARTED', occurredAt: '2026-11-23T10:00:00+01:00', callId: 'c' }),
      rawEvent({
        eventId: 'q',
        type: 'QUEUE_ENTERED',
        occurredAt: '2026-11-23T10:00:01+01:00',
        callId: 'c',
        legId: 'l',
        queue: 'kcc',
      }),
    ];
    const { tracker, out } = run(raws);
    tracker.advance(0, at('2026-11-23T14:00:00+01:00'), out);
    expect(out.finalized).toEqual([]);
    tracker.advance(0, at('2026-11-23T14:00:01+01:00'), out);
    expect(
      out.finalized.map((f) => [
        f.call.endSource,
        f.call.endedAt,
        f.legs[0]?.outcomeSource,
        f.legs[0]?.waitMs,
      ]),
    ).toEqual([['call_timeout', at('2026-11-23T14:00:01+01:00'), 'call_timeout', 4 * 3600_000]]);
  });

  it('recomputes a finalised call as a correction with a higher version when a late event arrives', () => {
    const events = readFixture('switch-example-call.jsonl');
    const withoutAnswer = events.filter((e) => e.eventId !== 'e3');
    const { tracker, out } = run(withoutAnswer);
    tracker.advance(0, at('2026-11-23T10:30:00+01:00'), out);
    expect(out.finalized.map((f) => [f.previous !== undefined, f.call.version, f.legs[0]?.outcome])).toEqual([
      [false, 5, 'abandoned'],
    ]);
    const answer = events.find((e) => e.eventId === 'e3');
    if (answer === undefined) throw new Error('fixture lacks e3');
    run([answer], tracker, out);
    expect(
      out.finalized.map((f) => [
        f.previous !== undefined,
        f.call.version,
        f.legs[0]?.outcome,
        f.legs[0]?.transferredOut,
      ]),
    ).toEqual([
      [false, 5, 'abandoned', false],
      [true, 6, 'answered', true],
    ]);
  });

  it('releases finalised calls after the correction window and hands older events of them back as orphans', () => {
    const events = readFixture('switch-example-call.jsonl');
    const { tracker, out } = run(events.slice(0, 6));
    tracker.advance(0, at('2026-11-23T11:08:55+01:00'), out);
    expect(tracker.callsInMemory).toBe(0);
    const replayed = events[4];
    if (replayed === undefined) throw new Error('fixture too short');
    run([replayed], tracker, out);
    expect(out.orphans.map((o) => o.ref)).toEqual(['e5']);
    expect(tracker.callsInMemory).toBe(0);
  });

  it('rejects a second outcome for a leg; an outcome for a leg that never entered a queue is held, not counted', () => {
    const raws = [
      ...readFixture('switch-example-call.jsonl').slice(0, 6),
      rawEvent({
        eventId: 'x1',
        type: 'TIMED_OUT',
        occurredAt: '2026-11-23T10:03:00+01:00',
        callId: 'c1',
        legId: 'l2',
      }),
      rawEvent({
        eventId: 'x2',
        type: 'ANSWERED',
        occurredAt: '2026-11-23T10:03:00+01:00',
        callId: 'c1',
        legId: 'ghost',
      }),
    ];
    const { tracker, out } = run(raws);
    tracker.flushAll(out);
    expect(out.rejected.map((r) => [r.ref, r.reason])).toEqual([['x1', 'contradicts-call-state']]);
    expect(out.finalized[0]?.rejected).toEqual([]);
    expect(out.finalized[0]?.incompleteLegs).toBe(1);
    expect(out.finalized[0]?.legs.map((l) => l.legId)).toEqual(['l1', 'l2']);
    expect(out.finalized[0]?.call.version).toBe(7);
    expect([...out.done].sort()).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'x1', 'x2']);
  });

  it('rejects a late event that names another gemeente than its stored call, as it would in memory', () => {
    const stored = readFixture('switch-example-call.jsonl').map(validate).filter(isCallEvent);
    // The stored call is GM0307's (Amersfoort); this late event of it says GM0034 (Almere).
    const late = validate(
      rawEvent({
        eventId: 'x1',
        type: 'CALL_ENDED',
        occurredAt: '2026-11-23T10:09:00+01:00',
        gemeente: 'GM0034',
        callId: 'c1',
      }),
    );
    if (!isCallEvent(late)) throw new Error('fixture is not a call event');
    const tracker = new CallTracker<string>(topology, options);
    const out = CallTracker.output<string>();
    const applied = tracker.resolve(
      'c1',
      { history: stored, final: true },
      [{ event: late, ref: 'x1' }],
      out,
    );
    expect(applied).toEqual([]);
    expect(out.rejected.map((r) => [r.ref, r.reason])).toEqual([['x1', 'contradicts-call-state']]);
    expect(out.rejected[0]?.detail).toContain('gemeente GM0034, but the call belongs to GM0307');
    // Nothing about the stored call changes: no correction, no second call in GM0034.
    expect(out.finalized).toEqual([]);
    expect(out.restated.map((f) => [f.call.gemeente, f.call.version])).toEqual([['GM0307', stored.length]]);
  });

  it('a call open here but already stored final, with nothing new, is written again once and not finalised a second time', () => {
    const events = readFixture('switch-example-call.jsonl').slice(0, 6).map(validate).filter(isCallEvent);
    // Open here: all its events, before the watermark reached its end (another processor stored it).
    const { tracker, out } = run(readFixture('switch-example-call.jsonl').slice(0, 6));
    expect(out.finalized).toEqual([]);
    const [first] = events;
    if (first === undefined) throw new Error('fixture too short');
    tracker.resolve(
      first.callId,
      { history: events, final: true },
      [{ event: first, ref: first.eventId }],
      out,
    );
    expect(out.restated.map((f) => f.call.version)).toEqual([6]);
    tracker.advance(0, at('2026-11-23T11:08:55+01:00'), out);
    expect(out.finalized).toEqual([]);
    expect(tracker.openCalls).toBe(0);
  });
});

describe('track-calls: event time per partition', () => {
  // Refs name their partition: `p<partition>:<eventId>`.
  const partitioned = { ...options, partitionOf: (ref: string) => Number(ref.slice(1, ref.indexOf(':'))) };
  const events = () => readFixture('switch-example-call.jsonl').map(validate).filter(isCallEvent);
  const ended = at('2026-11-23T10:08:55+01:00');

  it("finalises a call on its own partition's watermark, not on another's", () => {
    const tracker = new CallTracker<string>(topology, partitioned);
    const out = CallTracker.output<string>();
    for (const e of events()) tracker.apply(e, `p2:${e.eventId}`, out);
    tracker.advance(5, ended + 3_600_000, out);
    expect(out.finalized).toEqual([]);
    tracker.advance(2, ended, out);
    expect(out.finalized.map((f) => f.call.callId)).toEqual(['c1']);
    expect(tracker.watermarkOf(2)).toBe(ended);
    expect(tracker.watermarkOf(5)).toBe(ended + 3_600_000);
    expect(tracker.watermarkOf(7)).toBe(Number.NEGATIVE_INFINITY);
  });

  it("sends an event of a call not held to the store only when it is older than its partition's released calls", () => {
    const tracker = new CallTracker<string>(topology, partitioned);
    const out = CallTracker.output<string>();
    // Partition 5 released everything up to a day after the call; partition 2 nothing yet.
    tracker.advance(5, ended + 86_400_000, out);
    const [first] = events();
    if (first === undefined) throw new Error('fixture too short');
    expect(tracker.apply(first, `p5:${first.eventId}`, out)).toBe('orphan');
    expect(tracker.apply(first, `p2:${first.eventId}`, out)).toBe('applied');
  });

  it('forgets the open and the final calls of partitions it lost, and keeps the others', () => {
    const tracker = new CallTracker<string>(topology, partitioned);
    const out = CallTracker.output<string>();
    for (const e of events()) tracker.apply(e, `p2:${e.eventId}`, out);
    tracker.advance(2, ended, out);
    for (const e of events()) tracker.apply({ ...e, callId: 'c2' }, `p3:${e.eventId}`, out);
    for (const e of events()) tracker.apply({ ...e, callId: 'c3' }, `p4:${e.eventId}`, out);
    expect(tracker.callsInMemory).toBe(3);
    expect(tracker.dropPartitions(new Set([2, 3]))).toBe(1);
    expect(tracker.callsInMemory).toBe(1);
    expect(tracker.openCalls).toBe(1);
    expect(tracker.watermarkOf(2)).toBe(Number.NEGATIVE_INFINITY);
  });
});
