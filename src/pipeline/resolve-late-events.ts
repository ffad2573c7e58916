/**
 * Late events of calls, callbacks and surveys no longer in memory (orphans), settled against the
 * stored history: the call rebuilt from its stored events plus the late one and counted as a
 * correction, the callback's stored request or completion read back, a survey answer checked for
 * a stored copy. Orphans stay queued in the trackers' outputs until the reads they need have
 * succeeded, so a failing read loses none.
 */
import { isCallStateEvent, type CallEvent } from '../events/call-event.ts';
import type { PipelineMetrics } from '../telemetry/pipeline-metrics.ts';
import type { CallbackTracker } from '../transforms/track-callbacks/callback-tracker.ts';
import type { CallTracker } from '../transforms/track-calls/call-tracker.ts';
import type { RepeatCallerTracker } from '../transforms/track-repeat-callers/repeat-tracker.ts';
import type { FactSink, IncomingMessage, LiveCounters } from './contracts.ts';
import type { PendingWrites, TrackerOutputs } from './pending-writes.ts';

export interface LateEventContext {
  readonly sink: FactSink;
  readonly retry: <T>(what: string, step: () => Promise<T>) => Promise<T>;
  readonly telemetry: PipelineMetrics;
  readonly counters: LiveCounters;
  readonly calls: CallTracker<IncomingMessage>;
  readonly callbacks: CallbackTracker<IncomingMessage>;
  readonly repeats: RepeatCallerTracker;
  readonly pending: PendingWrites;
}

/** Settles the orphans in `out`; what they change lands in `out` and in the pending writes. */
export async function resolveLateEvents(context: LateEventContext, out: TrackerOutputs): Promise<void> {
  if (out.call.orphans.length > 0) await resolveCalls(context, out);
  if (out.callback.orphans.length > 0) await resolveCallbacks(context, out);
  if (out.survey.orphans.length > 0) await resolveSurveys(context, out);
}

async function resolveCalls(context: LateEventContext, out: TrackerOutputs): Promise<void> {
  const { sink, retry, pending } = context;
  const callIds = [...new Set(out.call.orphans.map((o) => o.event.callId))];
  const { history: stored, final } = await retry('ClickHouse history', () => sink.loadStoredCalls(callIds));
  const orphans = out.call.orphans.splice(0);
  // Events accepted since the last flush are not stored yet, but are history all the same.
  const wanted = new Set(callIds);
  const unwritten = pending.batch.events
    .map((r) => r.event)
    .filter((e) => isCallStateEvent(e) && wanted.has(e.callId));
  const byCall = groupBy(uniqueEvents([...stored, ...unwritten]).filter(isCallStateEvent), (e) => e.callId);
  // Facts finalised here and counted wait in the batch: final as much as stored ones, or the
  // call would be rebuilt as new and counted twice.
  for (const c of pending.batch.calls) if (wanted.has(c.callId)) final.add(c.callId);
  for (const [callId, ofCall] of groupBy(orphans, (o) => o.event.callId)) {
    const applied = context.calls.resolve(
      callId,
      { history: byCall.get(callId) ?? [], final: final.has(callId) },
      ofCall,
      out.call,
    );
    for (const { event, ref } of applied) {
      pending.ledger(event, ref);
      if (event.type === 'CALL_STARTED') context.repeats.apply(event, out.repeat);
    }
    // A CALL_STARTED in the stored history is not applied to the call again (nor its redelivery,
    // a duplicate of it), but its start fact may never have been stored: a processor killed
    // between writing the ledger and the facts. It is written again (idempotent), not counted.
    if (!applied.some((a) => a.event.type === 'CALL_STARTED')) {
      const start = (byCall.get(callId) ?? []).find((e) => e.type === 'CALL_STARTED');
      if (start?.type === 'CALL_STARTED') context.repeats.restate(start, out.repeat);
    }
  }
  context.telemetry.orphans.inc({ kind: 'call' }, orphans.length);
}

async function resolveCallbacks(context: LateEventContext, out: TrackerOutputs): Promise<void> {
  const { sink, retry, pending, callbacks } = context;
  const callbackIds = new Set(out.callback.orphans.map((o) => o.event.callbackId));
  const stored = await retry('ClickHouse history', () => sink.loadCallbackHistory([...callbackIds]));
  const orphans = out.callback.orphans.splice(0);
  const unwritten = pending.batch.events
    .map((r) => r.event)
    .filter(
      (e) =>
        (e.type === 'CALLBACK_REQUESTED' || e.type === 'CALLBACK_COMPLETED') && callbackIds.has(e.callbackId),
    );
  // A callback's events share a partition: the orphan's.
  const partitionOf = new Map(orphans.map((o) => [o.event.callbackId, o.ref.partition]));
  for (const e of uniqueEvents([...stored, ...unwritten])) {
    const partition = 'callbackId' in e ? partitionOf.get(e.callbackId) : undefined;
    if ((e.type === 'CALLBACK_REQUESTED' || e.type === 'CALLBACK_COMPLETED') && partition !== undefined)
      callbacks.seed(e, partition);
  }
  for (const { event, ref } of orphans) {
    if (callbacks.apply(event, ref, out.callback, { resolved: true }) === 'applied')
      pending.ledger(event, ref);
  }
  context.telemetry.orphans.inc({ kind: 'callback' }, orphans.length);
}

async function resolveSurveys(context: LateEventContext, out: TrackerOutputs): Promise<void> {
  const { sink, retry, pending, telemetry } = context;
  const known = await retry('ClickHouse history', () =>
    sink.existingSurveyIds(out.survey.orphans.map((o) => o.event.eventId)),
  );
  const orphans = out.survey.orphans.splice(0);
  for (const s of pending.batch.surveys) known.add(s.eventId);
  for (const { event, ref } of orphans) {
    const fact = {
      eventId: event.eventId,
      callId: event.callId,
      gemeente: event.gemeente,
      answeredAt: event.occurredAt,
      score: event.score,
    };
    // Written either way: a stored one again unchanged, in case a crash left its rollup behind.
    pending.survey(fact, ref);
    if (known.has(event.eventId)) {
      telemetry.events.inc({ result: 'duplicate' });
    } else {
      known.add(event.eventId);
      context.counters.countSurvey(fact);
      pending.ledger(event, ref);
    }
    pending.acks.push(ref);
  }
  telemetry.orphans.inc({ kind: 'survey' }, orphans.length);
}

/** Events by eventId once (an event can be both stored and still in the pending batch). */
function uniqueEvents(events: readonly CallEvent[]): CallEvent[] {
  return [...new Map(events.map((e) => [e.eventId, e])).values()];
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}
