/**
 * What bereik reads back from ClickHouse, as SQL text and row decoders: the ledger events of calls
 * and callbacks no longer in memory (late events are applied to their full history), stored survey
 * ids, the watermark and the open callbacks and recent call starts a restart rebuilds its state
 * from, the stored version of callbacks (for due dates that moved), and the partitions past the
 * retention. Pure: SQL in, typed values out; writer.ts runs them.
 */
import type { CallEvent } from '../../events/call-event.ts';
import type { StoredCallback } from './dirty-windows.ts';
import type { CallEventRow } from './encode-rows.ts';
import { tables } from './tables.ts';
import { sqlDateTime, sqlIdentifier, sqlInteger, sqlString, sqlStringList } from './sql-literals.ts';
import type { CallStartFact } from '../../events/facts.ts';
import { callStateEventTypes } from '../../events/call-event.ts';

const ledgerColumns =
  'event_id, type, occurred_at_ms, gemeente, call_id, leg_id, queue, transferred_from_leg_id, caller_key, dialled_number, agent_id, callback_id, callback_outcome, survey_score';

/** A ledger row as read back (without the Kafka position). */
export type StoredEventRow = Omit<CallEventRow, 'occurred_at' | 'kafka_partition' | 'kafka_offset'>;

const DAY_SECONDS = 86_400;

/**
 * Which of the given calls have call-state events in the ledger, and on which UTC days (day
 * numbers since 1970-01-01), from the ledger's index (ledger_calls).
 */
export function storedCallDaysSql(database: string, callIds: readonly string[]): string {
  return `SELECT DISTINCT call_id, intDiv(toUInt32(occurred_at), ${DAY_SECONDS}) AS day FROM ${sqlIdentifier(database)}.ledger_calls
WHERE call_id IN ${sqlStringList(callIds)}`;
}

/** The UTC days (day numbers) as few ranges of occurred_at: consecutive days make one range. */
function daysCondition(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    const first = sorted[i] ?? 0;
    let last = first;
    while (sorted[i + 1] === last + 1) last = sorted[++i] ?? last;
    i++;
    ranges.push(
      `(occurred_at >= ${sqlDateTime(first * DAY_SECONDS)} AND occurred_at < ${sqlDateTime((last + 1) * DAY_SECONDS)})`,
    );
  }
  return ranges.length === 0 ? '0' : `(${ranges.join(' OR ')})`;
}

/**
 * The call-state events (not callbacks, not surveys) of the given calls on the given UTC days
 * (where the ledger's index puts them), in event-time order. The days let ClickHouse skip every
 * part written for other days. Without FINAL: a merge of the whole ledger per lookup is what made
 * replays slow, and the reader keeps one event per eventId anyway (a redelivery is the same event).
 */
export function callHistorySql(
  database: string,
  callIds: readonly string[],
  days: readonly number[],
): string {
  const db = sqlIdentifier(database);
  return `SELECT ${ledgerColumns} FROM ${db}.call_events
WHERE ${daysCondition(days)} AND callback_id = '' AND call_id IN ${sqlStringList(callIds)}
  AND type IN ${sqlStringList(callStateEventTypes)}
ORDER BY occurred_at_ms, event_id`;
}

/** Which of the given calls have stored facts (any version: a call with facts was finalised). */
export function finalCallIdsSql(database: string, callIds: readonly string[]): string {
  return `SELECT DISTINCT call_id FROM ${sqlIdentifier(database)}.call_facts WHERE call_id IN ${sqlStringList(callIds)}`;
}

/** The CALLBACK_REQUESTED and CALLBACK_COMPLETED events of the given callbacks, in event-time order (no FINAL: see above). */
export function callbackHistorySql(database: string, callbackIds: readonly string[]): string {
  const db = sqlIdentifier(database);
  return `SELECT ${ledgerColumns} FROM ${db}.call_events
WHERE callback_id IN ${sqlStringList(callbackIds)}
ORDER BY occurred_at_ms, event_id`;
}

const required = <T>(value: T | null, field: string, row: StoredEventRow): T => {
  if (value === null) throw new TypeError(`ledger event ${row.event_id} (${row.type}) has no ${field}`);
  return value;
};

/** A ledger row back as the validated event it was stored from. */
export function decodeStoredEvent(row: StoredEventRow): CallEvent {
  const base = { eventId: row.event_id, occurredAt: row.occurred_at_ms, gemeente: row.gemeente };
  switch (row.type) {
    case 'CALL_STARTED':
      return {
        ...base,
        type: row.type,
        callId: row.call_id,
        callerKey: row.caller_key,
        dialledNumber: row.dialled_number,
      };
    case 'QUEUE_ENTERED':
      return {
        ...base,
        type: row.type,
        callId: row.call_id,
        legId: required(row.leg_id, 'leg_id', row),
        queue: required(row.queue, 'queue', row),
        transferredFromLegId: row.transferred_from_leg_id,
      };
    case 'ANSWERED':
    case 'ABANDONED':
    case 'TIMED_OUT':
      return {
        ...base,
        type: row.type,
        callId: row.call_id,
        legId: required(row.leg_id, 'leg_id', row),
        agentId: row.agent_id,
      };
    case 'CALL_ENDED':
      return { ...base, type: row.type, callId: row.call_id };
    case 'SURVEY_ANSWERED': {
      const score = required(row.survey_score, 'survey_score', row);
      if (score !== 1 && score !== 2 && score !== 3 && score !== 4 && score !== 5) {
        throw new TypeError(`ledger event ${row.event_id} has survey score ${score}, not 1 to 5`);
      }
      return { ...base, type: row.type, callId: row.call_id, score };
    }
    case 'CALLBACK_REQUESTED':
      return {
        ...base,
        type: row.type,
        callbackId: row.callback_id,
        queue: required(row.queue, 'queue', row),
        callId: row.call_id === '' ? null : row.call_id,
      };
    case 'CALLBACK_COMPLETED': {
      const outcome = required(row.callback_outcome, 'callback_outcome', row);
      if (outcome !== 'REACHED' && outcome !== 'NOT_REACHED') {
        throw new TypeError(`ledger event ${row.event_id} has callback outcome ${outcome}`);
      }
      return { ...base, type: row.type, callbackId: row.callback_id, outcome };
    }
  }
}

/** Which of the given survey event ids are stored already. */
export function existingSurveyIdsSql(database: string, eventIds: readonly string[]): string {
  return `SELECT DISTINCT event_id FROM ${sqlIdentifier(database)}.survey_answers WHERE event_id IN ${sqlStringList(eventIds)}`;
}

/** The stored watermark of a consumer group (`applied` is 0 when there is none). */
export function watermarkSql(database: string, consumerGroup: string): string {
  return `SELECT max(watermark_ms) AS watermark_ms, count() AS applied FROM ${sqlIdentifier(database)}.processor_progress
WHERE consumer_group = ${sqlString(consumerGroup)}`;
}

/** The stored watermark of each partition of a topic for a consumer group. */
export function partitionWatermarksSql(database: string, consumerGroup: string, topic: string): string {
  return `SELECT kafka_partition, max(watermark_ms) AS watermark_ms FROM ${sqlIdentifier(database)}.partition_progress
WHERE consumer_group = ${sqlString(consumerGroup)} AND topic = ${sqlString(topic)}
GROUP BY kafka_partition`;
}

/**
 * The UTC days (day numbers) on which legs or survey answers of the partitions are stored: the
 * minute windows the processor may count in memory are those of other days (partition-minutes.ts).
 */
export function storedDaysSql(database: string, partitions: readonly number[]): string {
  const db = sqlIdentifier(database);
  const list = `(${partitions.map(sqlInteger).join(', ')})`;
  const days = (table: string, column: string) =>
    `SELECT kafka_partition AS p, intDiv(toUInt32(${column}), 86400) AS d FROM ${db}.${table}
WHERE kafka_partition IN ${list} GROUP BY p, d`;
  return `${days('leg_facts', 'entered_at')}
UNION ALL
${days('survey_answers', 'answered_at')}`;
}

const callbackFields = [
  'queue',
  'call_id',
  'requested_at_ms',
  'due_at_ms',
  'due_date',
  'completed_at_ms',
  'outcome',
  'on_time',
  'earlier_due_dates',
] as const;

/** A callback's latest stored row, as read by `latestCallbacksSql`. */
export interface StoredCallbackRow {
  callback_id: string;
  gemeente: string;
  queue: string | null;
  call_id: string | null;
  requested_at_ms: number | null;
  due_at_ms: number | null;
  due_date: string | null;
  completed_at_ms: number | null;
  outcome: 'REACHED' | 'NOT_REACHED' | null;
  on_time: number | null;
  earlier_due_dates: string[];
  version: number;
}

/**
 * The latest stored row of each callback matching `condition` (on the latest values). argMax over
 * a tuple, because argMax of a Nullable column skips NULLs; see docs/clickhouse.md.
 */
function latestCallbacksSql(database: string, innerCondition: string, outerCondition: string): string {
  const db = sqlIdentifier(database);
  return `SELECT callback_id, gemeente, ${callbackFields.map((f, i) => `s.${i + 1} AS ${f}`).join(', ')}, v AS version
FROM (SELECT gemeente, callback_id, argMax(tuple(${callbackFields.join(', ')}), version) AS s, max(version) AS v
      FROM ${db}.callback_facts WHERE ${innerCondition} GROUP BY gemeente, callback_id)
WHERE ${outerCondition}`;
}

/** The latest stored rows of the given callbacks (of the given gemeenten). */
export function storedCallbacksSql(
  database: string,
  gemeenten: readonly string[],
  callbackIds: readonly string[],
): string {
  return latestCallbacksSql(
    database,
    `gemeente IN ${sqlStringList(gemeenten)} AND callback_id IN ${sqlStringList(callbackIds)}`,
    '1',
  );
}

/** Callback ids requested in a partition, per the ledger (a callback's events share one). */
function requestedInPartitionSql(db: string, partition: number): string {
  return `SELECT callback_id FROM ${db}.call_events WHERE type = 'CALLBACK_REQUESTED' AND kafka_partition = ${sqlInteger(partition)}`;
}

/** A partition's open callbacks requested at or before `beforeMs`: their ids, gemeente and queue. */
export function openCallbacksBeforeSql(database: string, partition: number, beforeMs: number): string {
  const db = sqlIdentifier(database);
  const open = latestCallbacksSql(
    database,
    `callback_id IN (${requestedInPartitionSql(db, partition)})`,
    `isNotNull(requested_at_ms) AND isNull(completed_at_ms) AND requested_at_ms <= ${sqlInteger(Math.floor(beforeMs))}`,
  );
  return `SELECT callback_id, gemeente, assumeNotNull(queue) AS queue FROM (${open})`;
}

/** The offset of a partition's last callback event in the ledger (`n` 0 when there is none). */
export function lastCallbackOffsetSql(database: string, partition: number): string {
  return `SELECT max(kafka_offset) AS last, count() AS n FROM ${sqlIdentifier(database)}.call_events
WHERE kafka_partition = ${sqlInteger(partition)} AND callback_id != ''`;
}

/** The CALLBACK_REQUESTED events of a partition's open callbacks requested after `afterMs` (all when undefined). */
export function openCallbackRequestsSql(
  database: string,
  partition: number,
  afterMs: number | undefined,
): string {
  const db = sqlIdentifier(database);
  const after = afterMs === undefined ? '' : ` AND occurred_at_ms > ${sqlInteger(Math.floor(afterMs))}`;
  const open = latestCallbacksSql(
    database,
    `callback_id IN (${requestedInPartitionSql(db, partition)})`,
    'isNotNull(requested_at_ms) AND isNull(completed_at_ms)',
  );
  return `SELECT ${ledgerColumns} FROM ${db}.call_events
WHERE type = 'CALLBACK_REQUESTED' AND kafka_partition = ${sqlInteger(partition)}${after}
  AND callback_id IN (SELECT callback_id FROM (${open}))
ORDER BY occurred_at_ms, event_id`;
}

/**
 * The CALLBACK_COMPLETED events of a partition's callbacks whose request is not in the ledger (it
 * comes late, or never).
 */
export function unrequestedCompletionsSql(database: string, partition: number): string {
  const db = sqlIdentifier(database);
  return `SELECT ${ledgerColumns} FROM ${db}.call_events
WHERE type = 'CALLBACK_COMPLETED' AND kafka_partition = ${sqlInteger(partition)}
  AND callback_id NOT IN (${requestedInPartitionSql(db, partition)})
ORDER BY occurred_at_ms, event_id`;
}

export function decodeStoredCallback(row: StoredCallbackRow): StoredCallback {
  return { version: row.version, dueDate: row.due_date, earlierDueDates: row.earlier_due_dates };
}

export interface CallStartRowRead {
  call_id: string;
  gemeente: string;
  started_at_ms: number;
  caller_key: string | null;
  is_repeat: number | null;
  version: number;
}

/** Call starts from `sinceMs` on (whole seconds before it are read too and filtered by the caller). */
export function callStartsSinceSql(database: string, sinceMs: number): string {
  return `SELECT call_id, gemeente, started_at_ms, caller_key, is_repeat, version
FROM ${sqlIdentifier(database)}.call_starts FINAL
WHERE started_at >= ${sqlDateTime(Math.floor(sinceMs / 1000))}
ORDER BY started_at_ms, call_id`;
}

export function decodeCallStart(row: CallStartRowRead): CallStartFact {
  return {
    callId: row.call_id,
    gemeente: row.gemeente,
    startedAt: row.started_at_ms,
    callerKey: row.caller_key,
    repeat: row.is_repeat === null ? null : row.is_repeat === 1,
    version: row.version,
  };
}

/** The tables whose monthly partitions are dropped after the retention. */
export const retentionTables: readonly string[] = tables.filter((t) => t.retention).map((t) => t.name);

/**
 * Active partitions (YYYYMM) of the retention tables older than `beforeMonth` (YYYYMM); the
 * ledger's index last, so it never misses a call the ledger still holds.
 */
export function expiredPartitionsSql(database: string, beforeMonth: number): string {
  return `SELECT DISTINCT table, partition FROM system.parts
WHERE database = ${sqlString(sqlIdentifier(database))} AND active AND table IN ${sqlStringList(retentionTables)}
  AND toUInt32OrZero(partition) > 0 AND toUInt32OrZero(partition) < ${beforeMonth}
ORDER BY table = 'ledger_calls', table, partition`;
}
