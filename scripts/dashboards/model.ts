/**
 * The part of Grafana's dashboard JSON model (schemaVersion 41, Grafana 12) that bereik's
 * dashboards use. These are type aliases, not interfaces, so every piece stays assignable to `Json`.
 *
 * The factories build objects property by property in the order the committed JSON has them:
 * keep that order when editing, so that regenerating shows only what really changed.
 */

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

export type DatasourceRef = { readonly type: string; readonly uid: string };

export type GridPos = { readonly h: number; readonly w: number; readonly x: number; readonly y: number };

export type ThresholdStep = { readonly color: string; readonly value: number | null };
export type Thresholds = { readonly mode: 'absolute'; readonly steps: readonly ThresholdStep[] };

export type ValueMapping = {
  readonly type: 'value';
  readonly options: { readonly [value: string]: { text: string; color: string; index: number } };
};

export type FieldDefaults = {
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  readonly displayName?: string;
  readonly color?: { readonly mode: 'palette-classic' };
  readonly custom?: JsonObject;
  readonly thresholds?: Thresholds;
  readonly mappings?: readonly ValueMapping[];
};

export type FieldOverride = {
  readonly matcher: { readonly id: 'byName' | 'byFrameRefID'; readonly options: string };
  readonly properties: readonly { readonly id: string; readonly value: Json }[];
};

export type FieldConfig = { readonly defaults: FieldDefaults; readonly overrides: readonly FieldOverride[] };

export type PrometheusTarget = {
  readonly refId: string;
  readonly datasource: DatasourceRef;
  readonly editorMode: 'code';
  readonly expr: string;
  readonly legendFormat: string;
  readonly range: boolean;
  readonly instant: boolean;
  readonly format?: 'table';
};

export type ClickHouseTarget = {
  readonly refId: string;
  readonly datasource: DatasourceRef;
  readonly pluginVersion: string;
  readonly editorType: 'sql';
  /** grafana-clickhouse-datasource: 0 = time series, 1 = table. */
  readonly format: 0 | 1;
  readonly queryType: 'timeseries' | 'table';
  readonly rawSql: string;
};

export type Target = PrometheusTarget | ClickHouseTarget;

export type Transformation = { readonly id: string; readonly options: JsonObject };

export type PanelType = 'timeseries' | 'stat' | 'table' | 'barchart' | 'bargauge';

export type Panel = {
  readonly id: number;
  readonly type: PanelType;
  readonly title: string;
  readonly description: string;
  readonly gridPos: GridPos;
  readonly datasource: DatasourceRef;
  readonly targets: readonly Target[];
  readonly fieldConfig: FieldConfig;
  readonly options: JsonObject;
  readonly transformations?: readonly Transformation[];
};

/** Rows are never collapsed: their panels follow them at the top level. */
export type RowPanel = {
  readonly id: number;
  readonly type: 'row';
  readonly title: string;
  readonly collapsed: false;
  readonly gridPos: GridPos;
  readonly panels: readonly never[];
};

export type VariableOption = { readonly text: string; readonly value: string; readonly selected: boolean };
export type VariableCurrent =
  | Record<string, never>
  | { readonly text: string; readonly value: string }
  | { readonly text: readonly string[]; readonly value: readonly string[] };

export type QueryVariable = {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly type: 'query';
  readonly datasource: DatasourceRef;
  readonly query: string;
  readonly definition: string;
  readonly regex?: string;
  readonly refresh: 1;
  readonly sort: 1;
  readonly multi: boolean;
  readonly includeAll: boolean;
  readonly current: VariableCurrent;
  readonly options: readonly VariableOption[];
  readonly hide: 0;
  readonly skipUrlSync: false;
};

export type CustomVariable = {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly type: 'custom';
  readonly query: string;
  readonly current: VariableCurrent;
  readonly options: readonly VariableOption[];
  readonly multi: false;
  readonly includeAll: false;
  readonly hide: 0;
  readonly skipUrlSync: false;
};

export type Variable = QueryVariable | CustomVariable;

/** An entry of `__inputs`: what Grafana's import dialog asks for. */
export type ImportInput = {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly type: 'datasource';
  readonly pluginId: string;
  readonly pluginName: string;
};

/** An entry of `__requires`: a plugin (or Grafana itself) the dashboard needs, shown on import. */
export type ImportRequirement = {
  readonly type: 'grafana' | 'datasource' | 'panel';
  readonly id: string;
  readonly name: string;
  readonly version: string;
};

export type Dashboard = {
  readonly __inputs: readonly ImportInput[];
  readonly __requires: readonly ImportRequirement[];
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly version: number;
  readonly editable: boolean;
  readonly graphTooltip: number;
  readonly timezone: string;
  readonly weekStart: string;
  readonly fiscalYearStartMonth: number;
  readonly liveNow: boolean;
  readonly refresh: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly timepicker: JsonObject;
  readonly annotations: { readonly list: readonly JsonObject[] };
  readonly links: readonly JsonObject[];
  readonly templating: { readonly list: readonly Variable[] };
  readonly panels: readonly (Panel | RowPanel)[];
};
