/**
 * A fact store in the test process with the semantics bereik relies on in ClickHouse: rows keyed
 * by their id, the highest version wins (ReplacingMergeTree), the ledger deduplicated by eventId,
 * and repeat flags raised from the stored starts after each write, as the ClickHouse writer does.
 * For unit-level runs of the processor; integration tests use the real ClickHouse.
 */
import type { CallEvent } from '../../src/events/call-event.ts';
import type {
  StoredCalls,
  DeadLetter,
  DeadLetterSink,
  FactSink,
  LedgerRow,
  SinkBatch,
} from '../../src/pipeline/contracts.ts';
import { repeatCorrections } from '../../src/sinks/clickhouse/reconcile-repeats.ts';
import type { CallFact, CallStartFact, CallbackFact, LegFact, SurveyFact } from '../../src/events/facts.ts';
import { REPEAT_WINDOW_MS } from '../../src/domain/kpi.ts';
import type { ReleasedCallback } from '../../src/events/facts.ts';

/** A stored ledger row: the event with where it came from, as ClickHouse's call_events holds it. */
export type StoredEvent = CallEvent & { readonly kafkaPartition: number; readonly kafkaOffset: number };

export const storedEvent = ({ event, kafkaPartition, kafkaOffset }: LedgerRow): StoredEvent => ({
  ...event,
  kafkaPartition,
  kafkaOffset,
});

function upsert<T extends { version: number }>(
  map: Map<string, T & { deleted?: boolean }>,
  key: string,
  row: T & { deleted?: boolean },
): void {
  const old = map.get(key);
  if (old === undefined || row.version >= old.version) map.set(key, row);
}

export class InMemorySink implements FactSink, DeadLetterSink {
  readonly ledger = new Map<string, StoredEvent>();
  readonly legs = new Map<string, LegFact & { deleted?: boolean }>();
  readonly calls = new Map<string, CallFact>();
  readonly callStarts = new Map<string, CallStartFact>();
  readonly surveys = new Map<string, SurveyFact>();
  readonly callbacks = new Map<string, CallbackFact>();
  readonly deadLetters: DeadLetter[] = [];
  /** partition_progress: the highest watermark stored per partition. */
  readonly partitionWatermarks = new Map<number, number>();
  writes = 0;
  ownershipChanges = 0;

  ownershipChanged(): void {
    this.ownershipChanges++;
  }

  write(batch: SinkBatch): Promise<void> {
    this.writes++;
    // The ClickHouse sink keeps minute rollups per partition: every call's partition must come along.
    for (const { callId } of [...batch.legs, ...batch.legTombstones, ...batch.surveys]) {
      if (!batch.callPartitions.has(callId))
        throw new TypeError(`no partition for call ${callId} in the batch`);
    }
    for (const [p, ms] of batch.partitionWatermarks?.watermarks ?? [])
      this.partitionWatermarks.set(p, Math.max(this.partitionWatermarks.get(p) ?? 0, ms));
    for (const r of batch.events) this.ledger.set(r.event.eventId, storedEvent(r));
    for (const l of batch.legs) upsert(this.legs, l.legId, l);
    for (const l of batch.legTombstones) upsert(this.legs, l.legId, { ...l, deleted: true });
    for (const c of batch.calls) upsert(this.calls, c.callId, c);
    for (const s of batch.callStarts) upsert(this.callStarts, s.callId, s);
    this.#raiseRepeats(batch.callStarts);
    for (const s of batch.surveys) this.surveys.set(s.eventId, s);
    for (const c of batch.callbacks) upsert(this.callbacks, c.callbackId, c);
    return Promise.resolve();
  }

  /** The stored starts of the batch's callers within the repeat window around its starts, reconciled. */
  #raiseRepeats(starts: readonly CallStartFact[]): void {
    const keyed = starts.filter((s) => s.callerKey !== null);
    if (keyed.length === 0) return;
    const from = Math.min(...keyed.map((s) => s.startedAt)) - REPEAT_WINDOW_MS;
    const to = Math.max(...keyed.map((s) => s.startedAt)) + REPEAT_WINDOW_MS;
    const callers = new Set(keyed.map((s) => `${s.gemeente}|${s.callerKey ?? ''}`));
    const rows = [...this.callStarts.values()]
      .filter(
        (s) =>
          s.callerKey !== null &&
          callers.has(`${s.gemeente}|${s.callerKey}`) &&
          s.startedAt >= from &&
          s.startedAt <= to,
      )
      .map((s) => ({
        call_id: s.callId,
        gemeente: s.gemeente,
        caller_key: s.callerKey ?? '',
        started_at_ms: s.startedAt,
        is_repeat: s.repeat === null ? null : Number(s.repeat),
      }));
    for (const raised of repeatCorrections(rows)) upsert(this.callStarts, raised.callId, raised);
  }

  send(deadLetters: readonly DeadLetter[]): Promise<void> {
    this.deadLetters.push(...deadLetters);
    return Promise.resolve();
  }

  loadStoredCalls(callIds: readonly string[]): Promise<StoredCalls> {
    const wanted = new Set(callIds);
    return Promise.resolve({
      history: [...this.ledger.values()].filter(
        (e) =>
          'callId' in e &&
          e.callId !== null &&
          wanted.has(e.callId) &&
          e.type !== 'CALLBACK_REQUESTED' &&
          e.type !== 'SURVEY_ANSWERED',
      ),
      final: new Set(callIds.filter((id) => this.calls.has(id))),
    });
  }

  loadCallbackHistory(callbackIds: readonly string[]): Promise<CallEvent[]> {
    const wanted = new Set(callbackIds);
    return Promise.resolve(
      [...this.ledger.values()].filter((e) => 'callbackId' in e && wanted.has(e.callbackId)),
    );
  }

  /** Open callbacks (latest fact requested, not completed) whose request is in the partition's ledger. */
  #openRequests(partition: number): (StoredEvent & { type: 'CALLBACK_REQUESTED' })[] {
    return [...this.ledger.values()].filter(
      (e): e is StoredEvent & { type: 'CALLBACK_REQUESTED' } =>
        e.type === 'CALLBACK_REQUESTED' &&
        e.kafkaPartition === partition &&
        this.callbacks.get(e.callbackId)?.completedAt === null,
    );
  }

  async *streamOpenCallbacksBefore(partition: number, beforeMs: number): AsyncIterable<ReleasedCallback> {
    for (const e of this.#openRequests(partition)) {
      if (e.occurredAt <= beforeMs)
        yield await Promise.resolve({ callbackId: e.callbackId, gemeente: e.gemeente, queue: e.queue });
    }
  }

  async *streamOpenCallbackRequests(
    partition: number,
    afterMs: number | undefined,
  ): AsyncIterable<CallEvent> {
    for (const e of this.#openRequests(partition)) {
      if (afterMs === undefined || e.occurredAt > afterMs) yield await Promise.resolve(e);
    }
  }

  existingSurveyIds(eventIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(eventIds.filter((id) => this.surveys.has(id))));
  }

  /** The live (not deleted) legs. */
  liveLegs(): LegFact[] {
    return [...this.legs.values()].filter((l) => l.deleted !== true);
  }
}
