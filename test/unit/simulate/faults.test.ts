/**
 * Fault injection: every fault asked for is there, has the shape the processor must recognise, and
 * leaves the real calls' ground truth as it was (except calls that never end, which the processor
 * closes by the call timeout, as the ground truth then does too).
 */
import { describe, expect, it } from 'vitest';
import { Topology } from '../../../src/config/topology.ts';
import type { RawCallEvent } from '../../../src/events/call-event.ts';
import type { FaultOptions, GroundTruth, SimMessage } from '../../../src/simulate/index.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';
import { countBy, eventsOf, must, realEvents, run } from './helpers.ts';

const allowedLatenessMs = exampleConfig().processing.allowedLatenessSeconds * 1000;
const everyExtra: Partial<FaultOptions> = {
  wrongMagicByteRate: 0.01,
  unknownSchemaIdRate: 0.01,
  undecodableRate: 0.01,
  missingFieldRate: 0.01,
  unknownQueueRate: 0.01,
  unknownGemeenteRate: 0.01,
  impossibleTimestampRate: 0.01,
  invalidValueRate: 0.01,
  contradictionRate: 0.01,
};
const transportFaults: Partial<FaultOptions> = { duplicateRate: 0.03, lateRate: 0.03, outOfOrderRate: 0.03 };

const clean = run();
const faulty = run({ faults: { ...transportFaults, ...everyExtra } });

/** The metric parts of a ground truth (not the delivery counts). */
function metrics(truth: GroundTruth) {
  const { legs, endToEnd, repeats, satisfaction, callbacks, callbacksOnTime, callbackLedger, calls } = truth;
  return { legs, endToEnd, repeats, satisfaction, callbacks, callbacksOnTime, callbackLedger, calls };
}

const withReason = (messages: readonly SimMessage[], reason: string) =>
  messages.filter((m) => m.expectedDeadLetter === reason);
const eventOf = (m: SimMessage): RawCallEvent => {
  if (m.payload.kind !== 'event') throw new Error('not an event');
  return m.payload.event;
};

describe('simulator fault injection', () => {
  it('leaves the real calls untouched: same real events, same metrics as the clean run', () => {
    expect(metrics(faulty.truth)).toEqual(metrics(clean.truth));
    const byId = (events: RawCallEvent[]) => [...events].sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    expect(byId(realEvents(faulty.messages))).toEqual(byId(realEvents(clean.messages)));
  });

  it('still delivers in deliverAt order, and never before an event happened', () => {
    const m = faulty.messages;
    expect(m.every((x, i) => i === 0 || x.deliverAt >= must(m[i - 1]).deliverAt)).toBe(true);
    const realOnes = m.filter((x) => x.payload.kind === 'event' && x.expectedDeadLetter === undefined);
    expect(realOnes.every((x) => x.deliverAt >= eventOf(x).occurredAt)).toBe(true);
  });

  it('redelivers events with the same eventId, later, and counts them', () => {
    const seen = new Map<string, number>();
    let duplicates = 0;
    for (const m of faulty.messages) {
      if (m.payload.kind !== 'event' || m.expectedDeadLetter !== undefined) continue;
      const first = seen.get(m.payload.event.eventId);
      if (first === undefined) seen.set(m.payload.event.eventId, m.deliverAt);
      else {
        duplicates++;
        expect(m.deliverAt).toBeGreaterThan(first);
      }
    }
    expect(duplicates).toBeGreaterThan(100);
    expect(faulty.truth.delivery.duplicates).toBe(duplicates);
  });

  it('delivers some events late within the allowed lateness and some far beyond it', () => {
    const delays = faulty.messages
      .filter((m) => m.payload.kind === 'event' && m.expectedDeadLetter === undefined)
      .map((m) => m.deliverAt - eventOf(m).occurredAt);
    const within = delays.filter((d) => d > 0 && d < allowedLatenessMs).length;
    const beyond = delays.filter((d) => d >= 2 * 3600_000).length;
    expect(within).toBeGreaterThan(50);
    expect(beyond).toBeGreaterThan(50);
    expect(faulty.truth.delivery.lateBeyondLateness).toBeGreaterThan(50);
    expect(faulty.truth.delivery.lateWithinLateness).toBeGreaterThan(50);
  });

  it('shuffles the events of some calls', () => {
    const byCall = new Map<string, RawCallEvent[]>();
    for (const e of realEvents(faulty.messages)) {
      if (e.callId === null || e.type === 'CALLBACK_REQUESTED') continue;
      byCall.set(e.callId, [...(byCall.get(e.callId) ?? []), e]);
    }
    const shuffled = [...byCall.values()].filter((list) =>
      list.some((e, i) => i > 0 && e.occurredAt < must(list[i - 1]).occurredAt),
    );
    expect(shuffled.length).toBeGreaterThanOrEqual(faulty.truth.delivery.outOfOrderCalls * 0.5);
    expect(faulty.truth.delivery.outOfOrderCalls).toBeGreaterThan(50);
  });

  it('adds malformed messages of each kind, with fresh keys and the dead-letter reason', () => {
    for (const fault of ['wrong-magic-byte', 'unknown-schema-id', 'undecodable'] as const) {
      const found = faulty.messages.filter(
        (m) => m.payload.kind === 'malformed' && m.payload.fault === fault,
      );
      expect(found.length, fault).toBeGreaterThan(10);
      expect(found.every((m) => m.expectedDeadLetter === fault)).toBe(true);
      expect(found.every((m) => /-m\d+$/.test(m.key))).toBe(true);
    }
  });

  it('adds invalid events that are encodable but each break one rule', () => {
    const realCallIds = new Set(eventsOf(clean.messages).map((e) => e.callId));
    const config = exampleConfig();
    const gemeenten = new Set(config.gemeenten.map((g) => g.code));
    const queues = new Set(config.gemeenten.find((g) => g.code === 'GM0307')?.queues.map((q) => q.id));

    const missing = withReason(faulty.messages, 'missing-field').map(eventOf);
    expect(missing.length).toBeGreaterThan(10);
    expect(
      missing.every((e) => e.type === 'QUEUE_ENTERED' && e.legId === null && !realCallIds.has(e.callId)),
    ).toBe(true);

    const unknownQueue = withReason(faulty.messages, 'unknown-queue').map(eventOf);
    expect(unknownQueue.length).toBeGreaterThan(10);
    expect(
      unknownQueue.every((e) => e.queue !== null && !queues.has(e.queue) && !realCallIds.has(e.callId)),
    ).toBe(true);

    const unknownGemeente = withReason(faulty.messages, 'unknown-gemeente').map(eventOf);
    expect(unknownGemeente.length).toBeGreaterThan(10);
    expect(unknownGemeente.every((e) => !gemeenten.has(e.gemeente) && !realCallIds.has(e.callId))).toBe(true);

    const ancient = withReason(faulty.messages, 'impossible-timestamp').map(eventOf);
    expect(ancient.length).toBeGreaterThan(10);
    expect(ancient.every((e) => new Date(e.occurredAt).getUTCFullYear() === 1990)).toBe(true);

    const score7 = withReason(faulty.messages, 'invalid-value').map(eventOf);
    expect(score7.length).toBeGreaterThan(10);
    expect(score7.every((e) => e.type === 'SURVEY_ANSWERED' && e.surveyScore === 7)).toBe(true);
  });

  it('adds contradictions: a second outcome, new eventId, delivered after the real outcome of that leg', () => {
    const contradictions = withReason(faulty.messages, 'contradicts-call-state');
    expect(contradictions.length).toBeGreaterThan(10);
    const realOutcome = new Map<string, { event: RawCallEvent; deliverAt: number }>();
    for (const m of faulty.messages) {
      if (m.payload.kind !== 'event' || m.expectedDeadLetter !== undefined) continue;
      const e = m.payload.event;
      if (
        (e.type === 'ANSWERED' || e.type === 'ABANDONED' || e.type === 'TIMED_OUT') &&
        !realOutcome.has(must(e.legId))
      ) {
        realOutcome.set(must(e.legId), { event: e, deliverAt: m.deliverAt });
      }
    }
    for (const m of contradictions) {
      const e = eventOf(m);
      const real = must(realOutcome.get(must(e.legId)), `real outcome of ${e.legId}`);
      expect(e.eventId).not.toBe(real.event.eventId);
      expect(e.type).not.toBe(real.event.type);
      expect(m.deliverAt).toBeGreaterThan(real.deliverAt);
      expect(m.key).toBe(e.callId);
    }
  });

  it('counts the expected dead letters per reason', () => {
    const expected = countBy(
      faulty.messages.filter((m) => m.expectedDeadLetter !== undefined),
      (m) => must(m.expectedDeadLetter),
    );
    const nonZero = Object.fromEntries(Object.entries(faulty.truth.deadLetters).filter(([, n]) => n > 0));
    expect(nonZero).toEqual(expected);
    expect(Object.keys(nonZero).sort()).toEqual(
      [
        'contradicts-call-state',
        'impossible-timestamp',
        'invalid-value',
        'missing-field',
        'undecodable',
        'unknown-gemeente',
        'unknown-queue',
        'unknown-schema-id',
        'wrong-magic-byte',
      ].sort(),
    );
    expect(faulty.truth.deadLetters['wrong-schema']).toBe(0);
  });

  it('gives every message a fresh id where it must: event ids stay unique across distinct events', () => {
    const byId = new Map<string, RawCallEvent>();
    for (const e of eventsOf(faulty.messages)) {
      const other = byId.get(e.eventId);
      if (other !== undefined) expect(other).toBe(e); // a redelivery is the same event
      byId.set(e.eventId, e);
    }
  });
});

describe('simulator: calls whose end is never reported', () => {
  const ended = run({ faults: { neverEndedRate: 0.05 } });
  const callTimeoutMs = exampleConfig().processing.callTimeoutSeconds * 1000;

  it('drops CALL_ENDED for about the requested share, and counts them', () => {
    const started = eventsOf(ended.messages).filter((e) => e.type === 'CALL_STARTED').length;
    const endedCalls = eventsOf(ended.messages).filter((e) => e.type === 'CALL_ENDED').length;
    expect(started - endedCalls).toBe(ended.truth.delivery.neverEndedCalls);
    expect((started - endedCalls) / started).toBeGreaterThan(0.03);
    expect((started - endedCalls) / started).toBeLessThan(0.07);
  });

  it('changes only the windows of legs left open in such calls: they are abandoned at the last event + the call timeout', () => {
    const events = eventsOf(ended.messages);
    const endedIds = new Set(events.filter((e) => e.type === 'CALL_ENDED').map((e) => e.callId));
    const outcomeLegs = new Set(
      events
        .filter((e) => e.type === 'ANSWERED' || e.type === 'ABANDONED' || e.type === 'TIMED_OUT')
        .map((e) => e.legId),
    );
    const lastEventOf = new Map<string, number>();
    for (const e of events) {
      if (e.callId === null || e.type === 'SURVEY_ANSWERED' || e.type === 'CALLBACK_REQUESTED') continue;
      lastEventOf.set(e.callId, Math.max(lastEventOf.get(e.callId) ?? 0, e.occurredAt));
    }
    const openLegs = events.filter(
      (e) => e.type === 'QUEUE_ENTERED' && !endedIds.has(e.callId) && !outcomeLegs.has(e.legId),
    );
    expect(openLegs.length).toBeGreaterThan(0);
    const touched = new Set(
      openLegs.map((e) => `${e.gemeente}|${e.queue}|${Math.floor(e.occurredAt / 60_000) * 60_000}`),
    );
    const baseline = run(); // the same traffic, every call ended
    for (const key of new Set([...Object.keys(ended.truth.legs), ...Object.keys(baseline.truth.legs)])) {
      if (!touched.has(key)) expect(ended.truth.legs[key], key).toEqual(baseline.truth.legs[key]);
    }
    // Exactly: each open leg of a queue open at entry waits until last event + timeout (abandoned,
    // offered); in the baseline it waited until CALL_ENDED (a short abandon when under 5 s).
    const topology = new Topology(exampleConfig());
    const baselineEnd = new Map(
      eventsOf(baseline.messages)
        .filter((e) => e.type === 'CALL_ENDED')
        .map((e) => [e.callId, e.occurredAt]),
    );
    let extraWait = 0;
    let newlyOffered = 0;
    for (const leg of openLegs) {
      if (!topology.isQueueOpen(leg.gemeente, must(leg.queue), leg.occurredAt)) continue;
      const callId = must(leg.callId);
      extraWait += must(lastEventOf.get(callId)) + callTimeoutMs - leg.occurredAt;
      const baselineWait = must(baselineEnd.get(callId)) - leg.occurredAt;
      if (baselineWait < 5000) newlyOffered++;
      else extraWait -= baselineWait;
    }
    const total = (
      t: GroundTruth,
      field: 'abandonedWaitMsSum' | 'abandoned' | 'shortAbandoned' | 'offered',
    ) => Object.values(t.legs).reduce((s, c) => s + c[field], 0);
    expect(total(ended.truth, 'abandonedWaitMsSum') - total(baseline.truth, 'abandonedWaitMsSum')).toBe(
      extraWait,
    );
    expect(total(ended.truth, 'abandoned') - total(baseline.truth, 'abandoned')).toBe(newlyOffered);
    expect(total(baseline.truth, 'shortAbandoned') - total(ended.truth, 'shortAbandoned')).toBe(newlyOffered);
    expect(total(ended.truth, 'offered') - total(baseline.truth, 'offered')).toBe(newlyOffered);
  });
});
