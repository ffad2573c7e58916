/**
 * Every dashboard query asks only for what bereik has: PromQL only for metrics that bereik's
 * BusinessMetrics and PipelineMetrics register (histograms with their _bucket/_sum/_count series),
 * label matchers only on labels those metrics carry and, where the values are known from the
 * configuration, only for values that exist; SQL only for tables and views bereik creates, and
 * nothing that ClickHouse 18.16 lacks (docs/stack.md).
 */
import { Registry, type Metric } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Targets } from '../../../src/config/targets.ts';
import { Topology } from '../../../src/config/topology.ts';
import { tables } from '../../../src/sinks/clickhouse/tables.ts';
import { views } from '../../../src/sinks/clickhouse/views.ts';
import { BusinessMetrics } from '../../../src/sinks/prometheus/business-metrics.ts';
import { PipelineMetrics } from '../../../src/telemetry/pipeline-metrics.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';
import { describeQuery, loadDashboards, queriesOf, type PanelQuery } from '../../helpers/grafana.ts';

const config = exampleConfig();
const registry = new Registry();
const business = new BusinessMetrics(registry, new Topology(config));
new PipelineMetrics(registry);
// The gauges that are set on the processor's timer (targets, queue open) exist after the first refresh.
business.refreshGauges(Date.now(), new Map(), new Targets(config.targets));

interface Exposed {
  labels: ReadonlySet<string>;
  /** Label values seen in the registered series (every series exists from start-up at 0). */
  values: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Every series name bereik exposes, with its labels and their known values. */
async function exposedMetrics(): Promise<Map<string, Exposed>> {
  const exposed = new Map<string, Exposed>();
  for (const metric of await registry.getMetricsAsJSON()) {
    const single = registry.getSingleMetric(metric.name) as
      (Metric & { labelNames?: readonly string[] }) | undefined;
    const labelNames = new Set([...(single?.labelNames ?? []), 'instance', 'job']);
    const values = new Map<string, Set<string>>();
    for (const v of metric.values) {
      for (const [k, val] of Object.entries(v.labels)) {
        if (k === 'le') continue;
        const set = values.get(k) ?? new Set<string>();
        set.add(String(val));
        values.set(k, set);
      }
    }
    // prom-client's types say MetricType (an enum of numbers); at run time the type is the name.
    if ((metric.type as unknown) === 'histogram') {
      exposed.set(`${metric.name}_bucket`, { labels: new Set([...labelNames, 'le']), values });
      exposed.set(`${metric.name}_sum`, { labels: labelNames, values });
      exposed.set(`${metric.name}_count`, { labels: labelNames, values });
    } else {
      exposed.set(metric.name, { labels: labelNames, values });
    }
  }
  return exposed;
}

const promqlWords = new Set([
  // aggregations and their modifiers
  'sum', 'min', 'max', 'avg', 'count', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset',
  // functions
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'resets', 'changes', 'histogram_quantile', 'time',
  'timestamp', 'vector', 'scalar', 'abs', 'ceil', 'floor', 'round', 'clamp', 'clamp_min', 'clamp_max', 'absent',
  'sort', 'sort_desc', 'label_replace', 'label_join', 'max_over_time', 'min_over_time', 'avg_over_time',
  'sum_over_time', 'count_over_time', 'last_over_time', 'predict_linear',
  // Grafana variable query functions
  'query_result', 'label_values',
]); // prettier-ignore

interface Selector {
  metric: string;
  matchers: { label: string; op: string; value: string }[];
}

/** A small PromQL reader: the selectors with their matchers, the grouping labels, and every other word. */
function readPromQL(expr: string): { selectors: Selector[]; groupingLabels: string[]; words: string[] } {
  const selectors: Selector[] = [];
  for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)) {
    const matchers = [...(m[2] ?? '').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({
      label: x[1] ?? '',
      op: x[2] ?? '',
      value: x[3] ?? '',
    }));
    selectors.push({ metric: m[1] ?? '', matchers });
  }
  const groupingLabels = [
    ...expr.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g),
  ].flatMap((m) =>
    (m[1] ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  );
  const rest = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1 ')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/g, ' ');
  const words = [...rest.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]);
  return { selectors, groupingLabels, words };
}

const dashboards = loadDashboards().map((f) => f.dashboard);
const allQueries = dashboards.flatMap(queriesOf);
const promQueries: { where: string; expr: string }[] = [
  ...allQueries
    .filter((q) => q.datasource.type === 'prometheus')
    .map((q) => ({ where: describeQuery(q), expr: q.query })),
  ...dashboards.flatMap((d) =>
    d.templating.list
      .filter((v) => v.datasource?.type === 'prometheus')
      .map((v) => ({ where: `${d.title} / variable ${v.name}`, expr: v.query ?? '' })),
  ),
];
const sqlQueries: { where: string; sql: string }[] = [
  ...allQueries
    .filter((q: PanelQuery) => q.datasource.type === 'grafana-clickhouse-datasource')
    .map((q) => ({ where: describeQuery(q), sql: q.query })),
  ...dashboards.flatMap((d) =>
    d.templating.list
      .filter((v) => v.datasource?.type === 'grafana-clickhouse-datasource')
      .map((v) => ({ where: `${d.title} / variable ${v.name}`, sql: v.query ?? '' })),
  ),
];

describe('Prometheus queries', () => {
  it('exist', () => {
    expect(promQueries.length).toBeGreaterThan(40);
  });

  it('use only metrics bereik exposes, with their labels and known label values', async () => {
    const exposed = await exposedMetrics();
    expect(exposed.has('bereik_legs_total')).toBe(true);
    expect(exposed.has('bereik_leg_wait_seconds_bucket')).toBe(true);
    expect(exposed.has('bereik_sink_write_seconds_bucket')).toBe(true);
    const problems: string[] = [];
    for (const { where, expr } of promQueries) {
      const { selectors, groupingLabels, words } = readPromQL(expr);
      const used = new Set<string>();
      for (const word of words) {
        if (promqlWords.has(word)) continue;
        if (exposed.has(word)) used.add(word);
        else problems.push(`${where}: unknown metric or word ${word}`);
      }
      for (const s of selectors) {
        const metric = exposed.get(s.metric);
        if (metric === undefined) {
          problems.push(`${where}: unknown metric ${s.metric}`);
          continue;
        }
        used.add(s.metric);
        for (const { label, op, value } of s.matchers) {
          if (!metric.labels.has(label)) problems.push(`${where}: ${s.metric} has no label ${label}`);
          const known = metric.values.get(label);
          // Literal values (not a $variable, no regex syntax) must be values bereik uses.
          if (known === undefined || value.includes('$') || !/^[\w|-]+$/.test(value)) continue;
          const wanted = op === '=~' || op === '!~' ? value.split('|') : [value];
          for (const v of wanted)
            if (!known.has(v)) problems.push(`${where}: ${s.metric}{${label}} never has the value ${v}`);
        }
      }
      const labels = new Set([...used].flatMap((m) => [...(exposed.get(m)?.labels ?? [])]));
      for (const label of groupingLabels)
        if (!labels.has(label)) problems.push(`${where}: groups by ${label}, which none of its metrics has`);
      if (used.size === 0) problems.push(`${where}: uses no bereik metric`);
    }
    expect(problems).toEqual([]);
  });

  it('compute net counts of legs and calls (total minus retracted) as docs/metrics.md says', () => {
    for (const { where, expr } of promQueries) {
      for (const metric of ['bereik_legs', 'bereik_calls']) {
        const totals = expr.match(new RegExp(`${metric}_total\\b`, 'g'))?.length ?? 0;
        const retracted = expr.match(new RegExp(`${metric}_retracted_total\\b`, 'g'))?.length ?? 0;
        expect(retracted, `${where}: ${metric}`).toBe(totals);
      }
    }
  });

  it('leave a ratio without a value when its denominator is 0 (division only by `(...) > 0`)', () => {
    for (const { where, expr } of promQueries) {
      if (!expr.includes(' / ')) continue;
      expect(expr.split(' / ').length - 1, where).toBe((expr.match(/ > 0\)/g) ?? []).length);
    }
  });
});

const sqlNames = new Set([...tables.map((t) => t.name), ...views.map((v) => v.name)]);

describe('ClickHouse queries', () => {
  it('exist', () => {
    expect(sqlQueries.length).toBeGreaterThan(8);
  });

  it('read only tables and views bereik creates', () => {
    const problems: string[] = [];
    for (const { where, sql } of sqlQueries) {
      const read = [...sql.matchAll(/\b(?:FROM|JOIN)\s+([a-zA-Z_][\w.]*)/gi)].map((m) => m[1] ?? '');
      if (read.length === 0) problems.push(`${where}: reads nothing`);
      for (const name of read)
        if (!sqlNames.has(name)) problems.push(`${where}: reads ${name}, which bereik does not create`);
    }
    expect(problems).toEqual([]);
  });

  it('avoid what ClickHouse 18.16 lacks and the macros that expand to it', () => {
    const unsupported =
      /\b(DateTime64|LowCardinality|now64|toDateTime64|toStartOfInterval|toStartOfTenMinutes|toStartOfWeek|toWeek|toYearWeek|SimpleAggregateFunction)\b|\$__(timeInterval|timeFilter_ms|fromTime_ms|toTime_ms)\b|(?<!\$)\{\w+:\w+\}/;
    for (const { where, sql } of sqlQueries) expect(unsupported.exec(sql)?.[0], where).toBeUndefined();
  });

  it('read rollups and facts only through the views (which pick the newest version with FINAL or argMax)', () => {
    const viewNames = new Set(views.map((v) => v.name));
    for (const { where, sql } of sqlQueries) {
      for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+([a-zA-Z_]\w*)(\s+FINAL)?/gi)) {
        const name = m[1] ?? '';
        if (!viewNames.has(name)) expect(m[2], `${where}: ${name} without FINAL`).toBeDefined();
      }
    }
  });
});
