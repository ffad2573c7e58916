/**
 * Fragments of the ClickHouse queries. They read the analyst views (docs/clickhouse.md) through
 * the grafana-clickhouse-datasource macros `$__fromTime` / `$__toTime` only, in SQL that runs on
 * ClickHouse 18.16 and current versions alike (18.16 lacks what `$__timeInterval` expands to).
 */

/**
 * The local date range of the dashboard's time range: the views' `day` columns are Dutch dates,
 * while the macros give instants.
 */
export const fromDay = "toDate($__fromTime, 'Europe/Amsterdam')";
export const toDay = "toDate($__toTime, 'Europe/Amsterdam')";
export const inRange = (column: string) => `${column} >= ${fromDay} AND ${column} <= ${toDay}`;

/** The chosen gemeente and queues (`queue` is a multi-value variable, hence the quoted list). */
export const queueFilter = "gemeente = '$gemeente' AND queue IN (${queue:singlequote})";

/** The chosen queues and the rows of the gemeente as a whole (`queue = ''`, kpi_per_jaar). */
export const queueOrGemeenteFilter =
  "gemeente = '$gemeente' AND (queue IN (${queue:singlequote}) OR queue = '')";

/** Joins the queues' display names; `FINAL` because bereik rewrites `queues` (a ReplacingMergeTree) from its configuration. */
export const queueNames =
  'LEFT JOIN (SELECT gemeente, queue, queue_name FROM queues FINAL) AS namen USING (gemeente, queue)';

/** A local date as the instant of its local midnight (for time series). */
export const localMidnight = (column: string) => `toDateTime(${column}, 'Europe/Amsterdam')`;
