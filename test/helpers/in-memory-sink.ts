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
import { repeatCorrections, repeatsCausedBy } from '../../src/sinks/clickhouse/reconcile-repeats.ts';
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

  /**
   * Stored facts whose rollup rows do not count them yet, as `kind:id`. The ClickHouse writer
   * recomputes the rows of every window a batch's facts fall in after storing them, from the
   * stored facts (for callbacks, from those not older than the stored one: planCallbacks); a write
   * killed in between leaves those windows behind until the facts are written again.
   */
  readonly #staleRollups = new Set<string>();

  write(batch: SinkBatch): Promise<void> {
    this.writes++;
    for (const key of this.storeFacts(batch)) this.#staleRollups.delete(key);
    // The watermarks come last in a ClickHouse write: stored means everything before is.
    for (const [p, ms] of batch.partitionWatermarks?.watermarks ?? [])
      this.partitionWatermarks.set(p, Math.max(this.partitionWatermarks.get(p) ?? 0, ms));
    return Promise.resolve();
  }

  /** Stored facts (`kind:id`) whose rollup rows a killed write left behind and no write has recomputed. */
  staleRollups(): string[] {
    return [...this.#staleRollups].sort();
  }

  /**
   * Stores the batch's ledger rows and facts, as a ClickHouse write does before its rollups: a fact
   * it changes is stale until a write's rollups count it. Returns the facts (`kind:id`) whose
   * windows the write recomputes.
   */
  protected storeFacts(batch: SinkBatch): Set<string> {
    // The ClickHouse sink keeps minute rollups per partition: every call's partition must come along.
    for (const { callId } of [...batch.legs, ...batch.legTombstones, ...batch.surveys]) {
      if (!batch.callPartitions.has(callId))
        throw new TypeError(`no partition for call ${callId} in the batch`);
    }
    const recomputed = new Set<string>();
    const stored = <T>(key: string, map: Map<string, T>, id: string, store: () => void): void => {
      const before = JSON.stringify(map.get(id));
      store();
      if (JSON.stringify(map.get(id)) !== before) this.#staleRollups.add(key);
      recomputed.add(key);
    };
    for (const r of batch.events) this.ledger.set(r.event.eventId, storedEvent(r));
    for (const l of batch.legs)
      stored(`leg:${l.legId}`, this.legs, l.legId, () => {
        upsert(this.legs, l.legId, l);
      });
    for (const l of batch.legTombstones)
      stored(`leg:${l.legId}`, this.legs, l.legId, () => {
        upsert(this.legs, l.legId, { ...l, deleted: true });
      });
    for (const c of batch.calls) upsert(this.calls, c.callId, c);
    for (const s of batch.callStarts)
      stored(`start:${s.callId}`, this.callStarts, s.callId, () => {
        upsert(this.callStarts, s.callId, s);
      });
    const { raised, caused } = this.#raiseRepeats(batch.callStarts);
    for (const s of raised)
      stored(`start:${s.callId}`, this.callStarts, s.callId, () => {
        upsert(this.callStarts, s.callId, s);
      });
    for (const s of caused) recomputed.add(`start:${s.callId}`);
    for (const s of batch.surveys)
      stored(`survey:${s.eventId}`, this.surveys, s.eventId, () => this.surveys.set(s.eventId, s));
    for (const c of batch.callbacks) {
      // A fact older than the stored one is left out, and its windows with it.
      if (c.version < (this.callbacks.get(c.callbackId)?.version ?? 0)) continue;
      stored(`callback:${c.callbackId}`, this.callbacks, c.callbackId, () => {
        upsert(this.callbacks, c.callbackId, c);
      });
    }
    return recomputed;
  }

  /**
   * The stored starts of the batch's callers within the repeat window around its starts, reconciled:
   * the flags to raise, and the stored repeats the batch's starts cause.
   */
  #raiseRepeats(starts: readonly CallStartFact[]): { raised: CallStartFact[]; caused: CallStartFact[] } {
    const keyed = starts.filter((s) => s.callerKey !== null);
    if (keyed.length === 0) return { raised: [], caused: [] };
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
    // The writer stores the raised flags and recomputes their windows and those of the stored
    // repeats these starts cause.
    return { raised: repeatCorrections(rows), caused: repeatsCausedBy(rows, keyed) };
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

  async *streamUnrequestedCompletions(partition: number): AsyncIterable<CallEvent> {
    const inPartition = [...this.ledger.values()].filter((e) => e.kafkaPartition === partition);
    const requested = new Set(
      inPartition.flatMap((e) => (e.type === 'CALLBACK_REQUESTED' ? [e.callbackId] : [])),
    );
    for (const e of inPartition)
      if (e.type === 'CALLBACK_COMPLETED' && !requested.has(e.callbackId)) yield await Promise.resolve(e);
  }

  lastCallbackOffset(partition: number): Promise<number | undefined> {
    const offsets = [...this.ledger.values()]
      .filter((e) => e.kafkaPartition === partition && 'callbackId' in e)
      .map((e) => e.kafkaOffset);
    return Promise.resolve(offsets.length === 0 ? undefined : Math.max(...offsets));
  }

  existingSurveyIds(eventIds: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(eventIds.filter((id) => this.surveys.has(id))));
  }

  /** The live (not deleted) legs. */
  liveLegs(): LegFact[] {
    return [...this.legs.values()].filter((l) => l.deleted !== true);
  }
}

/** Acknowledges every write and keeps nothing: for benchmarks of the processor, not of a store. */
export class DiscardingSink extends InMemorySink {
  override write(): Promise<void> {
    return Promise.resolve();
  }
}
