/**
 * The statements that recompute rollup rows from the facts for given dirty windows: one
 * `INSERT INTO rollup SELECT ... FROM facts` per rollup and chunk of windows, run by ClickHouse
 * itself. Pure: in the database and the dirty windows (dirty-windows.ts), out SQL text with
 * escaped literals (18.16 has no query parameters), valid on 18.16 and 26.x.
 *
 * Every row is recomputed whole, never accumulated: the counters from the current version of each
 * fact in the window, and the row's version as the sum of those facts' versions, tombstones
 * included (and, for a due date, the versions of callbacks that left it). A replay therefore
 * writes identical rows, and a correction a higher version that ReplacingMergeTree keeps.
 *
 * Which rows: a coarse condition the sort key and partitions can use (gemeenten, time ranges),
 * and the exact set of dirty windows as integers, a hash lookup per row (window-set-sql.ts says why
 * not a literal list of tuples).
 *
 * Reading the facts: `FINAL` where a fact's key never leaves its partition (legs, call starts,
 * surveys: the window is in the key and decides the partition), never with PREWHERE (which would
 * filter before FINAL picks the newest version); `argMax(tuple(...), version) GROUP BY id` for
 * callbacks, whose partition can move (a tuple, because argMax of a Nullable column skips NULLs,
 * on 18.16 and 26.x alike). Hours are recomputed from minute rows (summed over partitions where
 * those are kept per partition; gemeente hours count calls and repeat calls from call_starts), days
 * from hour rows (callback days from minute rows). The per-partition minute rows are recomputed
 * here only for windows the writer does not hold in memory (partition-minutes.ts).
 */
import { endOfLocalDay, startOfLocalDay } from '../../domain/index.ts';
import {
  dateOfDayNumber,
  hoursOf,
  localDaysOf,
  type DirtyWindows,
  type ScopedWindows,
  type WindowKey,
} from './dirty-windows.ts';
import { sqlDateTime, sqlIdentifier, sqlInteger, sqlStringList } from './sql-literals.ts';
import {
  callbackCounterColumns,
  callbackDueColumns,
  callStartCounterSelect,
  gemeenteCounterColumns,
  gemeenteLegCounterColumns,
  legCounterColumns,
  mergedNormIds,
} from './tables.ts';
import { windowRanges, windowSetCondition, type WindowRange } from './window-set-sql.ts';

const TZ = "'Europe/Amsterdam'";
const names = (columns: readonly { name: string }[]) => columns.map((c) => c.name);
const legCounters = names(legCounterColumns);
const gemeenteCounters = names(gemeenteCounterColumns);
const gemeenteLegCounters = names(gemeenteLegCounterColumns);
const callbackCounters = names(callbackCounterColumns);
const dueCounters = names(callbackDueColumns);

// ---- which rows -----------------------------------------------------------------------------------

const gemeentenOf = (keys: readonly WindowKey[]) =>
  `gemeente IN ${sqlStringList(new Set(keys.map((k) => k.scope.gemeente)))}`;

/** Ranges of time the windows of a statement fall in: at most 8, cut at gaps of more than 6 hours (or a day). */
const MAX_RANGES = 8;
const rangesOf = (keys: readonly WindowKey[], width: number, minGap: number) =>
  windowRanges(
    keys.map((k) => k.start),
    width,
    minGap,
    MAX_RANGES,
  );

/** `column` in one of the ranges (epoch seconds): conditions the sort key and the partitions can use. */
const inRanges = (column: string, ranges: readonly WindowRange[]) =>
  `(${ranges.map((r) => `${column} >= ${sqlDateTime(r.from)} AND ${column} < ${sqlDateTime(r.to)}`).join(' OR ')})`;

/** Windows starting at epoch seconds: the coarse gemeente and time condition plus the exact set. */
function secondWindows(
  keys: readonly WindowKey[],
  column: string,
  widthSec: number,
  windowExpression: string,
): string {
  const ranges = rangesOf(keys, widthSec, 6 * 3600);
  return `${gemeentenOf(keys)} AND ${inRanges(column, ranges)}
  AND ${windowSetCondition(keys, windowExpression)}`;
}

/** A local day of a time column as a day number (days since 1970-01-01, as dirty-windows.ts counts). */
const localDayNumber = (column: string) => `toUInt32(toDate(${column}, ${TZ}))`;

/** Local days (day numbers) of rows with a time column: the UTC ranges of those days plus the exact set. */
function dayWindows(keys: readonly WindowKey[], column: string): string {
  // Ranges of local days, as the UTC instants from the start of the first to the end of the last.
  const ranges = rangesOf(keys, 1, 1).map((r) => ({
    from: startOfLocalDay(dateOfDayNumber(r.from)) / 1000,
    to: endOfLocalDay(dateOfDayNumber(r.to - 1)) / 1000,
  }));
  return `${gemeentenOf(keys)} AND ${inRanges(column, ranges)}
  AND ${windowSetCondition(keys, localDayNumber(column))}`;
}

// ---- queue rollups --------------------------------------------------------------------------------

const offered = "is_deleted = 0 AND category = 'offered'";
const legCounterExpressions: Readonly<Record<string, string>> = {
  offered: `countIf(${offered})`,
  answered: `countIf(${offered} AND outcome = 'answered')`,
  answered_within_sl: `countIf(${offered} AND outcome = 'answered' AND within_service_level = 1)`,
  abandoned: `countIf(${offered} AND outcome = 'abandoned')`,
  timed_out: `countIf(${offered} AND outcome = 'timed_out')`,
  short_abandoned: "countIf(is_deleted = 0 AND category = 'short_abandoned')",
  out_of_hours: "countIf(is_deleted = 0 AND category = 'out_of_hours')",
  transferred_out: `countIf(${offered} AND outcome = 'answered' AND transferred_out = 1)`,
  offered_from_transfer: `countIf(${offered} AND isNotNull(transferred_from_leg_id))`,
  answered_from_transfer: `countIf(${offered} AND outcome = 'answered' AND isNotNull(transferred_from_leg_id))`,
  answered_wait_ms_sum: `sumIf(wait_ms, ${offered} AND outcome = 'answered')`,
  abandoned_wait_ms_sum: `sumIf(wait_ms, ${offered} AND outcome = 'abandoned')`,
};
const legCounterSelect = legCounters
  .map((c) => {
    const expression = legCounterExpressions[c];
    if (expression === undefined) throw new Error(`rollup-sql: no expression for leg counter ${c}`);
    return `toUInt64(${expression})`;
  })
  .join(',\n       ');

/** queue_partition_minute rows from leg_facts, for the legs matching `where`. */
function queuePartitionMinuteSelect(db: string, where: string): string {
  return `INSERT INTO ${db}.queue_partition_minute (gemeente, queue, minute, kafka_partition, ${legCounters.join(', ')}, norm_id, version)
SELECT gemeente, queue, toStartOfMinute(entered_at) AS minute, kafka_partition,
       ${legCounterSelect},
       arrayStringConcat(arraySort(groupUniqArrayIf(norm_id, is_deleted = 0)), ','),
       toUInt64(sum(version))
FROM ${db}.leg_facts FINAL
WHERE ${where}
GROUP BY gemeente, queue, minute, kafka_partition`;
}

/**
 * queue_partition_minute from leg_facts (minute keys with a partition, epoch seconds): the
 * windows the processor does not hold in memory (partition-minutes.ts).
 */
export function queueMinuteSql(database: string, keys: readonly WindowKey[]): string {
  const db = sqlIdentifier(database);
  return queuePartitionMinuteSelect(
    db,
    secondWindows(keys, 'entered_at', 60, 'toUInt32(toStartOfMinute(entered_at))'),
  );
}

const legSums = `${legCounters.map((c) => `sum(${c})`).join(', ')},\n       ${mergedNormIds}, sum(version)`;

/** queue_hour from the partitions' queue_partition_minute rows (hour keys, epoch seconds). */
export function queueHourSql(database: string, keys: readonly WindowKey[]): string {
  const db = sqlIdentifier(database);
  return `INSERT INTO ${db}.queue_hour (gemeente, queue, hour, ${legCounters.join(', ')}, norm_id, version)
SELECT gemeente, queue, toStartOfHour(minute) AS hour, ${legSums}
FROM ${db}.queue_partition_minute FINAL
WHERE ${secondWindows(keys, 'minute', 3600, 'toUInt32(toStartOfHour(minute))')}
GROUP BY gemeente, queue, hour`;
}

/** queue_day from queue_hour (day keys, day numbers of local dates). */
export function queueDaySql(database: string, keys: readonly WindowKey[]): string {
  const db = sqlIdentifier(database);
  return `INSERT INTO ${db}.queue_day (gemeente, queue, day, ${legCounters.join(', ')}, norm_id, version)
SELECT gemeente, queue, toDate(hour, ${TZ}) AS day, ${legSums}
FROM ${db}.queue_hour FINAL
WHERE ${dayWindows(keys, 'hour')}
GROUP BY gemeente, queue, day`;
}

// ---- gemeente rollups -----------------------------------------------------------------------------

const zero = 'toUInt64(0)';
const firstOffered = 'is_deleted = 0 AND first_offered_in_call = 1';

/**
 * gemeente_partition_minute rows from the first offered legs (end-to-end reachability) and survey
 * answers (satisfaction) matching `where` (in terms of `column`, the branch's time column). Every
 * leg of the gemeente in the window adds its version, because any of them may be, or stop being,
 * its call's first offered leg; an answer adds 1.
 */
function gemeentePartitionMinuteSelect(db: string, where: (column: string) => string): string {
  const branch = (table: string, column: string, values: readonly string[], version: string) =>
    `SELECT gemeente, toStartOfMinute(${column}) AS minute, kafka_partition, ${values.join(', ')}, ${version} AS v
  FROM ${db}.${table} FINAL
  WHERE ${where(column)}
  GROUP BY gemeente, minute, kafka_partition`;
  return `INSERT INTO ${db}.gemeente_partition_minute (gemeente, minute, kafka_partition, ${gemeenteLegCounters.join(', ')}, version)
SELECT gemeente, minute, kafka_partition, ${gemeenteLegCounters.map((c) => `sum(${c})`).join(', ')}, sum(v)
FROM (
  ${branch(
    'leg_facts',
    'entered_at',
    [
      `toUInt64(countIf(${firstOffered})) AS calls_with_offered_leg`,
      `toUInt64(countIf(${firstOffered} AND call_last_offered_answered = 1)) AS calls_last_offered_answered`,
      `${zero} AS survey_answers`,
      `${zero} AS survey_satisfied`,
    ],
    'toUInt64(sum(version))',
  )}
  UNION ALL
  ${branch(
    'survey_answers',
    'answered_at',
    [zero, zero, 'toUInt64(count())', 'toUInt64(countIf(satisfied = 1))'],
    'toUInt64(count())',
  )}
)
GROUP BY gemeente, minute, kafka_partition`;
}

/** gemeente_partition_minute for minute keys with a partition: the windows not held in memory. */
export function gemeenteMinuteSql(database: string, keys: readonly WindowKey[]): string {
  const db = sqlIdentifier(database);
  return gemeentePartitionMinuteSelect(db, (column) =>
    secondWindows(keys, column, 60, `toUInt32(toStartOfMinute(${column}))`),
  );
}

/** Every minute row of the per-partition rollups, from every stored fact (schema version 3's upgrade). */
export function rebuildPartitionMinutesSql(database: string): string[] {
  const db = sqlIdentifier(database);
  return [queuePartitionMinuteSelect(db, '1'), gemeentePartitionMinuteSelect(db, () => '1')];
}

const gemeenteSums = `${gemeenteCounters.map((c) => `sum(${c})`).join(', ')}, sum(version)`;

/**
 * gemeente_hour (hour keys) from the partitions' gemeente_partition_minute rows and from the call
 * starts of the hour (calls and repeat calls: a start's repeat flag depends on other partitions'
 * starts, so it is counted from what is stored, raised flags included).
 */
export function gemeenteHourSql(database: string, keys: readonly WindowKey[]): string {
  const db = sqlIdentifier(database);
  const hourOf = (column: string) => `toUInt32(toStartOfHour(${column}))`;
  const legCounters = gemeenteCounters.map((c) => (gemeenteLegCounters.includes(c) ? c : `${zero} AS ${c}`));
  return `INSERT INTO ${db}.gemeente_hour (gemeente, hour, ${gemeenteCounters.join(', ')}, version)
SELECT gemeente, hour, ${gemeenteSums}
FROM (
  SELECT gemeente, toStartOfHour(minute) AS hour, ${legCounters.join(', ')}, version
  FROM ${db}.gemeente_partition_minute FINAL
  WHERE ${secondWindows(keys, 'minute', 3600, hourOf('minute'))}
  UNION ALL
  SELECT gemeente, toStartOfHour(started_at) AS hour, ${callStartCounterSelect.join(', ')}, toUInt64(sum(version))
  FROM ${db}.call_starts FINAL
  WHERE ${secondWindows(keys, 'started_at', 3600, hourOf('started_at'))}
  GROUP BY gemeente, hour
)
GROUP BY gemeente, hour`;
}

/** gemeente_day from gemeente_hour (day keys). */
export function gemeenteDaySql(database: string, keys: readonly WindowKey[]): string {
  const db = sqlIdentifier(database);
  return `INSERT INTO ${db}.gemeente_day (gemeente, day, ${gemeenteCounters.join(', ')}, version)
SELECT gemeente, toDate(hour, ${TZ}) AS day, ${gemeenteSums}
FROM ${db}.gemeente_hour FINAL
WHERE ${dayWindows(keys, 'hour')}
GROUP BY gemeente, day`;
}

// ---- callback rollups -----------------------------------------------------------------------------

/**
 * Per callback with a stored row matching `rowCondition`: its latest version's `fields` as the
 * tuple `s` (in that order) and the version `v`. The callbacks are joined, not looked up with `IN
 * (subquery)`: 18.16 runs such a subquery again for every query level around it, which made the
 * recompute read callback_facts several times over (the join is run once; measured in
 * docs/performance.md).
 */
function latestCallbacksSql(db: string, fields: readonly string[], rowCondition: string): string {
  return `SELECT gemeente, callback_id, argMax(tuple(${fields.join(', ')}), version) AS s, max(version) AS v
    FROM ${db}.callback_facts
    ANY INNER JOIN (SELECT DISTINCT gemeente, callback_id FROM ${db}.callback_facts WHERE ${rowCondition}) AS touched
    USING (gemeente, callback_id)
    GROUP BY gemeente, callback_id`;
}

/** A Nullable DateTime's minute in epoch seconds, 0 when NULL (never a dirty window). */
const minuteSecondsOf = (column: string) =>
  `intDiv(toUInt32(ifNull(${column}, toDateTime(0, 'UTC'))), 60) * 60`;

/**
 * callback_minute from callback_facts (minute keys): a request in the window of the request, a
 * completion in the window of the completion; both per the queue owed to, so only once the
 * request is known. A callback requested and completed in the same minute adds its version twice.
 */
export function callbackMinuteSql(database: string, keys: readonly WindowKey[]): string {
  const db = sqlIdentifier(database);
  const dirty = (expression: string) => windowSetCondition(keys, expression, "ifNull(queue, '')");
  const latest = latestCallbacksSql(
    db,
    ['queue', 'requested_at', 'completed_at', 'outcome'],
    `${gemeentenOf(keys)} AND (${dirty(minuteSecondsOf('requested_at'))} OR ${dirty(minuteSecondsOf('completed_at'))})`,
  );
  return `INSERT INTO ${db}.callback_minute (gemeente, queue, minute, ${callbackCounters.join(', ')}, version)
SELECT gemeente, ifNull(s.1, '') AS q, toDateTime(e.2, 'UTC') AS minute,
       sum(e.1 = 1), sum(e.1 = 2), sum(e.1 = 2 AND ifNull(s.4 = 'REACHED', 0)), sum(v)
FROM (${latest})
ARRAY JOIN [(toUInt8(1), ${minuteSecondsOf('s.2')}), (toUInt8(2), ${minuteSecondsOf('s.3')})] AS e
WHERE ${windowSetCondition(keys, 'e.2', 'q')}
GROUP BY gemeente, q, e.2`;
}

/** callback_day from callback_minute (day keys). */
export function callbackDaySql(database: string, keys: readonly WindowKey[]): string {
  const db = sqlIdentifier(database);
  return `INSERT INTO ${db}.callback_day (gemeente, queue, day, ${callbackCounters.join(', ')}, version)
SELECT gemeente, queue, toDate(minute, ${TZ}) AS day, ${callbackCounters.map((c) => `sum(${c})`).join(', ')}, sum(version)
FROM ${db}.callback_minute FINAL
WHERE ${dayWindows(keys, 'minute')}
GROUP BY gemeente, queue, day`;
}

/**
 * callback_due_day from callback_facts (day keys of due dates): callbacks by the local date they
 * are due, never-completed ones included; callbacks whose due date moved away still add their
 * version to the old date, with no counts.
 */
export function callbackDueDaySql(database: string, keys: readonly WindowKey[]): string {
  const db = sqlIdentifier(database);
  const days = `[${[...new Set(keys.map((k) => k.start))].map(sqlInteger).join(', ')}]`;
  const latest = latestCallbacksSql(
    db,
    ['queue', 'due_date', 'completed_at', 'on_time', 'earlier_due_dates'],
    `${gemeentenOf(keys)} AND (${windowSetCondition(keys, 'ifNull(toUInt32(due_date), 0)', "ifNull(queue, '')")}
       OR hasAny(arrayMap(x -> toUInt32(x), earlier_due_dates), ${days}))`,
  );
  // e: (1, the due date) and (0, each date it was due before): counted once, versioned everywhere.
  return `INSERT INTO ${db}.callback_due_day (gemeente, queue, due_date, ${dueCounters.join(', ')}, version)
SELECT gemeente, ifNull(s.1, '') AS q, toDate(toUInt16(e.2)) AS due_date,
       sum(e.1), sum(e.1 * ifNull(s.4 = 1, 0)), sum(e.1 * ifNull(s.4 = 0, 0)), sum(e.1 * isNull(s.3)), sum(v)
FROM (${latest})
ARRAY JOIN arrayConcat([(toUInt8(1), toUInt32(ifNull(toUInt32(s.2), 0)))],
                       arrayMap(x -> (toUInt8(0), toUInt32(x)), s.5)) AS e
WHERE ${windowSetCondition(keys, 'e.2', 'q')}
GROUP BY gemeente, q, e.2`;
}

// ---- all of it ------------------------------------------------------------------------------------

/** Per-partition minute windows the processor does not hold: recomputed from the stored facts. */
export interface StoredMinuteWindows {
  /** queue_partition_minute: per gemeente, queue and partition. */
  readonly queueMinutes: ScopedWindows;
  /** gemeente_partition_minute: per gemeente and partition. */
  readonly gemeenteMinutes: ScopedWindows;
}

/**
 * Every statement that brings the rollups up to date with the facts of the dirty windows, by
 * level: the statements of a level are independent (run them side by side), a level needs the one
 * before (minute rows, then hour rows from minutes, then day rows from hours). The per-partition
 * minute rows the processor holds are written by the writer (writer.ts), independent of the
 * minute statements here; `stored` are the ones it does not hold. At most
 * `maxWindowsPerStatement` windows per statement, so each stays well below 18.16's
 * max_query_size (256 KiB): a window is about 15 bytes, and a statement lists them up to 3 times.
 */
export interface RollupRefresh {
  readonly minutes: readonly string[];
  readonly hours: readonly string[];
  readonly days: readonly string[];
}

export function refreshStatements(
  database: string,
  dirty: DirtyWindows,
  stored: StoredMinuteWindows,
  maxWindowsPerStatement = 2000,
): RollupRefresh {
  // One statement covers one kind of scope; queue and gemeente scopes never mix in a set.
  const each = (
    windows: ScopedWindows,
    sql: (db: string, keys: readonly WindowKey[]) => string,
  ): string[] => {
    const statements: string[] = [];
    const keys = windows.keys();
    for (let i = 0; i < keys.length; i += maxWindowsPerStatement) {
      statements.push(sql(database, keys.slice(i, i + maxWindowsPerStatement)));
    }
    return statements;
  };
  return {
    minutes: [
      ...each(stored.queueMinutes, queueMinuteSql),
      ...each(stored.gemeenteMinutes, gemeenteMinuteSql),
      ...each(dirty.callbackMinutes, callbackMinuteSql),
      ...each(dirty.dueDays, callbackDueDaySql),
    ],
    hours: [
      ...each(hoursOf(dirty.queueMinutes), queueHourSql),
      ...each(hoursOf(dirty.gemeenteMinutes), gemeenteHourSql),
      ...each(localDaysOf(dirty.callbackMinutes), callbackDaySql),
    ],
    days: [
      ...each(localDaysOf(dirty.queueMinutes), queueDaySql),
      ...each(localDaysOf(dirty.gemeenteMinutes), gemeenteDaySql),
    ],
  };
}
