/**
 * kpi_per_jaar and kpi_per_maand: one row per period, gemeente, queue (or the gemeente as a whole,
 * queue '') and KPI, with numerator, denominator, realisatie, streefcijfer and gehaald, the names
 * analysts print, and whether the period is complete. The seeds' KPI tables are these rows.
 *
 * The counts come from the day rollups (read with FINAL) and are summed before dividing. Callbacks
 * count by due date; the ones still open whose due moment (end of the due date, Amsterdam time)
 * has not passed are left out of the denominator until it passes, so they are neither on time nor
 * late yet. "Now" and "complete" are the server clock in Europe/Amsterdam. A year without
 * streefcijfer rows of its own (a backfill older than the retention) takes the defaults' rows.
 */
import { DEFAULT_TARGETS_YEAR } from '../../config/targets.ts';
import { KPI_METRIC_NAMES, KPI_SCOPES, REPORT_KPIS, type ReportKpi } from '../../domain/kpi.ts';
import { sqlString } from './sql-literals.ts';
import { mergedNormIds } from './tables.ts';

/** Today in Amsterdam: a callback due today is still open until midnight. */
export const localToday = "toDate(now(), 'Europe/Amsterdam')";

/** Open callbacks of a callback_due_day row whose due moment has not passed (0 once it has). */
export const stillOpenCallbacks = `if(due_date >= ${localToday}, not_completed, 0)`;

const metric = (kpi: ReportKpi) => sqlString(KPI_METRIC_NAMES[kpi]);
const lowerIsBetter = (Object.keys(REPORT_KPIS) as ReportKpi[])
  .filter((kpi) => REPORT_KPIS[kpi] === 'lower')
  .map(metric)
  .join(', ');
/** KPIs reported only for a KCC queue among the queues (first-line resolution). */
const kccOnly = (Object.keys(KPI_SCOPES) as ReportKpi[])
  .filter((kpi) => !KPI_SCOPES[kpi].includes('vakafdeling') && KPI_SCOPES[kpi].includes('kcc'))
  .map(metric)
  .join(', ');

/** How a view groups: the period column and its expression over a Date column. */
interface Period {
  readonly column: string;
  readonly of: (dateColumn: string) => string;
  /** True once the period has ended, in Amsterdam time. */
  readonly complete: string;
  /** The `year` column (for the streefcijfer) when the period is not the year itself. */
  readonly year?: string;
}

/** The rows `(period, gemeente, queue, metric, numerator, denominator, norm_id)`; `queue` '' = gemeente-wide. */
function realisedRows(period: Period, db: string): string {
  const legs = (queue: string, groupBy: string) =>
    `SELECT ${period.of('day')} AS period, gemeente, ${queue} AS queue,
       sum(answered) AS answered, sum(offered) AS offered, sum(answered_within_sl) AS within_sl,
       sum(transferred_out) AS transferred_out, ${mergedNormIds} AS norm_id
     FROM ${db}.queue_day FINAL GROUP BY ${groupBy}`;
  const legKpis = (queue: string, groupBy: string) =>
    `SELECT period, gemeente, queue, m.1 AS metric, m.2 AS numerator, m.3 AS denominator, m.4 AS norm_id
     FROM (SELECT period, gemeente, queue,
                  arrayJoin([(${metric('reachability')}, answered, offered, norm_id),
                             (${metric('serviceLevel')}, within_sl, offered, norm_id),
                             (${metric('firstLineResolution')}, toUInt64(answered - transferred_out), answered, '')]) AS m
           FROM (${legs(queue, groupBy)}))`;
  const callbacks = (queue: string, groupBy: string) =>
    `SELECT ${period.of('due_date')} AS period, gemeente, ${queue} AS queue, ${metric('callbacksOnTime')} AS metric,
       sum(completed_on_time) AS numerator, toUInt64(sum(due) - sum(${stillOpenCallbacks})) AS denominator,
       '' AS norm_id
     FROM ${db}.callback_due_day FINAL GROUP BY ${groupBy}`;
  const gemeenteKpis = `SELECT period, gemeente, '' AS queue, m.1 AS metric, m.2 AS numerator, m.3 AS denominator, '' AS norm_id
     FROM (SELECT period, gemeente,
                  arrayJoin([(${metric('endToEndReachability')}, e2e_answered, e2e_calls),
                             (${metric('repeatRate')}, repeat_calls, calls),
                             (${metric('satisfaction')}, satisfied, answers)]) AS m
           FROM (SELECT ${period.of('day')} AS period, gemeente, sum(calls_with_offered_leg) AS e2e_calls,
                        sum(calls_last_offered_answered) AS e2e_answered, sum(calls) AS calls,
                        sum(repeat_calls) AS repeat_calls, sum(survey_answers) AS answers,
                        sum(survey_satisfied) AS satisfied
                 FROM ${db}.gemeente_day FINAL GROUP BY period, gemeente))`;
  return [
    legKpis('queue', 'period, gemeente, queue'),
    // First-line resolution is a KCC figure: a gemeente-wide row would mix in the vakafdelingen.
    `SELECT * FROM (${legKpis("''", 'period, gemeente')}) WHERE metric NOT IN (${kccOnly})`,
    callbacks('queue', 'period, gemeente, queue'),
    callbacks("''", 'period, gemeente'),
    gemeenteKpis,
  ].join('\nUNION ALL\n');
}

/** Gemeente and queue names and the scope of each row key, from the configuration mirror. */
const names = (db: string) =>
  `SELECT gemeente, queue, any(gemeente_name) AS gemeente_name, any(queue_name) AS queue_name, toString(any(kind)) AS kind
   FROM ${db}.queues FINAL GROUP BY gemeente, queue
   UNION ALL
   SELECT gemeente, '' AS queue, any(gemeente_name) AS gemeente_name, 'hele gemeente' AS queue_name, 'gemeente' AS kind
   FROM ${db}.queues FINAL GROUP BY gemeente`;

function kpiView(name: string, period: Period): { name: string; select: string } {
  const db = '{db}';
  return {
    name,
    select: `SELECT ${period.column}, gemeente, gemeente_name, queue, queue_name, kind, metric, numerator, denominator,
       if(denominator = 0, NULL, numerator / denominator) AS realisatie,
       round(100 * realisatie, 1) AS realisatie_pct,
       if(has_year_target = 1, year_target, default_target) AS streefcijfer,
       round(100 * streefcijfer, 1) AS streefcijfer_pct,
       if(metric IN (${lowerIsBetter}), 'lower', 'higher') AS better,
       if(isNull(realisatie) OR isNull(streefcijfer), NULL,
          toUInt8(if(metric IN (${lowerIsBetter}), realisatie <= streefcijfer, realisatie >= streefcijfer))) AS gehaald,
       if(norm_id = '', NULL, norm_id) AS norm_id,
       toUInt8(${period.complete}) AS complete
FROM (SELECT *
      FROM (SELECT period AS ${period.column},${period.year === undefined ? '' : ` ${period.year} AS year,`} gemeente, gemeente_name, queue, queue_name, kind, metric, numerator, denominator, norm_id
            FROM (${realisedRows(period, db)}) AS realised
            ANY LEFT JOIN (${names(db)}) AS named USING (gemeente, queue)
            WHERE NOT (metric IN (${kccOnly}) AND kind != 'kcc')) AS rows
      ANY LEFT JOIN (SELECT year, gemeente, queue, metric, target AS year_target, toUInt8(1) AS has_year_target
                     FROM ${db}.streefcijfers FINAL WHERE year != ${DEFAULT_TARGETS_YEAR}) AS streef
      USING (year, gemeente, queue, metric)) AS with_year_targets
ANY LEFT JOIN (SELECT gemeente, queue, metric, target AS default_target
               FROM ${db}.streefcijfers FINAL WHERE year = ${DEFAULT_TARGETS_YEAR}) AS standaard
USING (gemeente, queue, metric)`,
  };
}

export const kpiPerJaar = kpiView('kpi_per_jaar', {
  column: 'year',
  of: (date) => `toUInt16(toYear(${date}))`,
  complete: `toUInt16(toYear(${localToday})) > year`,
});

export const kpiPerMaand = kpiView('kpi_per_maand', {
  column: 'month',
  of: (date) => `toStartOfMonth(${date})`,
  complete: `toStartOfMonth(${localToday}) > month`,
  year: 'toUInt16(toYear(period))',
});
