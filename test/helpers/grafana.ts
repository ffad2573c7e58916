/**
 * Grafana cannot run on the development machines, so its dashboards are tested as data: this
 * module reads grafana/dashboards, lists every panel query, and does what Grafana and its
 * datasources would do to a query before sending it: interpolate the template variables and
 * Grafana's built-in intervals ($__range, $__rate_interval, $__interval) for Prometheus, and
 * expand the grafana-clickhouse-datasource macros ($__fromTime, $__toTime, $__timeFilter,
 * $__dateFilter, ...) exactly as the plugin does (pkg/macros/macros.go), so the tests can run the
 * result against the real Prometheus and ClickHouse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/stack/paths.ts';

export const dashboardsDir = path.join(repoRoot, 'grafana', 'dashboards');
export const provisioningDir = path.join(repoRoot, 'grafana', 'provisioning');

export interface DatasourceRef {
  type: string;
  uid: string;
}

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export interface Target {
  refId: string;
  datasource?: DatasourceRef;
  expr?: string;
  rawSql?: string;
  [key: string]: unknown;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: GridPos;
  datasource?: DatasourceRef;
  targets?: Target[];
  panels?: Panel[];
  [key: string]: unknown;
}

export interface Variable {
  name: string;
  type: string;
  datasource?: DatasourceRef;
  query?: string;
  regex?: string;
  multi?: boolean;
  includeAll?: boolean;
  current?: { text?: string | string[]; value?: string | string[] };
  options?: { text: string; value: string; selected?: boolean }[];
  [key: string]: unknown;
}

/** `__inputs`: what Grafana's import dialog asks for (the datasources). */
export interface ImportInput {
  name: string;
  label: string;
  description: string;
  type: string;
  pluginId: string;
  pluginName: string;
}

/** `__requires`: Grafana itself and the datasource and panel plugins the dashboard needs. */
export interface ImportRequirement {
  type: string;
  id: string;
  name: string;
  version: string;
}

export interface Dashboard {
  __inputs?: ImportInput[];
  __requires?: ImportRequirement[];
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
  [key: string]: unknown;
}

export interface DashboardFile {
  file: string;
  text: string;
  dashboard: Dashboard;
}

/** Every dashboard JSON file in grafana/dashboards (parse errors surface as exceptions naming the file). */
export function loadDashboards(): DashboardFile[] {
  return readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dashboardsDir, file), 'utf8');
      try {
        return { file, text, dashboard: JSON.parse(text) as Dashboard };
      } catch (error) {
        throw new Error(
          `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      }
    });
}

/** Every panel, with the panels inside (collapsed) rows. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export interface PanelQuery {
  dashboard: string;
  dashboardUid: string;
  panel: string;
  refId: string;
  datasource: DatasourceRef;
  /** PromQL (`expr`) or SQL (`rawSql`). */
  query: string;
}

/** Every query of every panel that has targets. */
export function queriesOf(dashboard: Dashboard): PanelQuery[] {
  return panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((t) => {
      const datasource = t.datasource ?? panel.datasource ?? { type: 'unknown', uid: 'unknown' };
      return {
        dashboard: dashboard.title,
        dashboardUid: dashboard.uid,
        panel: panel.title,
        refId: t.refId,
        datasource,
        query: datasource.type === 'prometheus' ? (t.expr ?? '') : (t.rawSql ?? ''),
      };
    }),
  );
}

export const describeQuery = (q: PanelQuery) => `${q.dashboard} / ${q.panel} / ${q.refId}`;

// ---------------------------------------------------------------------------------------------
// Template variables

/** A variable's chosen values: one value, or several (a multi-value variable, or All). */
export type VariableValues = Readonly<Record<string, string | readonly string[]>>;

/** Grafana's prometheusRegularEscape: a value inside a regex matcher of a PromQL string. */
function prometheusRegexEscape(value: string): string {
  return value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

/**
 * Formats a variable's value as the Grafana Prometheus datasource does: a multi-value or
 * include-All variable becomes an escaped regex alternation `(a|b)` (or the escaped single value);
 * a plain variable is inserted as it is.
 */
function prometheusFormat(value: string | readonly string[], variable: Variable | undefined): string {
  if (typeof value === 'string') {
    return variable?.multi === true || variable?.includeAll === true ? prometheusRegexEscape(value) : value;
  }
  if (value.length === 1) return prometheusRegexEscape(value[0] ?? '');
  return `(${value.map(prometheusRegexEscape).join('|')})`;
}

/** Grafana's `singlequote` format: each value in single quotes (quotes escaped), comma-separated. */
function singleQuote(value: string | readonly string[]): string {
  const values = typeof value === 'string' ? [value] : value;
  return values.map((v) => `'${v.replaceAll("'", "\\'")}'`).join(',');
}

/** Replaces `$name`, `${name}` and `${name:format}` by `format(values[name])`; leaves unknown names. */
function replaceVariables(
  text: string,
  values: VariableValues,
  format: (name: string, value: string | readonly string[], fmt: string | undefined) => string,
): string {
  return text.replace(
    /\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g,
    (match, braced: string | undefined, fmt: string | undefined, plain: string | undefined) => {
      const name = braced ?? plain ?? '';
      const value = values[name];
      return value === undefined ? match : format(name, value, fmt);
    },
  );
}

export interface PrometheusIntervals {
  /** Grafana's $__range: the dashboard's time range, e.g. `95s`. */
  readonly range: string;
  /** $__rate_interval: max($__interval + scrape interval, 4 x scrape interval). */
  readonly rateInterval: string;
  /** $__interval: the step. */
  readonly interval: string;
}

/** A PromQL panel query as Grafana sends it to Prometheus. */
export function interpolatePrometheus(
  expr: string,
  values: VariableValues,
  variables: readonly Variable[],
  intervals: PrometheusIntervals,
): string {
  const builtIns: VariableValues = {
    __range: intervals.range,
    __rate_interval: intervals.rateInterval,
    __interval: intervals.interval,
  };
  const byName = new Map(variables.map((v) => [v.name, v]));
  return replaceVariables(expr, { ...values, ...builtIns }, (name, value, fmt) => {
    if (name.startsWith('__')) return typeof value === 'string' ? value : value.join(',');
    if (fmt === 'singlequote') return singleQuote(value);
    return prometheusFormat(value, byName.get(name));
  });
}

/** A SQL query with Grafana's variables interpolated (before the datasource expands its macros). */
export function interpolateSql(sql: string, values: VariableValues): string {
  return replaceVariables(sql, values, (name, value, fmt) => {
    if (name.startsWith('__')) return `$${name}`;
    if (fmt === 'singlequote') return singleQuote(value);
    if (fmt === 'sqlstring') return singleQuote(value);
    return typeof value === 'string' ? value : value.join(',');
  });
}

export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
  /** The query interval in seconds ($__interval_s, $__timeInterval). */
  readonly intervalSeconds: number;
}

const unix = (d: Date) => Math.floor(d.getTime() / 1000);
/** Go's time.Format("2006-01-02") of the range's times, which Grafana passes in UTC. */
const utcDate = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Expands the grafana-clickhouse-datasource macros as pkg/macros/macros.go does:
 * `$__fromTime` → `toDateTime(<unix s>)`, `$__timeFilter(c)` → `c >= toDateTime(..) AND c <= toDateTime(..)`,
 * `$__dateFilter(c)` → `c >= toDate('YYYY-MM-DD') AND c <= toDate(..)`, and the others. Throws on a
 * macro it does not know, so a test never runs a query Grafana would send differently.
 */
export function expandClickHouseMacros(sql: string, range: TimeRange): string {
  const from = `toDateTime(${unix(range.from)})`;
  const to = `toDateTime(${unix(range.to)})`;
  const fromMs = `fromUnixTimestamp64Milli(${range.from.getTime()})`;
  const toMs = `fromUnixTimestamp64Milli(${range.to.getTime()})`;
  const fromDate = `toDate('${utcDate(range.from)}')`;
  const toDate = `toDate('${utcDate(range.to)}')`;
  const interval = Math.max(1, Math.floor(range.intervalSeconds));
  const withArgs: Record<string, (args: string[]) => string> = {
    timeFilter: ([c]) => `${c} >= ${from} AND ${c} <= ${to}`,
    timeFilter_ms: ([c]) => `${c} >= ${fromMs} AND ${c} <= ${toMs}`,
    dateFilter: ([c]) => `${c} >= ${fromDate} AND ${c} <= ${toDate}`,
    dateTimeFilter: ([d, t]) =>
      `(${d} >= ${fromDate} AND ${d} <= ${toDate}) AND (${t} >= ${from} AND ${t} <= ${to})`,
    dt: ([d, t]) => `(${d} >= ${fromDate} AND ${d} <= ${toDate}) AND (${t} >= ${from} AND ${t} <= ${to})`,
    timeInterval: ([c]) => `toStartOfInterval(toDateTime(${c}), INTERVAL ${interval} second)`,
  };
  const plain: Record<string, string> = {
    fromTime_ms: fromMs,
    toTime_ms: toMs,
    fromTime: from,
    toTime: to,
    interval_s: String(interval),
  };
  let out = sql.replace(/\$__(\w+)\(([^()]*)\)/g, (match, name: string, args: string) => {
    const expand = withArgs[name];
    if (expand === undefined) return match;
    return expand(args.split(',').map((a) => a.trim()));
  });
  out = out.replace(/\$__(\w+)/g, (match, name: string) => plain[name] ?? match);
  const left = /\$__\w+/.exec(out);
  if (left !== null) throw new Error(`unknown ClickHouse macro ${left[0]} in:\n${sql}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Prometheus helpers

/**
 * Restricts every bereik metric selector of a query to one scrape target, so a test sees only its
 * own processor's series even when other runs are scraped at the same time.
 */
export function scopeToInstance(expr: string, instance: string): string {
  const matcher = `instance="${instance}"`;
  return expr.replace(
    /\b(bereik_[a-z0-9_]+)(\{([^}]*)\})?/g,
    (_match, name: string, braces?: string, inner?: string) =>
      braces === undefined || (inner ?? '').trim() === ''
        ? `${name}{${matcher}}`
        : `${name}{${matcher}, ${inner ?? ''}}`,
  );
}

/**
 * How Grafana shows one `query_result(...)` series to a variable's regex:
 * `name{label="value",...} value timestampMs` (metric_find_query.ts).
 */
export function queryResultText(metric: Record<string, string>, value: [number, string]): string {
  const { __name__: name = '', ...labels } = metric;
  const labelText = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${name}{${labelText}} ${value[1]} ${value[0] * 1000}`;
}

/** Applies a variable's regex as Grafana does: named groups `value` and `text`, else the first group, else the whole string. */
export function applyVariableRegex(
  texts: readonly string[],
  regex: string | undefined,
): { text: string; value: string }[] {
  const options: { text: string; value: string }[] = [];
  let pattern: RegExp | undefined;
  if (regex !== undefined && regex !== '') {
    const m = /^\/(.*)\/([gimsuy]*)$/s.exec(regex);
    pattern = m === null ? new RegExp(regex) : new RegExp(m[1] ?? '', m[2] ?? '');
  }
  for (const t of texts) {
    if (pattern === undefined) {
      options.push({ text: t, value: t });
      continue;
    }
    const match = pattern.exec(t);
    if (match === null) continue;
    const groups = match.groups;
    if (groups !== undefined && (groups['value'] !== undefined || groups['text'] !== undefined)) {
      const value = groups['value'] ?? groups['text'] ?? '';
      options.push({ value, text: groups['text'] ?? value });
    } else {
      const value = match[1] ?? match[0];
      options.push({ text: value, value });
    }
  }
  const seen = new Set<string>();
  return options.filter((o) => (seen.has(o.value) ? false : (seen.add(o.value), true)));
}

interface PromResponse<T> {
  status: string;
  error?: string;
  data: T;
}

async function promGet<T>(
  prometheusUrl: string,
  apiPath: string,
  params: Record<string, string>,
): Promise<T> {
  const url = `${prometheusUrl}${apiPath}?${new URLSearchParams(params).toString()}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = (await response.json()) as PromResponse<T>;
  if (body.status !== 'success')
    throw new Error(`Prometheus: ${body.error ?? response.statusText} for ${params['query'] ?? ''}`);
  return body.data;
}

export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

export async function promInstant(prometheusUrl: string, query: string): Promise<InstantSample[]> {
  const data = await promGet<{ result: InstantSample[] }>(prometheusUrl, '/api/v1/query', { query });
  return data.result;
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export async function promRange(
  prometheusUrl: string,
  query: string,
  range: { start: number; end: number; step: number },
): Promise<RangeSeries[]> {
  const data = await promGet<{ result: RangeSeries[] }>(prometheusUrl, '/api/v1/query_range', {
    query,
    start: String(range.start),
    end: String(range.end),
    step: String(range.step),
  });
  return data.result;
}
