/**
 * The ClickHouse sink (the processor's FactSink): writes a batch of ledger events and facts, then
 * exactly the rollup rows the batch touched; reads back what a restart or a late event needs;
 * writes the configuration mirrors (streefcijfers, queues) and drops partitions past the retention.
 *
 * A write is idempotent, so the processor repeats it after any failure whose SinkError says
 * `canRetry` (its retrier, src/pipeline/retry.ts, waits out an outage with backoff): facts are
 * ReplacingMergeTree rows with deterministic keys and versions, and rollup rows are computed
 * whole from the facts (never incremented), with a version derived from the facts: the minute
 * rows of legs and answers from the facts it holds per partition where it can (partition-minutes.ts),
 * every other row by ClickHouse from the stored facts. Order within a write: ledger, facts,
 * rollups (minute, then hour, then day), then the watermark, so a stored watermark means
 * everything before it is stored, rollups included.
 */
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { StreefcijferRow } from '../../config/targets.ts';
import { KPI_METRIC_NAMES } from '../../domain/kpi.ts';
import type { FactSink, SinkBatch, StoredCalls } from '../../pipeline/contracts.ts';
import type { CallEvent } from '../../events/call-event.ts';
import { dirtyWindows, planCallbacks, type DirtyWindows, type StoredCallback } from './dirty-windows.ts';
import {
  encodeCall,
  encodeCallback,
  encodeCallEvent,
  encodeCallStart,
  encodeLedgerCalls,
  encodeLegs,
  encodeSurvey,
} from './encode-rows.ts';
import { toSinkError } from './errors.ts';
import {
  callbackHistorySql,
  callHistorySql,
  callStartsSinceSql,
  decodeCallStart,
  decodeStoredCallback,
  decodeStoredEvent,
  existingSurveyIdsSql,
  expiredPartitionsSql,
  finalCallIdsSql,
  lastCallbackOffsetSql,
  openCallbacksBeforeSql,
  openCallbackRequestsSql,
  partitionWatermarksSql,
  storedCallbacksSql,
  storedCallDaysSql,
  storedDaysSql,
  unrequestedCompletionsSql,
  watermarkSql,
  type CallStartRowRead,
  type StoredCallbackRow,
  type StoredEventRow,
} from './read-queries.ts';
import { PartitionMinutes } from './partition-minutes.ts';
import { refreshStatements, type StoredMinuteWindows } from './rollup-sql.ts';
import {
  repeatCorrections,
  repeatsCausedBy,
  storedStartsSql,
  type StoredStartRow,
} from './reconcile-repeats.ts';
import { ensureSchema } from './schema.ts';
import { insertedColumns } from './tables.ts';
import { rowBinaryEncoder, type RowBinaryEncoder } from './row-binary.ts';
import { sqlIdentifier } from './sql-literals.ts';
import type { CallStartFact, CallbackFact } from '../../events/facts.ts';
import { isCallStateEvent, type CallbackEvent, type CallStateEvent } from '../../events/call-event.ts';
import type { ReleasedCallback } from '../../events/facts.ts';

export { SinkError } from './errors.ts';

export interface ClickHouseSinkOptions {
  /** The database (clickhouse.database in the configuration). */
  readonly database: string;
  /** Most ids per lookup (IN list), so statements stay well under max_query_size (256 KiB on 18.16). @default 1000 */
  readonly maxIdsPerLookup?: number;
  /**
   * Most call starts per repeat-caller lookup. Each lookup reads the stored starts of the whole
   * time range around its starts, so fewer, larger lookups read less: 8 000 pseudonyms of 22
   * characters make an IN list of some 208 KB, under max_query_size. @default 8000
   */
  readonly maxStartsPerRepeatLookup?: number;
  /**
   * How many legs and survey answers the writer holds to count minute rollups in memory (the days
   * written most recently, of the partitions it owns); windows of other days are recomputed by
   * ClickHouse. Some 500 bytes each where windows hold one leg. @default 20000
   */
  readonly maxHeldFacts?: number;
}

/** A configured queue, mirrored for analysts (names, and KCC versus vakafdeling). */
export interface QueueRow {
  readonly gemeente: string;
  readonly gemeenteName: string;
  readonly queue: string;
  readonly queueName: string;
  readonly kind: 'kcc' | 'vakafdeling';
}

/** A partition dropped by `dropExpiredPartitions`. */
export interface DroppedPartition {
  readonly table: string;
  /** The month, YYYYMM. */
  readonly partition: string;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

const byTimeThenId = (
  a: { occurredAt: number; eventId: string },
  b: { occurredAt: number; eventId: string },
) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** One row per eventId: the ledger is read without FINAL, so a stored redelivery may not be merged yet. */
function oncePerEvent<E extends { eventId: string }>(events: readonly E[]): E[] {
  return [...new Map(events.map((e) => [e.eventId, e])).values()];
}

const encoders = new Map<string, RowBinaryEncoder>();

/** The RowBinary encoder of a table's inserted columns, built once per table. */
function encoderOf(table: string): RowBinaryEncoder {
  let encoder = encoders.get(table);
  if (encoder === undefined) {
    encoder = rowBinaryEncoder(insertedColumns(table));
    encoders.set(table, encoder);
  }
  return encoder;
}

export class ClickHouseSink implements FactSink {
  readonly #client: ClickHouseClient;
  readonly #db: string;
  readonly #maxIds: number;
  readonly #maxStartsPerRepeatLookup: number;
  readonly #minutes: PartitionMinutes;

  /** The client stays the caller's: create it with `clickhouseClientOptions(url)` and close it after the sink. */
  constructor(client: ClickHouseClient, options: ClickHouseSinkOptions) {
    this.#client = client;
    this.#db = sqlIdentifier(options.database);
    this.#maxIds = options.maxIdsPerLookup ?? 1000;
    this.#maxStartsPerRepeatLookup = options.maxStartsPerRepeatLookup ?? 8000;
    this.#minutes = new PartitionMinutes(options.maxHeldFacts);
  }

  /**
   * The processor's partitions changed: what it held of any partition may be stale (another
   * processor may have written it meanwhile), so the minute rows are counted afresh from the store.
   */
  ownershipChanged(): void {
    this.#minutes.forget();
  }

  /** Creates the database, tables and views where missing (see schema.ts). */
  async ensureSchema(): Promise<void> {
    await ensureSchema(this.#client, this.#db);
  }

  /**
   * Stores a batch: one INSERT per non-empty table, then the rollup rows of every window the
   * batch's facts fall in (minute, hour, day), then the watermark. Idempotent: a replayed batch
   * leaves the same rows.
   * @throws SinkError; `canRetry` tells whether repeating the write can help.
   */
  async write(batch: SinkBatch): Promise<void> {
    const callbacks =
      batch.callbacks.length === 0
        ? []
        : planCallbacks(batch.callbacks, await this.#storedCallbacks(batch.callbacks));
    const partitionOf = (callId: string): number => {
      const partition = batch.callPartitions.get(callId);
      if (partition === undefined)
        throw new TypeError(`batch has facts of call ${callId} without its partition`);
      return partition;
    };
    const legs = encodeLegs(batch.legs, batch.legTombstones, partitionOf);
    const surveys = batch.surveys.map((s) => encodeSurvey(s, partitionOf(s.callId)));
    // Before this batch's facts are stored: the days they fall on are then held from the start.
    await this.#learnStoredDays(this.#minutes.unknownPartitions(legs, surveys));
    // The index first: a call it names may lack ledger rows (they come next), never the reverse.
    await this.#insert('ledger_calls', encodeLedgerCalls(batch.events));
    await this.#insert('call_events', batch.events, encodeCallEvent);
    await Promise.all([
      this.#insert('leg_facts', legs),
      this.#insert('call_facts', batch.calls, encodeCall),
      this.#insert('call_starts', batch.callStarts, encodeCallStart),
      this.#insert('survey_answers', surveys),
      this.#insert(
        'callback_facts',
        callbacks.map((c) => encodeCallback(c.fact, c.earlierDueDates)),
      ),
    ]);
    // Repeat flags need every processor's call starts: raise them from what is stored now.
    const raised: CallStartFact[] = [];
    // Stored repeats these starts cause: their windows are recomputed too, in case a write
    // killed after storing their raise never recomputed them (see reconcile-repeats.ts).
    const caused: CallStartFact[] = [];
    for (const starts of chunks(batch.callStarts, this.#maxStartsPerRepeatLookup)) {
      const repeatSql = storedStartsSql(this.#db, starts);
      if (repeatSql === undefined) continue;
      const stored = await this.#select<StoredStartRow>(repeatSql);
      // Not pushed as spread arguments: a lookup can return more rows than a call takes.
      for (const fact of repeatCorrections(stored)) raised.push(fact);
      for (const fact of repeatsCausedBy(stored, starts)) caused.push(fact);
    }
    await this.#insert('call_starts', raised, encodeCallStart);
    // Only for the dirty windows: the raised facts are written above, the caused ones are stored.
    const withRaised =
      raised.length + caused.length === 0
        ? batch
        : { ...batch, callStarts: [...batch.callStarts, ...raised, ...caused] };
    const minutes = this.#minutes.apply(legs, surveys);
    await Promise.all([
      this.#insert('queue_partition_minute', minutes.queueRows),
      this.#insert('gemeente_partition_minute', minutes.gemeenteRows),
    ]);
    await this.#refreshRollups(dirtyWindows(withRaised, callbacks), minutes.stored);
    if (batch.watermarkMs !== undefined) {
      await this.#insert('processor_progress', [
        { consumer_group: batch.consumerGroup, watermark_ms: Math.max(0, Math.floor(batch.watermarkMs)) },
      ]);
    }
    if (batch.partitionWatermarks !== undefined) {
      const { topic, watermarks } = batch.partitionWatermarks;
      await this.#insert(
        'partition_progress',
        [...watermarks].map(([p, ms]) => ({
          consumer_group: batch.consumerGroup,
          topic,
          kafka_partition: p,
          watermark_ms: Math.max(0, Math.floor(ms)),
        })),
      );
    }
  }

  /**
   * The stored call-state events of calls (for late events of calls no longer in memory), oldest
   * first, and which of them have stored facts. The ledger's index says which calls have events
   * stored; only those are read, from the ledger and from the facts: a call's facts are written
   * after its events, so a call the index does not name has none (nor, past the retention, any
   * history to apply a late event to).
   */
  async loadStoredCalls(callIds: readonly string[]): Promise<StoredCalls> {
    const events: CallStateEvent[] = [];
    const final = new Set<string>();
    for (const asked of chunks([...new Set(callIds)], this.#maxIds)) {
      const stored = await this.#select<{ call_id: string; day: number | string }>(
        storedCallDaysSql(this.#db, asked),
      );
      if (stored.length === 0) continue;
      const ids = [...new Set(stored.map((row) => row.call_id))];
      const days = stored.map((row) => Number(row.day));
      const [rows, finalRows] = await Promise.all([
        this.#select<StoredEventRow>(callHistorySql(this.#db, ids, days)),
        this.#select<{ call_id: string }>(finalCallIdsSql(this.#db, ids)),
      ]);
      for (const row of rows) {
        const event = decodeStoredEvent(row);
        if (isCallStateEvent(event)) events.push(event);
      }
      for (const row of finalRows) final.add(row.call_id);
    }
    return { history: oncePerEvent(events).sort(byTimeThenId), final };
  }

  /** The stored request and completion events of callbacks, oldest first. */
  async loadCallbackHistory(callbackIds: readonly string[]): Promise<CallbackEvent[]> {
    const events: CallbackEvent[] = [];
    for (const ids of chunks([...new Set(callbackIds)], this.#maxIds)) {
      const rows = await this.#select<StoredEventRow>(callbackHistorySql(this.#db, ids));
      for (const row of rows) {
        const event = decodeStoredEvent(row);
        if (event.type === 'CALLBACK_REQUESTED' || event.type === 'CALLBACK_COMPLETED') events.push(event);
      }
    }
    return oncePerEvent(events).sort(byTimeThenId);
  }

  /** Which of these SURVEY_ANSWERED event ids are stored already (a late redelivery is then a duplicate). */
  async existingSurveyIds(eventIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const ids of chunks([...new Set(eventIds)], this.#maxIds)) {
      for (const row of await this.#select<{ event_id: string }>(existingSurveyIdsSql(this.#db, ids))) {
        found.add(row.event_id);
      }
    }
    return found;
  }

  /** The watermark stored by the last acknowledged write of the consumer group; undefined on a first start. */
  async loadWatermark(consumerGroup: string): Promise<number | undefined> {
    const [row] = await this.#select<{ watermark_ms: number; applied: number }>(
      watermarkSql(this.#db, consumerGroup),
    );
    return row === undefined || row.applied === 0 ? undefined : row.watermark_ms;
  }

  /**
   * Per partition of `topic`, the highest watermark a processor of the group stored while it owned
   * the partition: calls of the partition ending before it minus the lateness are final in the store.
   */
  async loadPartitionWatermarks(consumerGroup: string, topic: string): Promise<Map<number, number>> {
    const rows = await this.#select<{ kafka_partition: number; watermark_ms: number }>(
      partitionWatermarksSql(this.#db, consumerGroup, topic),
    );
    return new Map(rows.map((r) => [r.kafka_partition, r.watermark_ms]));
  }

  async *streamOpenCallbacksBefore(partition: number, beforeMs: number): AsyncIterable<ReleasedCallback> {
    const query = openCallbacksBeforeSql(this.#db, partition, beforeMs);
    for await (const row of this.#stream<{ callback_id: string; gemeente: string; queue: string }>(query))
      yield { callbackId: row.callback_id, gemeente: row.gemeente, queue: row.queue };
  }

  async *streamOpenCallbackRequests(
    partition: number,
    afterMs: number | undefined,
  ): AsyncIterable<CallEvent> {
    const query = openCallbackRequestsSql(this.#db, partition, afterMs);
    for await (const row of this.#stream<StoredEventRow>(query)) yield decodeStoredEvent(row);
  }

  async *streamUnrequestedCompletions(partition: number): AsyncIterable<CallEvent> {
    const query = unrequestedCompletionsSql(this.#db, partition);
    for await (const row of this.#stream<StoredEventRow>(query)) yield decodeStoredEvent(row);
  }

  async lastCallbackOffset(partition: number): Promise<number | undefined> {
    const [row] = await this.#select<{ last: number | string; n: number | string }>(
      lastCallbackOffsetSql(this.#db, partition),
    );
    return row === undefined || Number(row.n) === 0 ? undefined : Number(row.last);
  }

  /** Call starts from `sinceMs` on (to rebuild the repeat-caller window after a restart), oldest first. */
  async loadCallStartsSince(sinceMs: number): Promise<CallStartFact[]> {
    const rows = await this.#select<CallStartRowRead>(callStartsSinceSql(this.#db, sinceMs));
    return rows.map(decodeCallStart).filter((start) => start.startedAt >= sinceMs);
  }

  /**
   * Writes the streefcijfers from the configuration; a row replaces the one with the same year,
   * gemeente, queue and metric (a target removed from the configuration is written as NULL).
   */
  async writeTargets(rows: readonly StreefcijferRow[]): Promise<void> {
    await this.#insert(
      'streefcijfers',
      rows.map((r) => ({
        year: r.year,
        gemeente: r.gemeente,
        queue: r.queue,
        metric: KPI_METRIC_NAMES[r.metric],
        target: r.target,
      })),
    );
  }

  /** Writes the configured queues (names and kind) for analysts; a row replaces the one of the same queue. */
  async writeQueues(rows: readonly QueueRow[]): Promise<void> {
    await this.#insert(
      'queues',
      rows.map((r) => ({
        gemeente: r.gemeente,
        gemeente_name: r.gemeenteName,
        queue: r.queue,
        queue_name: r.queueName,
        kind: r.kind,
      })),
    );
  }

  /**
   * The retention (clickhouse.retentionMonths): drops whole monthly partitions of the ledger, the
   * fact tables and the minute rollups whose month ended more than `retentionMonths` months before
   * the month of `nowMs` (UTC months, as the partitions are). ClickHouse 18.16 has no TTL. Hour and
   * day rollups are kept: published figures stay, the detail behind them goes.
   */
  async dropExpiredPartitions(retentionMonths: number, nowMs: number): Promise<DroppedPartition[]> {
    if (!Number.isInteger(retentionMonths) || retentionMonths < 1) {
      throw new RangeError(`retentionMonths must be a whole number of months >= 1, got ${retentionMonths}`);
    }
    const now = new Date(nowMs);
    const monthIndex = now.getUTCFullYear() * 12 + now.getUTCMonth() - retentionMonths;
    const beforeMonth = Math.floor(monthIndex / 12) * 100 + (monthIndex % 12) + 1;
    const expired = await this.#select<{ table: string; partition: string }>(
      expiredPartitionsSql(this.#db, beforeMonth),
    );
    for (const { table, partition } of expired) {
      await this.#command(
        `ALTER TABLE ${this.#db}.${sqlIdentifier(table)} DROP PARTITION ${Number(partition)}`,
      );
    }
    return expired;
  }

  async #storedCallbacks(facts: readonly CallbackFact[]): Promise<Map<string, StoredCallback>> {
    const stored = new Map<string, StoredCallback>();
    const gemeenten = [...new Set(facts.map((f) => f.gemeente))];
    for (const ids of chunks([...new Set(facts.map((f) => f.callbackId))], this.#maxIds)) {
      for (const row of await this.#select<StoredCallbackRow>(storedCallbacksSql(this.#db, gemeenten, ids))) {
        stored.set(row.callback_id, decodeStoredCallback(row));
      }
    }
    return stored;
  }

  /** Reads on which UTC days the store holds legs or answers of these partitions. */
  async #learnStoredDays(partitions: readonly number[]): Promise<void> {
    if (partitions.length === 0) return;
    const generation = this.#minutes.generation;
    const rows = await this.#select<{ p: number | string; d: number | string }>(
      storedDaysSql(this.#db, partitions),
    );
    const days = new Map<number, number[]>(partitions.map((p) => [p, []]));
    for (const { p, d } of rows) days.get(Number(p))?.push(Number(d));
    for (const [partition, stored] of days) this.#minutes.learnStoredDays(partition, stored, generation);
  }

  async #refreshRollups(dirty: DirtyWindows, stored: StoredMinuteWindows): Promise<void> {
    const { minutes, hours, days } = refreshStatements(this.#db, dirty, stored);
    for (const level of [minutes, hours, days]) {
      await Promise.all(level.map((statement) => this.#command(statement)));
    }
  }

  async #command(query: string): Promise<void> {
    try {
      await this.#client.command({ query });
    } catch (error) {
      throw toSinkError(error, query);
    }
  }

  /**
   * INSERT ... FORMAT RowBinary of `items` (`encode`d to rows), streamed: the body is serialised
   * while ClickHouse reads it, instead of all of it before the request starts. A body cut off (the
   * connection lost, a row that cannot be encoded) may leave the rows before the cut stored, as a
   * processor killed in the middle of a write does: the write is repeated whole, idempotently.
   */
  async #insert<T>(table: string, items: readonly T[], encode?: (item: T) => object): Promise<void> {
    if (items.length === 0) return;
    const encoder = encoderOf(table);
    const query = `INSERT INTO ${this.#db}.${table} (${encoder.columns.join(', ')}) FORMAT RowBinary`;
    try {
      const result = await this.#client.exec({
        query,
        values: Readable.from(encoder.slices(items, encode), { objectMode: false }),
      });
      // The answer to an INSERT is empty; reading it to the end frees the connection.
      for await (const _ of result.stream);
    } catch (error) {
      throw toSinkError(error, `${query} (${items.length} rows)`);
    }
  }

  /** Rows one by one as ClickHouse sends them, never the whole result in memory. */
  async *#stream<T>(query: string): AsyncIterable<T> {
    try {
      const result = await this.#client.query({ query, format: 'JSONEachRow' });
      for await (const rows of result.stream<T>()) for (const row of rows) yield row.json();
    } catch (error) {
      throw toSinkError(error, query);
    }
  }

  async #select<T>(query: string): Promise<T[]> {
    try {
      const result = await this.#client.query({ query, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (error) {
      throw toSinkError(error, query);
    }
  }
}
