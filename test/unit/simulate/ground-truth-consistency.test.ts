/**
 * The ground truth agrees with the emitted events. The simulator counts its decisions; this test
 * counts the events it emitted, with code of its own (no simulator, processor or domain code), and
 * the two must match wherever a count follows from the events alone.
 */
import { describe, expect, it } from 'vitest';
import type { RawCallEvent } from '../../../src/events/call-event.ts';
import { sumLegs, type GroundTruth } from '../../../src/simulate/index.ts';
import { countBy, must, run } from './helpers.ts';

const { messages, truth } = run();
const events = messages.map((m) => {
  if (m.payload.kind !== 'event') throw new Error('a clean run has only events');
  return m.payload.event;
});
const total = sumLegs(truth);
const minuteOf = (ms: number) => Math.floor(ms / 60_000) * 60_000;
const ofType = (type: RawCallEvent['type']) => events.filter((e) => e.type === type);
const sumOf = <T extends object>(record: Readonly<Record<string, T>>, field: keyof T) =>
  Object.values(record).reduce((s, v) => s + (v[field] as number), 0);

describe('simulator ground truth vs its events (counted independently)', () => {
  it('produces a realistic amount of traffic', () => {
    expect(truth.calls['GM0307']).toBeGreaterThan(5000);
    expect(ofType('CALL_STARTED')).toHaveLength(truth.calls['GM0307'] ?? -1);
    expect(ofType('CALL_ENDED')).toHaveLength(truth.calls['GM0307'] ?? -1);
  });

  it('delivers in order of deliverAt, never before an event happened, each event once, keyed by call or callback', () => {
    const outOfOrder = messages.filter((m, i) => i > 0 && m.deliverAt < must(messages[i - 1]).deliverAt);
    expect(outOfOrder).toEqual([]);
    expect(
      messages.every((m) => m.payload.kind === 'event' && m.deliverAt === m.payload.event.occurredAt),
    ).toBe(true);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const wrongKeys = events.filter((e, i) => {
      const isCallback = e.type === 'CALLBACK_REQUESTED' || e.type === 'CALLBACK_COMPLETED';
      return messages[i]?.key !== (isCallback ? e.callbackId : e.callId);
    });
    expect(wrongKeys).toEqual([]);
    expect(truth.delivery).toMatchObject({
      messages: messages.length,
      events: events.length,
      duplicates: 0,
      deadLetters: 0,
    });
  });

  it('keeps the events of every call in time order, starting with CALL_STARTED and ending the legs with CALL_ENDED', () => {
    const byCall = new Map<string, RawCallEvent[]>();
    for (const e of events) {
      if (e.callId === null || e.type === 'CALLBACK_REQUESTED') continue;
      let list = byCall.get(e.callId);
      if (list === undefined) byCall.set(e.callId, (list = []));
      list.push(e);
    }
    const broken: string[] = [];
    for (const [callId, list] of byCall) {
      const legEvents = list.filter((e) => e.type !== 'SURVEY_ANSWERED');
      if (
        list[0]?.type !== 'CALL_STARTED' ||
        legEvents[legEvents.length - 1]?.type !== 'CALL_ENDED' ||
        list.some((e, i) => i > 0 && e.occurredAt < must(list[i - 1]).occurredAt)
      ) {
        broken.push(callId);
      }
    }
    expect(broken).toEqual([]);
  });

  it('counts every QUEUE_ENTERED once, in its queue and minute: offered + short abandoned + out of hours', () => {
    const entered = countBy(
      ofType('QUEUE_ENTERED'),
      (e) => `${e.gemeente}|${e.queue}|${minuteOf(e.occurredAt)}`,
    );
    const counted = Object.fromEntries(
      Object.entries(truth.legs).map(([k, c]) => [k, c.offered + c.shortAbandoned + c.outOfHours]),
    );
    expect(counted).toEqual(entered);
  });

  it('matches outcomes: ANSWERED = answered, TIMED_OUT = timed out, ABANDONED + legs without outcome = every abandon category', () => {
    expect(ofType('ANSWERED')).toHaveLength(total.answered);
    expect(ofType('TIMED_OUT')).toHaveLength(total.timedOut);
    const withOutcome = new Set(
      events
        .filter((e) => e.type === 'ANSWERED' || e.type === 'ABANDONED' || e.type === 'TIMED_OUT')
        .map((e) => e.legId),
    );
    const withoutOutcome = ofType('QUEUE_ENTERED').filter((e) => !withOutcome.has(e.legId)).length;
    expect(withoutOutcome).toBeGreaterThan(0); // callers hanging up while transferred, closed-queue legs
    expect(ofType('ABANDONED').length + withoutOutcome).toBe(
      total.abandoned + total.shortAbandoned + total.outOfHours,
    );
  });

  it('sums answered waits from the events, and every timed-out leg waited the maximum', () => {
    const entered = new Map(ofType('QUEUE_ENTERED').map((e) => [e.legId, e]));
    const waits = ofType('ANSWERED').map((e) => e.occurredAt - must(entered.get(e.legId)).occurredAt);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(total.answeredWaitMsSum);
    // Boundary cases are present: exactly 25 s (within service level), and beside it.
    expect(waits.filter((w) => w === 25_000).length).toBeGreaterThan(10);
    expect(waits.filter((w) => w === 25_001).length).toBeGreaterThan(0);
    const abandonWaits = ofType('ABANDONED').map((e) => e.occurredAt - must(entered.get(e.legId)).occurredAt);
    expect(abandonWaits.filter((w) => w === 5000).length).toBeGreaterThan(5);
    expect(abandonWaits.filter((w) => w === 4999).length).toBeGreaterThan(0);
    expect(abandonWaits.filter((w) => w < 5000).length).toBeGreaterThan(0);
    for (const e of ofType('TIMED_OUT')) {
      const leg = must(entered.get(e.legId));
      expect(e.occurredAt - leg.occurredAt).toBe(leg.queue === 'kcc' ? 600_000 : 300_000);
    }
  });

  it('counts transfers: each names an answered leg of its call, and transferred_out = transfers', () => {
    const answered = new Map(ofType('ANSWERED').map((e) => [e.legId, e.callId]));
    const transfers = ofType('QUEUE_ENTERED').filter((e) => e.transferredFromLegId !== null);
    for (const t of transfers) expect(answered.get(t.transferredFromLegId)).toBe(t.callId);
    expect(transfers).toHaveLength(total.transferredOut);
    expect(total.offeredFromTransfer).toBeLessThanOrEqual(transfers.length);
    expect(total.answeredFromTransfer).toBe(
      ofType('ANSWERED').filter((e) => transfers.some((t) => t.legId === e.legId)).length,
    );
  });

  it('counts repeat callers from CALL_STARTED: same number, same gemeente, at most 168 h before; withheld left out', () => {
    const starts = ofType('CALL_STARTED').filter((e) => e.callerNumber !== null);
    const last = new Map<string, number>();
    const expected: Record<string, { calls: number; repeatCalls: number }> = {};
    for (const e of starts) {
      const key = `${e.gemeente}|${minuteOf(e.occurredAt)}`;
      const c = (expected[key] ??= { calls: 0, repeatCalls: 0 });
      c.calls++;
      const previous = last.get(must(e.callerNumber));
      if (previous !== undefined && e.occurredAt - previous <= 168 * 3600_000) c.repeatCalls++;
      last.set(must(e.callerNumber), e.occurredAt);
    }
    expect(truth.repeats).toEqual(expected);
    const withheld = ofType('CALL_STARTED').length - starts.length;
    expect(withheld).toBeGreaterThan(0);
  });

  it('counts survey answers and callbacks in the minute of their event', () => {
    const surveys: Record<string, { answers: number; scores4or5: number }> = {};
    for (const e of ofType('SURVEY_ANSWERED')) {
      const s = (surveys[`${e.gemeente}|${minuteOf(e.occurredAt)}`] ??= { answers: 0, scores4or5: 0 });
      s.answers++;
      if (must(e.surveyScore) >= 4) s.scores4or5++;
    }
    expect(truth.satisfaction).toEqual(surveys);

    const queueOf = new Map(ofType('CALLBACK_REQUESTED').map((e) => [e.callbackId, e.queue]));
    const callbacks: Record<string, { requested: number; completed: number }> = {};
    for (const e of events) {
      if (e.type !== 'CALLBACK_REQUESTED' && e.type !== 'CALLBACK_COMPLETED') continue;
      const c = (callbacks[`${e.gemeente}|${queueOf.get(e.callbackId)}|${minuteOf(e.occurredAt)}`] ??= {
        requested: 0,
        completed: 0,
      });
      if (e.type === 'CALLBACK_REQUESTED') c.requested++;
      else c.completed++;
    }
    expect(truth.callbacks).toEqual(callbacks);
    expect(truth.callbackLedger).toHaveLength(ofType('CALLBACK_REQUESTED').length);
    expect(sumOf(truth.callbacksOnTime, 'dueInWindow')).toBe(ofType('CALLBACK_REQUESTED').length);
    // Callbacks are owed to departments, never to the KCC.
    expect(ofType('CALLBACK_REQUESTED').every((e) => e.queue !== 'kcc')).toBe(true);
  });

  it('has callbacks on time, late and never done', () => {
    const completedOnTime = sumOf(truth.callbacksOnTime, 'completedOnTime');
    const completed = ofType('CALLBACK_COMPLETED').length;
    const requested = ofType('CALLBACK_REQUESTED').length;
    expect(completedOnTime).toBeLessThan(completed); // some late
    expect(completed).toBeLessThan(requested); // some never
    expect(completedOnTime / requested).toBeGreaterThan(0.6);
  });

  it('survives a JSON round trip unchanged', () => {
    const copy = JSON.parse(JSON.stringify(truth)) as GroundTruth;
    expect(copy).toEqual(truth);
    expect(sumLegs(copy)).toEqual(total);
  });
});
