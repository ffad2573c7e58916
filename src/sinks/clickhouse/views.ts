/**
 * The analyst views: readable names over the rollups (and the current state of the facts), with
 * docs/metrics.md's ratios computed from summed counters, NULL when the denominator is 0 (never 0% or
 * 100%). Views read rollups with FINAL (a rollup row never leaves its partition) and callbacks and
 * calls with argMax over a tuple (their partition can move, and argMax of a Nullable column skips
 * NULLs). Day, ISO week, month and year are local (Europe/Amsterdam), from the day rollups.
 */
import {
  callbackCounterColumns,
  callbackDueColumns,
  callStartCounterSelect,
  gemeenteCounterColumns,
  gemeenteLegCounterColumns,
  legCounterColumns,
  mergedNormIds,
} from './tables.ts';
import { kpiPerJaar, kpiPerMaand, stillOpenCallbacks } from './kpi-views.ts';

export interface ViewDef {
  readonly name: string;
  /** The SELECT, with `{db}` standing for the database. */
  readonly select: string;
}

const ratio = (numerator: string, denominator: string) =>
  `if(${denominator} = 0, NULL, (${numerator}) / ${denominator})`;

/** Sums of the leg counters, for a GROUP BY over queue rollups. */
const legSums = legCounterColumns.map((c) => `sum(${c.name}) AS ${c.name}`).join(', ');
/** Leg counters and the docs/metrics.md ratios over them (NULL when the denominator is 0). */
const legMeasures = [
  ...legCounterColumns.map((c) => c.name),
  `${ratio('answered', 'offered')} AS reachability`,
  `${ratio('answered_within_sl', 'offered')} AS service_level`,
  `${ratio('answered_wait_ms_sum', 'answered')} / 1000 AS asa_seconds`,
  `${ratio('abandoned_wait_ms_sum', 'abandoned')} / 1000 AS avg_abandoned_wait_seconds`,
  `${ratio('answered - transferred_out', 'answered')} AS first_line_resolution`,
  `${ratio('answered_from_transfer', 'offered_from_transfer')} AS transfer_success`,
  'norm_id',
].join(', ');

const gemeenteSums = gemeenteCounterColumns.map((c) => `sum(${c.name}) AS ${c.name}`).join(', ');
const gemeenteMeasures = [
  ...gemeenteCounterColumns.map((c) => c.name),
  `${ratio('calls_last_offered_answered', 'calls_with_offered_leg')} AS end_to_end_reachability`,
  `${ratio('repeat_calls', 'calls')} AS repeat_rate`,
  `${ratio('survey_satisfied', 'survey_answers')} AS satisfaction`,
].join(', ');

const callbackSums = callbackCounterColumns.map((c) => `sum(${c.name}) AS ${c.name}`).join(', ');
const dueSums = [
  ...callbackDueColumns.map((c) => `sum(${c.name}) AS ${c.name}`),
  'sum(open_now) AS still_open',
].join(', ');
/** The due-date rollup with `open_now`: its callbacks still open before their due moment. */
const callbackDueRows = `(SELECT *, ${stillOpenCallbacks} AS open_now FROM {db}.callback_due_day FINAL)`;
/** The on-time rate leaves out callbacks still open before their due moment (docs/metrics.md). */
const dueMeasures = [
  ...callbackDueColumns.map((c) => c.name),
  'still_open',
  'toUInt64(due - still_open) AS judged',
  `${ratio('completed_on_time', 'judged')} AS on_time_rate`,
].join(', ');

/** Queue measures per local period, from queue_day. */
const queuePeriodView = (name: string, periodColumns: string, groupBy: string): ViewDef => ({
  name,
  select: `SELECT gemeente, queue, ${groupBy}, ${legMeasures}
FROM (SELECT gemeente, queue, ${periodColumns}, ${legSums}, ${mergedNormIds} AS norm_id
      FROM {db}.queue_day FINAL GROUP BY gemeente, queue, ${groupBy})`,
});

const gemeentePeriodView = (name: string, periodColumns: string, groupBy: string): ViewDef => ({
  name,
  select: `SELECT gemeente, ${groupBy}, ${gemeenteMeasures}
FROM (SELECT gemeente, ${periodColumns}, ${gemeenteSums} FROM {db}.gemeente_day FINAL GROUP BY gemeente, ${groupBy})`,
});

const onTimePeriodView = (name: string, periodColumns: string, groupBy: string): ViewDef => ({
  name,
  select: `SELECT gemeente, queue, ${groupBy}, ${dueMeasures}
FROM (SELECT gemeente, queue, ${periodColumns}, ${dueSums} FROM ${callbackDueRows} GROUP BY gemeente, queue, ${groupBy})`,
});

const week = 'toISOYear(day) AS iso_year, toISOWeek(day) AS iso_week, toMonday(day) AS week_start';
const month = 'toStartOfMonth(day) AS month';
const year = 'toYear(day) AS year';

/** The latest version of each callback (argMax over a tuple: argMax of a Nullable column skips NULLs). */
const latestCallbacks = `SELECT gemeente, callback_id, s.1 AS queue, s.2 AS call_id, s.3 AS requested_at, s.4 AS due_at,
       s.5 AS due_date, s.6 AS completed_at, s.7 AS outcome, s.8 AS on_time, v AS version
FROM (SELECT gemeente, callback_id,
             argMax(tuple(queue, call_id, requested_at, due_at, due_date, completed_at, outcome, on_time), version) AS s,
             max(version) AS v
      FROM {db}.callback_facts GROUP BY gemeente, callback_id)`;

const zero = 'toUInt64(0)';
/** The per-partition leg and survey counters beside the call-start counters, per gemeente and minute. */
const gemeenteMinuteBranches = `SELECT gemeente, minute, ${gemeenteCounterColumns
  .map((c) => (gemeenteLegCounterColumns.includes(c) ? c.name : `${zero} AS ${c.name}`))
  .join(', ')}, version
      FROM {db}.gemeente_partition_minute FINAL
      UNION ALL
      SELECT gemeente, toStartOfMinute(started_at) AS minute, ${callStartCounterSelect.join(', ')}, toUInt64(sum(version))
      FROM {db}.call_starts FINAL GROUP BY gemeente, minute`;

/** Every analyst view, in creation order. */
export const views: readonly ViewDef[] = [
  // The minute rollups as one row per window (the tables keep a row per Kafka partition).
  {
    name: 'queue_minute',
    select: `SELECT gemeente, queue, minute, ${legSums}, ${mergedNormIds} AS norm_id, sum(version) AS version
FROM {db}.queue_partition_minute FINAL GROUP BY gemeente, queue, minute`,
  },
  {
    name: 'gemeente_minute',
    select: `SELECT gemeente, minute, ${gemeenteSums}, sum(version) AS version
FROM (${gemeenteMinuteBranches})
GROUP BY gemeente, minute`,
  },
  {
    name: 'bereikbaarheid_per_uur',
    select: `SELECT gemeente, queue, toDate(hour, 'Europe/Amsterdam') AS day, toTimeZone(hour, 'Europe/Amsterdam') AS local_hour, ${legMeasures}
FROM {db}.queue_hour FINAL`,
  },
  {
    name: 'bereikbaarheid_per_dag',
    select: `SELECT gemeente, queue, day, ${legMeasures} FROM {db}.queue_day FINAL`,
  },
  queuePeriodView('bereikbaarheid_per_week', week, 'iso_year, iso_week, week_start'),
  queuePeriodView('bereikbaarheid_per_maand', month, 'month'),
  queuePeriodView('bereikbaarheid_per_jaar', year, 'year'),
  {
    name: 'gemeente_per_dag',
    select: `SELECT gemeente, day, ${gemeenteMeasures} FROM {db}.gemeente_day FINAL`,
  },
  gemeentePeriodView('gemeente_per_maand', month, 'month'),
  gemeentePeriodView('gemeente_per_jaar', year, 'year'),
  {
    name: 'terugbelverzoeken_per_dag',
    select: `SELECT gemeente, queue, day, ${callbackCounterColumns.map((c) => c.name).join(', ')} FROM {db}.callback_day FINAL`,
  },
  {
    name: 'terugbelverzoeken_per_maand',
    select: `SELECT gemeente, queue, toStartOfMonth(day) AS month, ${callbackSums}
FROM {db}.callback_day FINAL GROUP BY gemeente, queue, month`,
  },
  {
    name: 'terugbellen_op_tijd_per_dag',
    select: `SELECT gemeente, queue, due_date, ${dueMeasures}
FROM (SELECT *, open_now AS still_open FROM ${callbackDueRows})`,
  },
  onTimePeriodView('terugbellen_op_tijd_per_maand', 'toStartOfMonth(due_date) AS month', 'month'),
  onTimePeriodView('terugbellen_op_tijd_per_jaar', 'toYear(due_date) AS year', 'year'),
  kpiPerJaar,
  kpiPerMaand,
  {
    name: 'current_legs',
    select: `SELECT * FROM {db}.leg_facts FINAL WHERE is_deleted = 0`,
  },
  {
    name: 'current_calls',
    select: `SELECT gemeente, call_id, s.1 AS started_at, s.2 AS ended_at, s.3 AS end_source, s.4 AS caller_key,
       s.5 AS dialled_number, s.6 AS legs, s.7 AS offered_legs, s.8 AS first_offered_at,
       s.9 AS last_offered_answered, v AS version
FROM (SELECT gemeente, call_id,
             argMax(tuple(started_at, ended_at, end_source, caller_key, dialled_number, legs, offered_legs,
                          first_offered_at, last_offered_answered), version) AS s,
             max(version) AS v
      FROM {db}.call_facts GROUP BY gemeente, call_id)`,
  },
  { name: 'current_callbacks', select: latestCallbacks },
];
