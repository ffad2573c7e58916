/** The queries (targets) of a panel, for either datasource. */
import { clickhouse, prometheus } from './datasources.ts';
import type { ClickHouseTarget, PrometheusTarget } from './model.ts';

/** A PromQL query and its series name (`{{label}}` placeholders allowed). */
export interface PromQuery {
  readonly expr: string;
  /** Grafana's automatic name when absent. */
  readonly legend?: string | undefined;
}

/**
 * `range` for time series; `instant` for one value per series (stat, bar gauge); `table` for an
 * instant query whose columns a table joins (one `Value #<refId>` column per query).
 */
export type PromQueryMode = 'range' | 'instant' | 'table';

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Grafana's refIds: A, B, C, ... in query order. */
export const refId = (i: number) => refIds[i] ?? `Q${i}`;

export function prometheusTargets(queries: readonly PromQuery[], mode: PromQueryMode): PrometheusTarget[] {
  return queries.map((q, i) => ({
    refId: refId(i),
    datasource: { ...prometheus.ref },
    editorMode: 'code',
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    range: mode === 'range',
    instant: mode !== 'range',
    ...(mode === 'table' ? { format: 'table' } : {}),
  }));
}

/** One SQL query, shaped as the plugin's time series (time column first) or as a table. */
export function clickhouseTargets(sql: string, format: 'timeseries' | 'table'): ClickHouseTarget[] {
  return [
    {
      refId: refId(0),
      datasource: { ...clickhouse.ref },
      pluginVersion: clickhouse.pluginVersion,
      editorType: 'sql',
      format: format === 'timeseries' ? 0 : 1,
      queryType: format,
      rawSql: sql,
    },
  ];
}
