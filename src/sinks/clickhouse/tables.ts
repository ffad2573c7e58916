/**
 * bereik's ClickHouse tables as data: the ledger of accepted events, the facts (legs, calls, call
 * starts, survey answers, callbacks), the rollups recomputed from them per minute, hour and local
 * day, the processor's progress and the configuration mirrors (streefcijfers, queues). Every column has
 * a comment (shown in `system.columns`), with the Dutch term analysts know. Types and clauses run
 * on ClickHouse 18.16 and 26.x alike (docs/stack.md): DateTime('UTC') plus epoch-ms UInt64 columns
 * (no DateTime64), monthly partitions dropped for retention (no TTL), no Nullable in sort keys.
 */
import { callEventTypes } from '../../events/call-event.ts';
import { sqlString } from './sql-literals.ts';

export interface ColumnDef {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
  /** A DEFAULT expression; such columns are left out of inserts. */
  readonly default?: string;
}

export interface TableDef {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly engine: string;
  readonly partitionBy?: string;
  readonly orderBy: string;
  /** The table's SETTINGS clause (without the keyword), where the defaults do not fit. */
  readonly settings?: string;
  /** Whole monthly partitions older than the retention are dropped (facts, ledger, minute rollups). */
  readonly retention: boolean;
}
const col = (name: string, type: string, comment: string, defaultExpr?: string): ColumnDef =>
  defaultExpr === undefined ? { name, type, comment } : { name, type, comment, default: defaultExpr };

const utc = "DateTime('UTC')";
const enumOf = (values: readonly string[]) =>
  `Enum8(${values.map((v, i) => `${sqlString(v)} = ${i + 1}`).join(', ')})`;
const legOutcome = enumOf(['answered', 'abandoned', 'timed_out']);
const legCategory = enumOf(['offered', 'short_abandoned', 'out_of_hours']);
const callbackOutcome = enumOf(['REACHED', 'NOT_REACHED']);

/**
 * Tables earlier schema versions had and this one drops: `targets` only mirrored configuration;
 * `queue_minute` and `gemeente_minute` are views over the per-partition minute rollups since
 * version 3 (see migrations.ts for how their rows moved).
 */
export const retiredTables: readonly string[] = ['targets', 'queue_minute', 'gemeente_minute'];

/** The 12 additive leg counters of src/domain/kpi.ts (LegCounts), as rollup columns. */
export const legCounterColumns: readonly ColumnDef[] = [
  col('offered', 'UInt64', 'offered legs (aangeboden): entered within opening hours, minus short abandons'),
  col('answered', 'UInt64', 'offered legs answered by a person of the queue (beantwoord)'),
  col('answered_within_sl', 'UInt64', 'answered legs that waited at most the norm (servicelevel, 25 s)'),
  col('abandoned', 'UInt64', 'offered legs the caller left while waiting (opgehangen), 5 s or more'),
  col('timed_out', 'UInt64', 'offered legs that reached the maximum wait of the queue'),
  col('short_abandoned', 'UInt64', 'legs abandoned within 5 s (kort opgehangen); not offered'),
  col('out_of_hours', 'UInt64', 'legs that entered outside opening hours (buiten openingstijd); not offered'),
  col('transferred_out', 'UInt64', 'answered legs an agent transferred on (doorverbonden)'),
  col('offered_from_transfer', 'UInt64', 'offered legs created by a transfer into this queue'),
  col('answered_from_transfer', 'UInt64', 'answered legs among offered_from_transfer'),
  col(
    'answered_wait_ms_sum',
    'UInt64',
    'sum of the waits (wachttijd) of answered legs, ms (ASA = sum / answered)',
  ),
  col('abandoned_wait_ms_sum', 'UInt64', 'sum of the waits of abandoned legs, ms'),
];

/** Per-gemeente counters (end-to-end reachability, repeat rate, satisfaction), as rollup columns. */
export const gemeenteCounterColumns: readonly ColumnDef[] = [
  col(
    'calls_with_offered_leg',
    'UInt64',
    "calls with an offered leg, in the window of the call's first offered leg",
  ),
  col(
    'calls_last_offered_answered',
    'UInt64',
    'of those, calls whose last offered leg was answered (end-to-end bereikbaarheid)',
  ),
  col('calls', 'UInt64', 'calls started (CALL_STARTED) with a known number; withheld numbers are left out'),
  col(
    'repeat_calls',
    'UInt64',
    'of those, calls from a caller who called the same gemeente in the 168 h before (herhaalbellers)',
  ),
  col('survey_answers', 'UInt64', 'satisfaction answers (klanttevredenheid), in the window of the answer'),
  col('survey_satisfied', 'UInt64', 'of those, answers with score 4 or 5'),
];

/**
 * The gemeente counters of legs and survey answers: those the owner of a partition counts alone.
 * Whether a call start is a repeat depends on other partitions' starts, so `calls` and
 * `repeat_calls` are counted from call_starts per hour instead (rollup-sql.ts).
 */
export const gemeenteLegCounterColumns: readonly ColumnDef[] = gemeenteCounterColumns.filter(
  (c) => c.name !== 'calls' && c.name !== 'repeat_calls',
);

/**
 * The gemeente counters as aggregates over call_starts rows (0 for the others): `calls` and
 * `repeat_calls` in the window of CALL_STARTED; a withheld number (is_repeat NULL) is in neither.
 */
export const callStartCounterSelect: readonly string[] = gemeenteCounterColumns.map((c) =>
  c.name === 'calls'
    ? 'toUInt64(countIf(isNotNull(is_repeat)))'
    : c.name === 'repeat_calls'
      ? 'toUInt64(countIf(ifNull(is_repeat, 0) = 1))'
      : 'toUInt64(0)',
);

/** Callback counters by the window of the request and of the completion. */
export const callbackCounterColumns: readonly ColumnDef[] = [
  col('requested', 'UInt64', 'terugbelverzoeken filed, in the window of the request'),
  col('completed', 'UInt64', 'callbacks completed (reached or not), in the window of the completion'),
  col('completed_reached', 'UInt64', 'of those, the caller was reached'),
];

/** Callback counters by due date (the 2nd werkdag after the request). */
export const callbackDueColumns: readonly ColumnDef[] = [
  col('due', 'UInt64', 'callbacks due on this date, completed or not'),
  col('completed_on_time', 'UInt64', 'of those, completed before the due moment (op tijd teruggebeld)'),
  col('completed_late', 'UInt64', 'of those, completed at or after the due moment'),
  col('not_completed', 'UInt64', 'of those, not completed (yet)'),
];

/** The distinct norm ids of grouped rollup rows, comma-separated (a GROUP BY expression). */
export const mergedNormIds =
  "arrayStringConcat(arraySort(arrayFilter(x -> x != '', groupUniqArrayArray(splitByChar(',', norm_id)))), ',')";

const rollupVersion = col(
  'version',
  'UInt64',
  'sum of the versions of the fact rows this row was computed from (tombstones included): more knowledge, higher version; a replay gives the same',
);
const normIds = col(
  'norm_id',
  'String',
  'the norm(s) the legs were judged by, comma-separated (normally one), e.g. vng-kwaliteitshandvest-25s',
);

const rollup = (
  name: string,
  keys: readonly ColumnDef[],
  counters: readonly ColumnDef[],
  window: string,
  options: { norm?: boolean; retention: boolean },
): TableDef => ({
  name,
  columns: [...keys, ...counters, ...(options.norm === true ? [normIds] : []), rollupVersion],
  engine: 'ReplacingMergeTree(version)',
  partitionBy: `toYYYYMM(${window})`,
  orderBy: `(${keys.map((k) => k.name).join(', ')})`,
  retention: options.retention,
});

const gemeente = col('gemeente', 'String', 'CBS municipality code (gemeentecode), e.g. GM0307');
const queue = col(
  'queue',
  'String',
  'queue id of the switch (wachtrij): kcc or a vakafdeling, e.g. belastingen',
);
const minute = col('minute', utc, 'start of the minute (UTC)');
const hour = col('hour', utc, 'start of the hour (UTC; local hours are whole UTC hours)');
const day = col('day', 'Date', 'local date in Europe/Amsterdam (a day has 23, 24 or 25 hours)');
const callbackQueue = col('queue', 'String', 'the queue the callback is owed to');
/** The last column of the fact tables whose minute rollups are kept per partition (added in schema version 3). */
export const factPartition = col(
  'kafka_partition',
  'UInt32',
  "the partition of the switch topic the call's events are read from: its minute rollup rows are kept per partition",
);
const partitionKey = col(
  'kafka_partition',
  'UInt32',
  'the partition of the switch topic whose facts this row counts: sum over partitions for the window',
);

/** Every table, in creation order. */
export const tables: readonly TableDef[] = [
  {
    name: 'call_events',
    columns: [
      col('event_id', 'String', 'eventId of the switch; a redelivery repeats it (deduplication key)'),
      col('type', enumOf(callEventTypes), 'event type, e.g. QUEUE_ENTERED'),
      col('occurred_at', utc, 'when it happened at the switch (event time, UTC)'),
      col('occurred_at_ms', 'UInt64', 'occurred_at in epoch milliseconds'),
      gemeente,
      col('call_id', 'String', "the call (gesprek); '' for a callback event outside a call"),
      col('leg_id', 'Nullable(String)', 'the leg: one visit of the call to one queue'),
      col('queue', 'Nullable(String)', 'queue id (wachtrij) on QUEUE_ENTERED and CALLBACK_REQUESTED'),
      col(
        'transferred_from_leg_id',
        'Nullable(String)',
        'on QUEUE_ENTERED: the answered leg an agent transferred from (doorverbinding)',
      ),
      col(
        'caller_key',
        'Nullable(String)',
        'keyed HMAC pseudonym of the caller number (never the number); NULL when withheld',
      ),
      col('dialled_number', 'Nullable(String)', 'the number dialled, e.g. 14033'),
      col('agent_id', 'Nullable(String)', 'on ANSWERED: the agent (medewerker)'),
      col('callback_id', 'String', "the terugbelverzoek; '' on call events"),
      col(
        'callback_outcome',
        `Nullable(${callbackOutcome})`,
        'on CALLBACK_COMPLETED: REACHED or NOT_REACHED',
      ),
      col('survey_score', 'Nullable(UInt8)', 'on SURVEY_ANSWERED: the score 1 to 5'),
      col('kafka_partition', 'UInt32', 'Kafka partition the event was read from'),
      col('kafka_offset', 'UInt64', 'Kafka offset the event was read from'),
      col('ingested_at', utc, 'when bereik stored the event (server clock)', 'now()'),
    ],
    engine: 'ReplacingMergeTree()',
    partitionBy: 'toYYYYMM(occurred_at)',
    orderBy: '(gemeente, callback_id, call_id, event_id)',
    retention: true,
  },
  {
    // The ledger is sorted by gemeente first, so asking it whether a late event's call has stored
    // events reads nearly every granule of it; sorted by call alone, in small granules, the same
    // question reads a few, and the days it answers narrow the ledger read that follows to the
    // parts of those days. Written before the ledger rows it indexes, dropped after them.
    name: 'ledger_calls',
    columns: [
      col('call_id', 'String', 'a call (gesprek) with call-state events in call_events'),
      col(
        'occurred_at',
        utc,
        'when one of those events happened: one row per call and UTC day with such events',
      ),
    ],
    engine: 'ReplacingMergeTree()',
    partitionBy: 'toYYYYMM(occurred_at)',
    orderBy: 'call_id',
    settings: 'index_granularity = 256',
    retention: true,
  },
  {
    name: 'leg_facts',
    columns: [
      col('leg_id', 'String', 'the leg: one visit of a call to one queue'),
      col('call_id', 'String', 'the call (gesprek) the leg belongs to'),
      gemeente,
      queue,
      col('entered_at', utc, "when the leg entered the queue: the leg's window (never changes)"),
      col('entered_at_ms', 'UInt64', 'entered_at in epoch milliseconds'),
      col(
        'outcome',
        legOutcome,
        'how the leg left the queue; a leg without outcome event counts as abandoned',
      ),
      col(
        'outcome_source',
        enumOf(['event', 'call_ended', 'call_timeout']),
        'where the outcome comes from: its own event, CALL_ENDED, or the call timeout',
      ),
      col('outcome_at', utc, 'when the leg left the queue'),
      col('outcome_at_ms', 'UInt64', 'outcome_at in epoch milliseconds'),
      col('wait_ms', 'UInt64', 'the wait (wachttijd) from entering the queue to the outcome, ms'),
      col(
        'category',
        legCategory,
        'offered (aangeboden), short_abandoned (< 5 s) or out_of_hours (buiten openingstijd)',
      ),
      col(
        'within_service_level',
        'UInt8',
        '1 when offered, answered and waited at most the norm (servicelevel)',
      ),
      col(
        'transferred_from_leg_id',
        'Nullable(String)',
        'the answered leg this one was transferred from; NULL for a first leg',
      ),
      col('transferred_out', 'UInt8', '1 when answered and an agent transferred the call on (doorverbonden)'),
      col('agent_id', 'Nullable(String)', 'the agent who answered'),
      col('norm_id', 'String', 'the norm the leg was judged by, e.g. vng-kwaliteitshandvest-25s'),
      col(
        'first_offered_in_call',
        'UInt8',
        "1 on the call's first offered leg: the call counts here for end-to-end bereikbaarheid",
      ),
      col(
        'call_last_offered_answered',
        'UInt8',
        "on the first offered leg: 1 when the call's last offered leg was answered",
      ),
      col('is_deleted', 'UInt8', 'tombstone: 1 when a correction removed this leg; leave such rows out'),
      col(
        'version',
        'UInt32',
        "number of distinct events the call's facts were computed from: a correction has a higher version",
      ),
      factPartition,
    ],
    engine: 'ReplacingMergeTree(version)',
    partitionBy: 'toYYYYMM(entered_at)',
    orderBy: '(gemeente, queue, entered_at, call_id, leg_id)',
    retention: true,
  },
  {
    name: 'call_facts',
    columns: [
      col('call_id', 'String', 'the call (gesprek)'),
      gemeente,
      col('started_at', `Nullable(${utc})`, 'CALL_STARTED; NULL when that event never arrived'),
      col('started_at_ms', 'Nullable(UInt64)', 'started_at in epoch milliseconds'),
      col('ended_at', utc, 'CALL_ENDED, or the call timeout moment when the call never ended'),
      col('ended_at_ms', 'UInt64', 'ended_at in epoch milliseconds'),
      col(
        'end_source',
        enumOf(['call_ended', 'call_timeout']),
        'whether the call ended by CALL_ENDED or by the call timeout',
      ),
      col('caller_key', 'Nullable(String)', 'keyed HMAC pseudonym of the caller number; NULL when withheld'),
      col('dialled_number', 'Nullable(String)', 'the number dialled, e.g. 14033'),
      col('legs', 'UInt16', 'legs of the call'),
      col('offered_legs', 'UInt16', 'offered legs of the call'),
      col(
        'first_offered_at',
        `Nullable(${utc})`,
        "when the call's first offered leg entered its queue: the end-to-end window",
      ),
      col('first_offered_at_ms', 'Nullable(UInt64)', 'first_offered_at in epoch milliseconds'),
      col(
        'last_offered_answered',
        'Nullable(UInt8)',
        "1 when the call's last offered leg was answered; NULL without offered legs",
      ),
      col(
        'version',
        'UInt32',
        'number of distinct events the facts were computed from: take argMax(..., version) per call_id',
      ),
    ],
    engine: 'ReplacingMergeTree(version)',
    partitionBy: 'toYYYYMM(ended_at)',
    orderBy: '(gemeente, call_id)',
    retention: true,
  },
  {
    name: 'call_starts',
    columns: [
      col('call_id', 'String', 'the call (gesprek)'),
      gemeente,
      col('started_at', utc, 'CALL_STARTED: the window of the repeat rate (never changes)'),
      col('started_at_ms', 'UInt64', 'started_at in epoch milliseconds'),
      col('caller_key', 'Nullable(String)', 'keyed HMAC pseudonym of the caller number; NULL when withheld'),
      col(
        'is_repeat',
        'Nullable(UInt8)',
        '1 when the caller started another call to the gemeente in the 168 h before (herhaalbeller); NULL when withheld',
      ),
      col(
        'version',
        'UInt32',
        '1 = first call, 2 = repeat: a late earlier call can turn a call into a repeat',
      ),
    ],
    engine: 'ReplacingMergeTree(version)',
    partitionBy: 'toYYYYMM(started_at)',
    orderBy: '(gemeente, started_at, call_id)',
    retention: true,
  },
  {
    name: 'survey_answers',
    columns: [
      col('event_id', 'String', 'eventId of the SURVEY_ANSWERED event'),
      col('call_id', 'String', 'the call the answer is about'),
      gemeente,
      col('answered_at', utc, 'when the caller answered: the window of satisfaction'),
      col('answered_at_ms', 'UInt64', 'answered_at in epoch milliseconds'),
      col('score', 'UInt8', 'the score, 1 to 5'),
      col('satisfied', 'UInt8', '1 for score 4 or 5 (tevreden)'),
      factPartition,
    ],
    engine: 'ReplacingMergeTree()',
    partitionBy: 'toYYYYMM(answered_at)',
    orderBy: '(gemeente, answered_at, event_id)',
    retention: true,
  },
  {
    name: 'callback_facts',
    columns: [
      col('callback_id', 'String', 'the terugbelverzoek (callback request)'),
      gemeente,
      col('queue', 'Nullable(String)', 'the queue the callback is owed to; NULL until the request is known'),
      col('call_id', 'Nullable(String)', 'the call during which it was filed, if any'),
      col('requested_at', `Nullable(${utc})`, 'CALLBACK_REQUESTED; NULL until it arrived'),
      col('requested_at_ms', 'Nullable(UInt64)', 'requested_at in epoch milliseconds'),
      col(
        'due_at',
        `Nullable(${utc})`,
        'due moment: the end (24:00 Europe/Amsterdam) of the 2nd werkdag after the request date',
      ),
      col('due_at_ms', 'Nullable(UInt64)', 'due_at in epoch milliseconds'),
      col('due_date', 'Nullable(Date)', 'the due date (uiterste datum): the werkdag whose end is due_at'),
      col('completed_at', `Nullable(${utc})`, 'CALLBACK_COMPLETED; NULL while open'),
      col('completed_at_ms', 'Nullable(UInt64)', 'completed_at in epoch milliseconds'),
      col('outcome', `Nullable(${callbackOutcome})`, 'REACHED or NOT_REACHED'),
      col(
        'on_time',
        'Nullable(UInt8)',
        '1 when completed before the due moment (op tijd); NULL while either side is unknown',
      ),
      col(
        'earlier_due_dates',
        'Array(Date)',
        'due dates earlier versions had (a changed work calendar moved it); rollups only',
      ),
      col(
        'first_event_at',
        utc,
        'requested_at, or completed_at while the request is unknown: the partition (may move: use argMax)',
      ),
      col(
        'version',
        'UInt32',
        '1 = request known, 2 = completion known, 3 = both: take argMax(..., version) per callback_id',
      ),
    ],
    engine: 'ReplacingMergeTree(version)',
    partitionBy: 'toYYYYMM(first_event_at)',
    orderBy: '(gemeente, callback_id)',
    retention: true,
  },
  rollup('queue_partition_minute', [gemeente, queue, minute, partitionKey], legCounterColumns, 'minute', {
    norm: true,
    retention: true,
  }),
  rollup('queue_hour', [gemeente, queue, hour], legCounterColumns, 'hour', { norm: true, retention: false }),
  rollup('queue_day', [gemeente, queue, day], legCounterColumns, 'day', { norm: true, retention: false }),
  rollup('gemeente_partition_minute', [gemeente, minute, partitionKey], gemeenteLegCounterColumns, 'minute', {
    retention: true,
  }),
  rollup('gemeente_hour', [gemeente, hour], gemeenteCounterColumns, 'hour', { retention: false }),
  rollup('gemeente_day', [gemeente, day], gemeenteCounterColumns, 'day', { retention: false }),
  rollup('callback_minute', [gemeente, callbackQueue, minute], callbackCounterColumns, 'minute', {
    retention: true,
  }),
  rollup('callback_day', [gemeente, callbackQueue, day], callbackCounterColumns, 'day', { retention: false }),
  rollup(
    'callback_due_day',
    [gemeente, callbackQueue, col('due_date', 'Date', 'the due date (2nd werkdag after the request), local')],
    callbackDueColumns,
    'due_date',
    { retention: false },
  ),
  {
    name: 'processor_progress',
    columns: [
      col('consumer_group', 'String', 'the Kafka consumer group of the processor'),
      col(
        'watermark_ms',
        'UInt64',
        'event-time watermark (epoch ms) after the last acknowledged batch; it never goes back',
      ),
      col('updated_at', utc, 'when it was written (server clock)', 'now()'),
    ],
    engine: 'ReplacingMergeTree(watermark_ms)',
    orderBy: 'consumer_group',
    retention: false,
  },
  {
    name: 'partition_progress',
    columns: [
      col('consumer_group', 'String', 'the Kafka consumer group of the processor'),
      col('topic', 'String', 'the switch topic'),
      col('kafka_partition', 'UInt32', 'the partition of the switch topic'),
      col(
        'watermark_ms',
        'UInt64',
        "the partition's event time (epoch ms, the latest event time read from it) after an acknowledged batch of the processor that owned it: its calls ending before this minus the lateness are final",
      ),
      col('updated_at', utc, 'when it was written (server clock)', 'now()'),
    ],
    engine: 'ReplacingMergeTree(watermark_ms)',
    orderBy: '(consumer_group, topic, kafka_partition)',
    retention: false,
  },
  {
    name: 'streefcijfers',
    columns: [
      col('year', 'UInt16', 'the calendar year (Europe/Amsterdam) the streefcijfer applies to'),
      gemeente,
      col('queue', 'String', "the queue id, or '' for the gemeente as a whole"),
      col(
        'metric',
        'String',
        'reachability, service_level, first_line_resolution, callbacks_on_time, end_to_end_reachability, repeat_rate or satisfaction',
      ),
      col(
        'target',
        'Nullable(Float64)',
        'the streefcijfer as a fraction (0.9 = 90%); NULL when none is configured',
      ),
      col('updated_at', utc, 'when bereik wrote it from its configuration', 'now()'),
    ],
    engine: 'ReplacingMergeTree()',
    orderBy: '(year, gemeente, queue, metric)',
    retention: false,
  },
  {
    name: 'queues',
    columns: [
      gemeente,
      col('gemeente_name', 'String', 'name of the gemeente, e.g. Amersfoort'),
      queue,
      col('queue_name', 'String', 'display name of the queue, e.g. Belastingen'),
      col(
        'kind',
        enumOf(['kcc', 'vakafdeling']),
        'kcc (first line, klantcontactcentrum) or vakafdeling (second line)',
      ),
      col('updated_at', utc, 'when bereik wrote it from its configuration', 'now()'),
    ],
    engine: 'ReplacingMergeTree()',
    orderBy: '(gemeente, queue)',
    retention: false,
  },
  {
    name: 'schema_version',
    columns: [
      col('version', 'UInt32', 'a schema version bereik applied (tables and views)'),
      col('applied_at', utc, 'when it was applied (server clock)', 'now()'),
    ],
    engine: 'MergeTree()',
    orderBy: 'version',
    retention: false,
  },
];

const insertedColumnsByTable = new Map(
  tables.map((t) => [t.name, t.columns.filter((c) => c.default === undefined)]),
);

/** The columns an insert into `table` names, in table order: all but those with a DEFAULT. */
export function insertedColumns(table: string): readonly ColumnDef[] {
  const columns = insertedColumnsByTable.get(table);
  if (columns === undefined) throw new TypeError(`bereik has no table ${table}`);
  return columns;
}
