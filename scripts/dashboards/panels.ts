/**
 * One factory per kind of panel. Each fixes what all panels of its kind share on bereik's
 * dashboards (display options, query mode), so a dashboard file states only what differs: title,
 * description, size, queries and units.
 */
import { clickhouse, prometheus } from './datasources.ts';
import { ratioSeries, targetLineOverride, type Steps } from './field-config.ts';
import type {
  DatasourceRef,
  FieldConfig,
  FieldDefaults,
  FieldOverride,
  JsonObject,
  PanelType,
  Target,
  Transformation,
} from './model.ts';
import { clickhouseTargets, prometheusTargets, type PromQuery } from './targets.ts';

/** What every panel states: title and description (Dutch, for operations staff), size in grid units. */
export interface PanelBase {
  readonly title: string;
  readonly description: string;
  /** Width in Grafana's 24 columns. */
  readonly w: number;
  readonly h: number;
}

/** A panel before layout: layout.ts gives it an id and a position. */
export type PanelSpec = PanelBase & {
  readonly type: PanelType;
  readonly datasource: DatasourceRef;
  readonly targets: readonly Target[];
  readonly fieldConfig: FieldConfig;
  readonly options: JsonObject;
  readonly transformations?: readonly Transformation[];
};

type PanelContent = Omit<PanelSpec, keyof PanelBase>;

/** Copies only the base fields, so a factory's own inputs never end up in the JSON. */
export const panel = (base: PanelBase, content: PanelContent): PanelSpec => ({
  title: base.title,
  description: base.description,
  w: base.w,
  h: base.h,
  ...content,
});

export interface StatSpec extends PanelBase {
  readonly expr: string;
  readonly legend?: string;
  readonly field: FieldDefaults;
  /** `background` for a figure judged by its thresholds, `value` for one without a target. */
  readonly color?: 'background' | 'value' | 'none';
  /** `value_and_name` when the query returns a series per queue. */
  readonly textMode?: 'auto' | 'value_and_name';
}

/** One big number: the last value of an instant Prometheus query. */
export function stat(spec: StatSpec): PanelSpec {
  return panel(spec, {
    type: 'stat',
    datasource: prometheus.ref,
    targets: prometheusTargets([{ expr: spec.expr, legend: spec.legend }], 'instant'),
    fieldConfig: { defaults: spec.field, overrides: [] },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: spec.color ?? 'background',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: spec.textMode ?? 'auto',
      wideLayout: true,
      showPercentChange: false,
    },
  });
}

/** A legend table to the right with each series' last value; the tooltip lists all series. */
const timeseriesOptions: JsonObject = {
  legend: { showLegend: true, displayMode: 'table', placement: 'right', calcs: ['lastNotNull'] },
  tooltip: { mode: 'multi', sort: 'desc' },
};

export interface TimeseriesSpec extends PanelBase {
  readonly queries: readonly PromQuery[];
  readonly field: FieldDefaults;
  readonly overrides?: readonly FieldOverride[];
}

/** Lines over time from Prometheus range queries. */
export function timeseries(spec: TimeseriesSpec): PanelSpec {
  return panel(spec, {
    type: 'timeseries',
    datasource: prometheus.ref,
    targets: prometheusTargets(spec.queries, 'range'),
    fieldConfig: { defaults: spec.field, overrides: spec.overrides ?? [] },
    options: timeseriesOptions,
  });
}

export interface RatioAgainstTargetSpec extends PanelBase {
  /** The ratio per queue, labelled with queue_name. */
  readonly ratio: string;
  /** Each queue's streefcijfer (query B), drawn dashed. */
  readonly target: string;
  readonly steps: Steps;
}

/** A ratio per queue over time with each queue's streefcijfer as a dashed line beside it. */
export function ratioAgainstTarget(spec: RatioAgainstTargetSpec): PanelSpec {
  return timeseries({
    title: spec.title,
    description: spec.description,
    w: spec.w,
    h: spec.h,
    queries: [
      { expr: spec.ratio, legend: '{{queue_name}}' },
      { expr: spec.target, legend: 'Streefcijfer {{queue_name}}' },
    ],
    field: ratioSeries(spec.steps),
    overrides: [targetLineOverride('B')],
  });
}

export interface SqlTimeseriesSpec extends PanelBase {
  /** A `time` column first, then one column per series (or a label column and a value). */
  readonly sql: string;
  readonly field: FieldDefaults;
}

/** Lines or bars over time from one ClickHouse query. */
export function sqlTimeseries(spec: SqlTimeseriesSpec): PanelSpec {
  return panel(spec, {
    type: 'timeseries',
    datasource: clickhouse.ref,
    targets: clickhouseTargets(spec.sql, 'timeseries'),
    fieldConfig: { defaults: spec.field, overrides: [] },
    options: timeseriesOptions,
  });
}

export interface BarGaugeSpec extends PanelBase {
  readonly queries: readonly PromQuery[];
  readonly field: FieldDefaults;
}

/** Horizontal bars, one per series of instant Prometheus queries. */
export function barGauge(spec: BarGaugeSpec): PanelSpec {
  return panel(spec, {
    type: 'bargauge',
    datasource: prometheus.ref,
    targets: prometheusTargets(spec.queries, 'instant'),
    fieldConfig: { defaults: spec.field, overrides: [] },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'horizontal',
      displayMode: 'basic',
      showUnfilled: true,
      valueMode: 'color',
      namePlacement: 'auto',
      sizing: 'auto',
      minVizHeight: 10,
      minVizWidth: 0,
      maxVizHeight: 300,
    },
  });
}

export interface BarChartSpec extends PanelBase {
  /** A table: the category column `xField`, then the values. */
  readonly sql: string;
  readonly xField: string;
  readonly field: FieldDefaults;
  readonly overrides: readonly FieldOverride[];
}

/** Vertical bars per category from one ClickHouse table query, without a legend. */
export function barChart(spec: BarChartSpec): PanelSpec {
  return panel(spec, {
    type: 'barchart',
    datasource: clickhouse.ref,
    targets: clickhouseTargets(spec.sql, 'table'),
    fieldConfig: { defaults: spec.field, overrides: spec.overrides },
    options: {
      xField: spec.xField,
      orientation: 'vertical',
      showValue: 'never',
      stacking: 'none',
      legend: { showLegend: false, displayMode: 'list', placement: 'bottom', calcs: [] },
      tooltip: { mode: 'multi', sort: 'none' },
    },
  });
}
