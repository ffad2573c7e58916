/**
 * Reads one gemeente's yearly report from bereik's ClickHouse views: the KPI rows of the compared
 * years (kpi_per_jaar), the queues' and the gemeente's months (bereikbaarheid_per_maand,
 * gemeente_per_maand, terugbellen_op_tijd_per_maand), the answered legs by wait (current_legs) and
 * the streefcijfers of the report year. Every figure is a count the views hold; nothing is derived
 * here but the grouping into the report's shape.
 *
 * In: a function that runs SQL and returns JSON rows (the CLI passes ClickHouse's client), the
 * database, gemeente, year and norm. Out: a GemeenteReport.
 */
import { BereikError } from '../errors.ts';
import { KPI_METRIC_NAMES, REPORT_KPIS, reportKpis, type ReportKpi } from '../domain/kpi.ts';
import type {
  GemeenteMonth,
  GemeenteReport,
  KpiFigure,
  KpiTableRow,
  QueueMonth,
  QueueYear,
  ReportNorm,
  WaitBucket,
} from './model.ts';

/** Runs one SELECT and returns its rows (JSONEachRow, 64-bit integers as numbers). */
export type RunQuery = (sql: string) => Promise<Record<string, unknown>[]>;

export interface ReportRequest {
  readonly database: string;
  /** CBS code, GM + 4 digits. */
  readonly gemeente: string;
  readonly year: number;
  /** How many years the KPI table shows, ending with `year` (1 = the report year only). */
  readonly compareYears: number;
  readonly norm: ReportNorm;
  /** When the report is made (epoch ms), printed on it. */
  readonly nowMs: number;
}

/** The report cannot be made as asked (an unknown gemeente): says what there is instead. */
export class ReportInputError extends BereikError {
  readonly code = 'REPORT_INPUT';
  override readonly name = 'ReportInputError';

  constructor(message: string) {
    super(message, { canRetry: false });
  }
}

/** Wait bounds of the histogram, seconds; the norm's service-level bound is added. */
const WAIT_BOUNDS_SECONDS = [10, 20, 30, 60, 120, 300];

const kpiByMetricName: Readonly<Record<string, ReportKpi>> = Object.fromEntries(
  reportKpis.map((kpi) => [KPI_METRIC_NAMES[kpi], kpi]),
);

const num = (value: unknown): number => Number(value ?? 0);
const str = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
const nullableNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** The gemeenten the database knows (the configuration mirror), by code. */
export async function reportableGemeenten(
  run: RunQuery,
  database: string,
): Promise<{ code: string; name: string }[]> {
  const rows = await fromBereikDatabase(
    run,
    database,
    `SELECT gemeente, any(gemeente_name) AS name FROM ${identifier(database)}.queues FINAL GROUP BY gemeente ORDER BY gemeente`,
  );
  return rows.map((r) => ({ code: str(r['gemeente']), name: str(r['name']) }));
}

/**
 * Runs the report's first query; a database or table that is not there (ClickHouse 18.16 says
 * "doesn't exist", current versions UNKNOWN_DATABASE / UNKNOWN_TABLE) means bereik never wrote it.
 */
async function fromBereikDatabase(
  run: RunQuery,
  database: string,
  sql: string,
): Promise<Record<string, unknown>[]> {
  try {
    return await run(sql);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/doesn't exist|UNKNOWN_DATABASE|UNKNOWN_TABLE/.test(message))
      throw new ReportInputError(
        `database ${database} holds no bereik tables: check clickhouse.database in the configuration, or run \`bereik run\` with it first.`,
      );
    throw error;
  }
}

export async function readGemeenteReport(run: RunQuery, request: ReportRequest): Promise<GemeenteReport> {
  const { year, gemeente } = request;
  if (!/^GM\d{4}$/.test(gemeente))
    throw new ReportInputError(`"${gemeente}" is not a gemeente code: give its CBS code, e.g. GM0307.`);
  const db = identifier(request.database);
  const where = `gemeente = '${gemeente}'`;
  const queueRows = await fromBereikDatabase(
    run,
    request.database,
    `SELECT queue, queue_name, toString(kind) AS kind, gemeente_name FROM ${db}.queues FINAL WHERE ${where} ORDER BY queue`,
  );
  if (queueRows.length === 0) {
    const known = (await reportableGemeenten(run, request.database)).map((g) => g.code);
    throw new ReportInputError(
      `gemeente ${gemeente} is not in database ${request.database}: ` +
        (known.length === 0
          ? 'it has no gemeenten yet (run `bereik run` with the configuration once).'
          : `use one of ${known.join(', ')}.`),
    );
  }
  const firstYear = year - request.compareYears + 1;
  const [kpiRows, queueMonths, gemeenteMonths, callbackMonths, waits, targets, clock] = await Promise.all([
    run(`SELECT * FROM ${db}.kpi_per_jaar WHERE ${where} AND year BETWEEN ${firstYear} AND ${year}`),
    run(`SELECT * FROM ${db}.bereikbaarheid_per_maand WHERE ${where} AND toYear(month) = ${year}`),
    run(`SELECT * FROM ${db}.gemeente_per_maand WHERE ${where} AND toYear(month) = ${year}`),
    run(
      `SELECT month, sum(due) AS due, sum(judged) AS judged, sum(completed_on_time) AS on_time
       FROM ${db}.terugbellen_op_tijd_per_maand WHERE ${where} AND toYear(month) = ${year} GROUP BY month`,
    ),
    run(waitBucketsSql(db, where, year, waitBounds(request.norm))),
    // The year's own rows, else the defaults' (year 0), as kpi_per_jaar takes them.
    run(
      `SELECT queue, metric, target FROM ${db}.streefcijfers FINAL WHERE ${where} AND year IN (0, ${year}) ORDER BY year DESC`,
    ),
    run(`SELECT toString(toDate(now(), 'Europe/Amsterdam')) AS today`),
  ]);
  const target = (queue: string, metric: string) =>
    nullableNumber(targets.find((t) => t['queue'] === queue && t['metric'] === metric)?.['target']);
  const months = monthsOf(year);
  const bounds = waitBounds(request.norm);
  const queues: QueueYear[] = queueRows
    .map((q) => ({
      queue: str(q['queue']),
      queueName: str(q['queue_name']),
      kind: str(q['kind']) === 'kcc' ? ('kcc' as const) : ('vakafdeling' as const),
      months: months.map((month) =>
        queueMonth(
          month,
          queueMonths.find((r) => r['queue'] === q['queue'] && str(r['month']).startsWith(month)),
        ),
      ),
      reachabilityTarget: target(str(q['queue']), 'reachability'),
      waitBuckets: bounds.map((upTo, i): WaitBucket => ({
        upToSeconds: upTo,
        answered: num(waits.find((w) => w['queue'] === q['queue'] && num(w['bucket']) === i)?.['answered']),
      })),
    }))
    .sort((a, b) =>
      a.kind === b.kind ? a.queueName.localeCompare(b.queueName, 'nl') : a.kind === 'kcc' ? -1 : 1,
    );
  return {
    gemeente: { code: gemeente, name: str(queueRows[0]?.['gemeente_name']) },
    year,
    years: Array.from({ length: request.compareYears }, (_, i) => firstYear + i),
    generatedAt: new Date(request.nowMs).toISOString(),
    yearComplete: str(clock[0]?.['today']) > `${year}-12-31`,
    norm: request.norm,
    kpiTable: kpiTable(str(queueRows[0]?.['gemeente_name']), kpiRows, queues, firstYear, year),
    queues,
    months: months.map((month) =>
      gemeenteMonth(
        month,
        gemeenteMonths.find((r) => str(r['month']).startsWith(month)),
        callbackMonths.find((r) => str(r['month']).startsWith(month)),
      ),
    ),
    callbacksOnTimeTarget: target('', 'callbacks_on_time'),
  };
}

function kpiTable(
  gemeenteName: string,
  rows: readonly Record<string, unknown>[],
  queues: readonly QueueYear[],
  firstYear: number,
  year: number,
): KpiTableRow[] {
  // Gemeente-wide rows first, then the KCC, then the vakafdelingen (the order of `queues`).
  const scopes = [
    { queue: '', name: gemeenteName },
    ...queues.map((q) => ({ queue: q.queue, name: q.queueName })),
  ];
  const table: KpiTableRow[] = [];
  for (const kpi of reportKpis) {
    for (const scope of scopes) {
      const mine = rows.filter(
        (r) => r['queue'] === scope.queue && kpiByMetricName[str(r['metric'])] === kpi,
      );
      if (mine.length === 0) continue;
      const first = mine[0];
      table.push({
        kpi,
        queue: scope.queue === '' ? null : scope.queue,
        queueName: scope.name,
        scope: str(first?.['kind']) as KpiTableRow['scope'],
        direction: REPORT_KPIS[kpi],
        normId: mine.map((r) => str(r['norm_id'])).find((n) => n !== '') ?? null,
        years: Array.from({ length: year - firstYear + 1 }, (_, i) => {
          const row = mine.find((r) => num(r['year']) === firstYear + i);
          return { year: firstYear + i, figure: row === undefined ? null : kpiFigure(row) };
        }),
      });
    }
  }
  return table;
}

function kpiFigure(row: Record<string, unknown>): KpiFigure {
  const gehaald = nullableNumber(row['gehaald']);
  return {
    numerator: num(row['numerator']),
    denominator: num(row['denominator']),
    realisatie: nullableNumber(row['realisatie']),
    streefcijfer: nullableNumber(row['streefcijfer']),
    gehaald: gehaald === null ? null : gehaald === 1,
    complete: num(row['complete']) === 1,
  };
}

function queueMonth(month: string, row: Record<string, unknown> | undefined): QueueMonth {
  return {
    month,
    offered: num(row?.['offered']),
    answered: num(row?.['answered']),
    answeredWithinSl: num(row?.['answered_within_sl']),
    abandoned: num(row?.['abandoned']),
    timedOut: num(row?.['timed_out']),
    shortAbandoned: num(row?.['short_abandoned']),
    outOfHours: num(row?.['out_of_hours']),
    transferredOut: num(row?.['transferred_out']),
    offeredFromTransfer: num(row?.['offered_from_transfer']),
    answeredFromTransfer: num(row?.['answered_from_transfer']),
    answeredWaitMsSum: num(row?.['answered_wait_ms_sum']),
  };
}

function gemeenteMonth(
  month: string,
  row: Record<string, unknown> | undefined,
  callbacks: Record<string, unknown> | undefined,
): GemeenteMonth {
  return {
    month,
    callsWithOfferedLeg: num(row?.['calls_with_offered_leg']),
    callsLastOfferedAnswered: num(row?.['calls_last_offered_answered']),
    calls: num(row?.['calls']),
    repeatCalls: num(row?.['repeat_calls']),
    surveyAnswers: num(row?.['survey_answers']),
    surveySatisfied: num(row?.['survey_satisfied']),
    callbacksDue: num(callbacks?.['due']),
    callbacksJudged: num(callbacks?.['judged']),
    callbacksOnTime: num(callbacks?.['on_time']),
  };
}

/** The histogram's upper bounds in seconds, the norm's service-level bound among them, then the open bucket. */
export function waitBounds(norm: ReportNorm): (number | null)[] {
  const bounds = [...new Set([...WAIT_BOUNDS_SECONDS, norm.serviceLevelWithinSeconds])].sort((a, b) => a - b);
  return [...bounds, null];
}

/** Answered offered legs of the year per queue and bucket index (a wait of exactly a bound is in its bucket). */
function waitBucketsSql(db: string, where: string, year: number, bounds: readonly (number | null)[]): string {
  const closed = bounds.filter((b): b is number => b !== null);
  const bucket = `multiIf(${closed.map((b, i) => `wait_ms <= ${b * 1000}, ${i}`).join(', ')}, ${closed.length})`;
  return `SELECT queue, ${bucket} AS bucket, count() AS answered
FROM ${db}.current_legs
WHERE ${where} AND category = 'offered' AND outcome = 'answered'
  AND toYear(toDate(entered_at, 'Europe/Amsterdam')) = ${year}
GROUP BY queue, bucket`;
}

function monthsOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new ReportInputError(`"${name}" is not a ClickHouse database name bereik writes.`);
  return name;
}
