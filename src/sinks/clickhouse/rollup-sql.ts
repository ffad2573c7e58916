/**
 * The statements that recompute rollup rows from the facts for given ranges of windows: one
 * `INSERT INTO rollup SELECT ... FROM facts` per rollup, run by ClickHouse itself. Pure: in the
 * database and dirty ranges (dirty-windows.ts), out SQL text with escaped literals (18.16 has no
 * query parameters), valid on 18.16 and 26.x.
 *
 * Every row is recomputed whole, never accumulated: the counters from the current version of each
 * fact in the window, and the row's version as the sum of those facts' versions, tombstones
 * included (and, for a due date, the versions of callbacks that left it). A replay therefore
 * writes identical rows, and a correction a higher version that ReplacingMergeTree keeps.
 *
 * Reading the facts: `FINAL` where a fact's key never leaves its partition (legs, call starts,
 * surveys: their window is in the key and the partition), with WHERE on key columns only, because
 * a filter on another column could drop a newer version before FINAL picks it; `argMax(tuple(...),
 * version) GROUP BY id` for callbacks, whose partition can move (and a tuple because argMax of a
 * Nullable column skips NULLs, on 18.16 and 26.x alike). Hours are recomputed from minute rows,
 * days from hour rows (or minute rows for callbacks).
 */
import {
  dateRanges,
  dayRanges,
  hourRanges,
  minuteRanges,
  type DateRange,
  type DirtyWindows,
  type Scope,
  type SecondRange,
} from './dirty-windows.ts';
import { sqlDate, sqlDateTime, sqlIdentifier, sqlString, sqlStringList } from './sql-literals.ts';
import {
  callbackCounterColumns,
  callbackDueColumns,
  gemeenteCounterColumns,
  legCounterColumns,
} from './tables.ts';
import { mergedNormIds } from './views.ts';

const names = (columns: readonly { name: string }[]) => columns.map((c) => c.name);
const legCounters = names(legCounterColumns);
const gemeenteCounters = names(gemeenteCounterColumns);
const callbackCounters = names(callbackCounterColumns);
const dueCounters = names(callbackDueColumns);

function scopeCondition(scope: Scope, queueColumn = 'queue'): string {
  return scope.queue === undefined
    ? `gemeente = ${sqlString(scope.gemeente)}`
    : `gemeente = ${sqlString(scope.gemeente)} AND ${queueColumn} = ${sqlString(scope.queue)}`;
}

/** `(scope AND column in [from, to))` for each range, OR-ed: uses the sort key and partition pruning. */
export function secondRangesCondition(ranges: readonly SecondRange[], column: string): string {
  if (ranges.length === 0) throw new RangeError('no ranges to recompute');
  return ranges
    .map(
      (r) =>
        `(${scopeCondition(r.scope)} AND ${column} >= ${sqlDateTime(r.fromSec)} AND ${column} < ${sqlDateTime(r.toSec)})`,
    )
    .join(' OR ');
}

function dateRangesCondition(ranges: readonly DateRange[], column: string, queueColumn = 'queue'): string {
  if (ranges.length === 0) throw new RangeError('no ranges to recompute');
  return ranges
    .map(
      (r) =>
        `(${scopeCondition(r.scope, queueColumn)} AND ${column} >= ${sqlDate(r.from)} AND ${column} <= ${sqlDate(r.to)})`,
    )
    .join(' OR ');
}

const gemeentenOf = (ranges: readonly { scope: Scope }[]) =>
  sqlStringList(new Set(ranges.map((r) => r.scope.gemeente)));

const offered = "is_deleted = 0 AND category = 'offered'";
const legCounterExpressions: Record<string, string> = {
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

/** queue_minute from leg_facts. */
export function queueMinuteSql(database: string, ranges: readonly SecondRange[]): string {
  const db = sqlIdentifier(database);
  return `INSERT INTO ${db}.queue_minute (gemeente, queue, minute, ${legCounters.join(', ')}, norm_id, version)
SELECT gemeente, queue, toStartOfMinute(entered_at) AS minute,
       ${legCounterSelect},
       arrayStringConcat(arraySort(groupUniqArrayIf(norm_id, is_deleted = 0)), ','),
       toUInt64(sum(version))
FROM ${db}.leg_facts FINAL
WHERE ${secondRangesCondition(ranges, 'entered_at')}
GROUP BY gemeente, queue, minute`;
}

/** A coarser queue rollup (hour, day) from the next finer one. */
function queueCoarserSql(
  database: string,
  target: string,
  source: string,
  sourceWindow: string,
  windowExpression: string,
  window: string,
  ranges: readonly SecondRange[],
): string {
  const db = sqlIdentifier(database);
  return `INSERT INTO ${db}.${target} (gemeente, queue, ${window}, ${legCounters.join(', ')}, norm_id, version)
SELECT gemeente, queue, ${windowExpression} AS ${window}, ${legCounters.map((c) => `sum(${c})`).join(', ')},
       ${mergedNormIds}, sum(version)
FROM ${db}.${source} FINAL
WHERE ${secondRangesCondition(ranges, sourceWindow)}
GROUP BY gemeente, queue, ${window}`;
}

export const queueHourSql = (database: string, ranges: readonly SecondRange[]): string =>
  queueCoarserSql(database, 'queue_hour', 'queue_minute', 'minute', 'toStartOfHour(minute)', 'hour', ranges);

export const queueDaySql = (database: string, ranges: readonly SecondRange[]): string =>
  queueCoarserSql(
    database,
    'queue_day',
    'queue_hour',
    'hour',
    "toDate(hour, 'Europe/Amsterdam')",
    'day',
    ranges,
  );

/**
 * gemeente_minute from the first offered legs (end-to-end reachability), call starts (repeat rate)
 * and survey answers (satisfaction). Every leg of the gemeente in the window adds its version,
 * because any of them may be, or stop being, its call's first offered leg.
 */
export function gemeenteMinuteSql(database: string, ranges: readonly SecondRange[]): string {
  const db = sqlIdentifier(database);
  const zero = 'toUInt64(0)';
  const firstOffered = 'is_deleted = 0 AND first_offered_in_call = 1';
  const branch = (
    window: string,
    values: readonly string[],
    version: string,
    table: string,
    timeColumn: string,
  ) =>
    `SELECT gemeente, toStartOfMinute(${window}) AS minute, ${values.join(', ')}, ${version} AS v
  FROM ${db}.${table} FINAL
  WHERE ${secondRangesCondition(ranges, timeColumn)}
  GROUP BY gemeente, minute`;
  return `INSERT INTO ${db}.gemeente_minute (gemeente, minute, ${gemeenteCounters.join(', ')}, version)
SELECT gemeente, minute, ${gemeenteCounters.map((c) => `sum(${c})`).join(', ')}, sum(v)
FROM (
  ${branch(
    'entered_at',
    [
      `toUInt64(countIf(${firstOffered})) AS calls_with_offered_leg`,
      `toUInt64(countIf(${firstOffered} AND call_last_offered_answered = 1)) AS calls_last_offered_answered`,
      `${zero} AS calls`,
      `${zero} AS repeat_calls`,
      `${zero} AS survey_answers`,
      `${zero} AS survey_satisfied`,
    ],
    'toUInt64(sum(version))',
    'leg_facts',
    'entered_at',
  )}
  UNION ALL
  ${branch(
    'started_at',
    [
      zero,
      zero,
      'toUInt64(countIf(isNotNull(is_repeat)))',
      'toUInt64(countIf(ifNull(is_repeat, 0) = 1))',
      zero,
      zero,
    ],
    'toUInt64(sum(version))',
    'call_starts',
    'started_at',
  )}
  UNION ALL
  ${branch(
    'answered_at',
    [zero, zero, zero, zero, 'toUInt64(count())', 'toUInt64(countIf(satisfied = 1))'],
    'toUInt64(count())',
    'survey_answers',
    'answered_at',
  )}
)
GROUP BY gemeente, minute`;
}

export const gemeenteHourSql = (database: string, ranges: readonly SecondRange[]): string =>
  gemeenteCoarserSql(
    database,
    'gemeente_hour',
    'gemeente_minute',
    'minute',
    'toStartOfHour(minute)',
    'hour',
    ranges,
  );

export const gemeenteDaySql = (database: string, ranges: readonly SecondRange[]): string =>
  gemeenteCoarserSql(
    database,
    'gemeente_day',
    'gemeente_hour',
    'hour',
    "toDate(hour, 'Europe/Amsterdam')",
    'day',
    ranges,
  );

function gemeenteCoarserSql(
  database: string,
  target: string,
  source: string,
  sourceWindow: string,
  windowExpression: string,
  window: string,
  ranges: readonly SecondRange[],
): string {
  const db = sqlIdentifier(database);
  return `INSERT INTO ${db}.${target} (gemeente, ${window}, ${gemeenteCounters.join(', ')}, version)
SELECT gemeente, ${windowExpression} AS ${window}, ${gemeenteCounters.map((c) => `sum(${c})`).join(', ')}, sum(version)
FROM ${db}.${source} FINAL
WHERE ${secondRangesCondition(ranges, sourceWindow)}
GROUP BY gemeente, ${window}`;
}

/**
 * The latest version of the callbacks that have a row matching `rowCondition`, with the given
 * fields (argMax over a tuple, see the module comment).
 */
function latestCallbacksSql(
  db: string,
  fields: readonly string[],
  gemeenten: string,
  rowCondition: string,
): string {
  return `SELECT gemeente, callback_id, ${fields.map((f, i) => `s.${i + 1} AS ${f}`).join(', ')}, v AS version
    FROM (SELECT gemeente, callback_id, argMax(tuple(${fields.join(', ')}), version) AS s, max(version) AS v
          FROM ${db}.callback_facts
          WHERE gemeente IN ${gemeenten}
            AND callback_id IN (SELECT callback_id FROM ${db}.callback_facts WHERE ${rowCondition})
          GROUP BY gemeente, callback_id)`;
}

/**
 * callback_minute from callback_facts: a request in the window of the request, a completion in
 * the window of the completion; both per the queue owed to, so only once the request is known.
 */
export function callbackMinuteSql(database: string, ranges: readonly SecondRange[]): string {
  const db = sqlIdentifier(database);
  const requested = secondRangesCondition(ranges, 'requested_at');
  const completed = secondRangesCondition(ranges, 'completed_at');
  const latest = latestCallbacksSql(
    db,
    ['queue', 'requested_at', 'completed_at', 'outcome'],
    gemeentenOf(ranges),
    `(${requested}) OR (${completed})`,
  );
  return `INSERT INTO ${db}.callback_minute (gemeente, queue, minute, ${callbackCounters.join(', ')}, version)
SELECT gemeente, q, m, sum(r), sum(c), sum(cr), sum(v)
FROM (
  SELECT gemeente, assumeNotNull(queue) AS q, toStartOfMinute(assumeNotNull(requested_at)) AS m,
         toUInt64(1) AS r, toUInt64(0) AS c, toUInt64(0) AS cr, toUInt64(version) AS v
  FROM (${latest})
  WHERE ${requested}
  UNION ALL
  SELECT gemeente, assumeNotNull(queue) AS q, toStartOfMinute(assumeNotNull(completed_at)) AS m,
         toUInt64(0) AS r, toUInt64(1) AS c, toUInt64(ifNull(outcome = 'REACHED', 0)) AS cr, toUInt64(version) AS v
  FROM (${latest})
  WHERE ${completed}
)
GROUP BY gemeente, q, m`;
}

/** callback_day from callback_minute (local days). */
export function callbackDaySql(database: string, ranges: readonly SecondRange[]): string {
  const db = sqlIdentifier(database);
  return `INSERT INTO ${db}.callback_day (gemeente, queue, day, ${callbackCounters.join(', ')}, version)
SELECT gemeente, queue, toDate(minute, 'Europe/Amsterdam') AS day, ${callbackCounters.map((c) => `sum(${c})`).join(', ')}, sum(version)
FROM ${db}.callback_minute FINAL
WHERE ${secondRangesCondition(ranges, 'minute')}
GROUP BY gemeente, queue, day`;
}

/**
 * callback_due_day from callback_facts: callbacks by the local date they are due, never-completed
 * ones included; callbacks whose due date moved away still add their version to the old date.
 */
export function callbackDueDaySql(database: string, ranges: readonly DateRange[]): string {
  const db = sqlIdentifier(database);
  const current = dateRangesCondition(ranges, 'due_date');
  const left = ranges
    .map(
      (r) =>
        `(${scopeCondition(r.scope)} AND arrayExists(x -> x >= ${sqlDate(r.from)} AND x <= ${sqlDate(r.to)}, earlier_due_dates))`,
    )
    .join(' OR ');
  const latest = latestCallbacksSql(
    db,
    ['queue', 'due_date', 'completed_at', 'on_time', 'earlier_due_dates'],
    gemeentenOf(ranges),
    `(${current}) OR ${left}`,
  );
  return `INSERT INTO ${db}.callback_due_day (gemeente, queue, due_date, ${dueCounters.join(', ')}, version)
SELECT gemeente, q, d, sum(n_due), sum(n_on_time), sum(n_late), sum(n_open), sum(v)
FROM (
  SELECT gemeente, assumeNotNull(queue) AS q, assumeNotNull(due_date) AS d, toUInt64(1) AS n_due,
         toUInt64(ifNull(on_time = 1, 0)) AS n_on_time, toUInt64(ifNull(on_time = 0, 0)) AS n_late,
         toUInt64(isNull(completed_at)) AS n_open, toUInt64(version) AS v
  FROM (${latest})
  WHERE ${current}
  UNION ALL
  SELECT gemeente, assumeNotNull(queue) AS q, arrayJoin(earlier_due_dates) AS d, toUInt64(0) AS n_due,
         toUInt64(0) AS n_on_time, toUInt64(0) AS n_late, toUInt64(0) AS n_open, toUInt64(version) AS v
  FROM (${latest})
  WHERE ${left}
)
WHERE ${dateRangesCondition(ranges, 'd', 'q')}
GROUP BY gemeente, q, d`;
}

/**
 * Every statement that brings the rollups up to date with the facts of the dirty windows, in
 * phases: the statements of a phase are independent (run them in parallel), a phase needs the one
 * before (minute rows, then hour rows from minutes, then day rows from hours). At most
 * `maxRangesPerStatement` ranges per statement, so each stays far below max_query_size.
 */
export function refreshStatements(
  database: string,
  dirty: DirtyWindows,
  maxRangesPerStatement: number,
): string[][] {
  const each = <R>(ranges: readonly R[], sql: (db: string, chunk: readonly R[]) => string): string[] => {
    const statements: string[] = [];
    for (let i = 0; i < ranges.length; i += maxRangesPerStatement) {
      statements.push(sql(database, ranges.slice(i, i + maxRangesPerStatement)));
    }
    return statements;
  };
  return [
    [
      ...each(minuteRanges(dirty.queueMinutes), queueMinuteSql),
      ...each(minuteRanges(dirty.gemeenteMinutes), gemeenteMinuteSql),
      ...each(minuteRanges(dirty.callbackMinutes), callbackMinuteSql),
      ...each(dateRanges(dirty.dueDays), callbackDueDaySql),
    ],
    [
      ...each(hourRanges(dirty.queueMinutes), queueHourSql),
      ...each(hourRanges(dirty.gemeenteMinutes), gemeenteHourSql),
      ...each(dayRanges(dirty.callbackMinutes), callbackDaySql),
    ],
    [
      ...each(dayRanges(dirty.queueMinutes), queueDaySql),
      ...each(dayRanges(dirty.gemeenteMinutes), gemeenteDaySql),
    ],
  ].filter((phase) => phase.length > 0);
}
