/** Table panels: one row per queue (Prometheus) or per period and queue (ClickHouse). */
import { columnOverrides, type Column } from './field-config.ts';
import { clickhouse, prometheus } from './datasources.ts';
import type { FieldConfig, JsonObject, Transformation } from './model.ts';
import { panel, type PanelBase, type PanelSpec } from './panels.ts';
import { clickhouseTargets, prometheusTargets, refId } from './targets.ts';

const tableFieldConfig = (columns: readonly Column[]): FieldConfig => ({
  defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' } } },
  overrides: columnOverrides(columns),
});

const tableOptions: JsonObject = {
  showHeader: true,
  cellHeight: 'sm',
  footer: { show: false, reducer: ['sum'], fields: '' },
};

export interface PrometheusTableSpec extends PanelBase {
  /** The heading of the queue display name column. */
  readonly nameColumn: string;
  /** One instant query per column, by gemeente and queue with `queue_name` (see withQueueName). */
  readonly columns: readonly (Column & { readonly expr: string })[];
  readonly sortBy: { readonly column: string; readonly desc: boolean };
}

/**
 * Joins the columns' queries per queue: merge on the common labels, hide the label columns but
 * the display name, rename the `Value #<refId>` columns, and sort.
 */
function joinPerQueue(spec: PrometheusTableSpec): Transformation[] {
  const renames: Record<string, string> = { queue_name: spec.nameColumn };
  const order: Record<string, number> = { queue_name: 0 };
  spec.columns.forEach((c, i) => {
    renames[`Value #${refId(i)}`] = c.name;
    order[`Value #${refId(i)}`] = i + 1;
  });
  return [
    { id: 'merge', options: {} },
    {
      id: 'organize',
      options: {
        excludeByName: { Time: true, gemeente: true, queue: true },
        indexByName: order,
        renameByName: renames,
      },
    },
    { id: 'sortBy', options: { fields: {}, sort: [{ field: spec.sortBy.column, desc: spec.sortBy.desc }] } },
  ];
}

/** A table of several instant Prometheus queries, one column each, joined per queue. */
export function prometheusTable(spec: PrometheusTableSpec): PanelSpec {
  return panel(spec, {
    type: 'table',
    datasource: prometheus.ref,
    targets: prometheusTargets(
      spec.columns.map((c) => ({ expr: c.expr })),
      'table',
    ),
    fieldConfig: tableFieldConfig(spec.columns),
    options: tableOptions,
    transformations: joinPerQueue(spec),
  });
}

export interface SqlTableSpec extends PanelBase {
  readonly sql: string;
  /** The columns that need a unit or colours; the others show as the query returns them. */
  readonly columns: readonly Column[];
}

/** A ClickHouse table with units and colours for some columns. */
export function sqlTable(spec: SqlTableSpec): PanelSpec {
  return panel(spec, {
    type: 'table',
    datasource: clickhouse.ref,
    targets: clickhouseTargets(spec.sql, 'table'),
    fieldConfig: tableFieldConfig(spec.columns),
    options: tableOptions,
  });
}
