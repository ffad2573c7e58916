/**
 * bereik's Grafana dashboards, generated: `npx tsx scripts/build-dashboards.ts` writes
 * grafana/dashboards/<uid>.json (`--check` only compares and exits 1 when a file differs).
 * The JSON is committed together with this script; test/unit/grafana checks that they agree, that
 * every query uses only metrics bereik exposes and views bereik creates, and
 * test/integration/grafana-panels.test.ts runs every query against a real run.
 *
 * Queries follow docs/metrics.md: net counts are `increase(x_total) - increase(x_retracted_total)`
 * (every series exists at 0 from start-up, so both sides are present), a ratio's denominator is
 * filtered with `> 0` so an empty window has no value instead of 0% or 100%, and queue display
 * names come from `bereik_queue_info`. ClickHouse queries read the analyst views (docs/clickhouse.md)
 * with the grafana-clickhouse-datasource macros `$__fromTime` / `$__toTime`, in SQL that runs on
 * ClickHouse 18.16 and current versions alike.
 *
 * Titles and descriptions are Dutch (operations staff read them); metric and column names stay English.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Grafana 12.x (deploy/docker-compose.yml runs grafana/grafana:12.2.0) writes schemaVersion 41. */
export const schemaVersion = 41;
export const dashboardsDir = path.resolve(import.meta.dirname, '..', 'grafana', 'dashboards');

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const prometheusDatasource = { type: 'prometheus', uid: 'bereik-prometheus' } as const;
export const clickhouseDatasource = {
  type: 'grafana-clickhouse-datasource',
  uid: 'bereik-clickhouse',
} as const;
type Datasource = typeof prometheusDatasource | typeof clickhouseDatasource;

// ---------------------------------------------------------------------------------------------
// PromQL building blocks

/** Leg results that are offered (docs/metrics.md): answered within or after the norm, abandoned, timed out. */
const OFFERED = 'answered_within_sl|answered_late|abandoned|timed_out';
const ANSWERED = 'answered_within_sl|answered_late';
/** Answered legs an agent transferred on (transfer `out`, or `through` for a leg that came from a transfer). */
const TRANSFERRED_ON = 'out|through';
/** Legs created by a transfer. */
const FROM_TRANSFER = 'in|through';

type Matchers = readonly string[];
const selector = (matchers: Matchers) => (matchers.length === 0 ? '' : `{${matchers.join(', ')}}`);
const sumBy = (by: string, expr: string) => (by === '' ? `sum(${expr})` : `sum by (${by}) (${expr})`);

/** Net increase of a counter with a `_retracted_total` twin (legs, calls) over `range`. */
function net(metric: 'bereik_legs' | 'bereik_calls', matchers: Matchers, by: string, range: string): string {
  const s = selector(matchers);
  return `(${sumBy(by, `increase(${metric}_total${s}[${range}])`)} - ${sumBy(by, `increase(${metric}_retracted_total${s}[${range}])`)})`;
}

/** Net rate per minute of a counter with a `_retracted_total` twin. */
function netPerMinute(metric: 'bereik_legs', matchers: Matchers, by: string, range: string): string {
  const s = selector(matchers);
  return `(${sumBy(by, `rate(${metric}_total${s}[${range}])`)} - ${sumBy(by, `rate(${metric}_retracted_total${s}[${range}])`)}) * 60`;
}

/** numerator / denominator, without a value where the denominator is 0. */
const ratio = (numerator: string, denominator: string) => `${numerator} / (${denominator} > 0)`;

/** Adds the queue's display name (label `queue_name`) to a result by gemeente and queue. */
const withQueueName = (expr: string) =>
  `(${expr}) * on (gemeente, queue) group_left (queue_name) max by (gemeente, queue, queue_name) (bereik_queue_info)`;

const legResult = (results: string) => `result=~"${results}"`;

/** Reachability (answered / offered) over `range`, summed `by`. */
const reachability = (m: Matchers, by: string, range: string) =>
  ratio(
    net('bereik_legs', [...m, legResult(ANSWERED)], by, range),
    net('bereik_legs', [...m, legResult(OFFERED)], by, range),
  );
/** Service level (answered within the norm / offered). */
const serviceLevel = (m: Matchers, by: string, range: string) =>
  ratio(
    net('bereik_legs', [...m, 'result="answered_within_sl"'], by, range),
    net('bereik_legs', [...m, legResult(OFFERED)], by, range),
  );
/** First-line resolution ((answered - transferred on) / answered), for the KCC. */
const firstLineResolution = (m: Matchers, by: string, range: string) =>
  ratio(
    `(${net('bereik_legs', [...m, legResult(ANSWERED)], by, range)} - ${net('bereik_legs', [...m, legResult(ANSWERED), `transfer=~"${TRANSFERRED_ON}"`], by, range)})`,
    net('bereik_legs', [...m, legResult(ANSWERED)], by, range),
  );
/** Transfer success (answered / offered over legs created by a transfer), for a vakafdeling. */
const transferSuccess = (m: Matchers, by: string, range: string) =>
  reachability([...m, `transfer=~"${FROM_TRANSFER}"`], by, range);
/** End-to-end reachability per gemeente (calls whose last offered leg was answered / calls with an offered leg). */
const endToEnd = (m: Matchers, by: string, range: string) =>
  ratio(
    net('bereik_calls', [...m, 'result="last_offered_answered"'], by, range),
    net('bereik_calls', [...m, 'result=~"last_offered_answered|last_offered_unanswered"'], by, range),
  );
/** A wait-time percentile from bereik_leg_wait_seconds. */
const waitQuantile = (q: number, m: Matchers, by: string, range: string) =>
  `histogram_quantile(${q}, sum by (${['le', ...(by === '' ? [] : [by])].join(', ')}) (rate(bereik_leg_wait_seconds_bucket${selector(m)}[${range}])))`;
/** Mean wait (ASA for answered legs) from the histogram's sum and count. */
const meanWait = (m: Matchers, by: string, range: string) =>
  ratio(
    sumBy(by, `increase(bereik_leg_wait_seconds_sum${selector(m)}[${range}])`),
    sumBy(by, `increase(bereik_leg_wait_seconds_count${selector(m)}[${range}])`),
  );
/** This year's streefcijfer per queue, with its display name. */
const target = (m: Matchers, metric: 'reachability' | 'callbacksOnTime') =>
  withQueueName(`max by (gemeente, queue) (bereik_target_ratio${selector([...m, `metric="${metric}"`])})`);

// ---------------------------------------------------------------------------------------------
// Panels and targets

interface PromTarget {
  readonly expr: string;
  readonly legend?: string;
  /** Instant query (stat and table panels); a range query otherwise. */
  readonly instant?: boolean;
  /** `table` for table panels (one column per query: Value #A, Value #B, ...). */
  readonly format?: 'table';
}

interface SqlTarget {
  readonly sql: string;
  readonly format: 'table' | 'timeseries';
}

interface PanelSpec {
  readonly type: 'timeseries' | 'stat' | 'table' | 'barchart' | 'bargauge';
  readonly title: string;
  readonly description: string;
  readonly w: number;
  readonly h: number;
  readonly prometheus?: readonly PromTarget[];
  readonly clickhouse?: readonly SqlTarget[];
  readonly fieldConfig?: { defaults?: JsonObject; overrides?: Json[] };
  readonly options?: JsonObject;
  readonly transformations?: Json[];
}

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const refId = (i: number) => refIds[i] ?? `Q${i}`;

function promTargets(targets: readonly PromTarget[]): Json[] {
  return targets.map((t, i) => ({
    refId: refId(i),
    datasource: { ...prometheusDatasource },
    editorMode: 'code',
    expr: t.expr,
    legendFormat: t.legend ?? '__auto',
    range: t.instant !== true,
    instant: t.instant === true,
    ...(t.format === undefined ? {} : { format: t.format }),
  }));
}

function sqlTargets(targets: readonly SqlTarget[]): Json[] {
  return targets.map((t, i) => ({
    refId: refId(i),
    datasource: { ...clickhouseDatasource },
    pluginVersion: '4.0.0',
    editorType: 'sql',
    // grafana-clickhouse-datasource: format 0 = time series, 1 = table.
    format: t.format === 'timeseries' ? 0 : 1,
    queryType: t.format === 'timeseries' ? 'timeseries' : 'table',
    rawSql: t.sql,
  }));
}

/** Places panels left to right in Grafana's 24-column grid, starting a new line when one does not fit. */
class Grid {
  #x = 0;
  #y = 0;
  #lineHeight = 0;

  place(w: number, h: number): JsonObject {
    if (this.#x + w > 24) this.newLine();
    const pos = { h, w, x: this.#x, y: this.#y };
    this.#x += w;
    this.#lineHeight = Math.max(this.#lineHeight, h);
    return pos;
  }

  newLine(): void {
    this.#y += this.#lineHeight;
    this.#x = 0;
    this.#lineHeight = 0;
  }
}

type Item = PanelSpec | { readonly row: string };

function buildPanels(items: readonly Item[]): Json[] {
  const grid = new Grid();
  let id = 1;
  return items.map((item): Json => {
    if ('row' in item) {
      grid.newLine();
      const gridPos = grid.place(24, 1);
      grid.newLine();
      return { id: id++, type: 'row', title: item.row, collapsed: false, gridPos, panels: [] };
    }
    const datasource: Datasource =
      item.clickhouse === undefined ? prometheusDatasource : clickhouseDatasource;
    const targets =
      item.clickhouse === undefined ? promTargets(item.prometheus ?? []) : sqlTargets(item.clickhouse);
    return {
      id: id++,
      type: item.type,
      title: item.title,
      description: item.description,
      gridPos: grid.place(item.w, item.h),
      datasource: { ...datasource },
      targets,
      fieldConfig: {
        defaults: item.fieldConfig?.defaults ?? {},
        overrides: item.fieldConfig?.overrides ?? [],
      },
      options: item.options ?? {},
      ...(item.transformations === undefined ? {} : { transformations: item.transformations }),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Field configuration

type Steps = readonly (readonly [string, number | null])[];
const thresholds = (steps: Steps): JsonObject => ({
  mode: 'absolute',
  steps: steps.map(([color, value]) => ({ color, value })),
});
/** Red below the target, green from it. */
const targetSteps = (targetRatio: number): Steps => [
  ['red', null],
  ['green', targetRatio],
];
const neutral: Steps = [['blue', null]];

const percent = (steps: Steps = neutral): JsonObject => ({
  unit: 'percentunit',
  min: 0,
  max: 1,
  decimals: 1,
  thresholds: thresholds(steps),
});

const timeseriesDefaults = (unit: string, extra: JsonObject = {}, steps?: Steps): JsonObject => ({
  unit,
  color: { mode: 'palette-classic' },
  custom: {
    drawStyle: 'line',
    lineWidth: 2,
    fillOpacity: 0,
    showPoints: 'never',
    spanNulls: false,
    thresholdsStyle: { mode: steps === undefined ? 'off' : 'dashed' },
  },
  thresholds: thresholds(steps ?? neutral),
  ...extra,
});

const timeseriesOptions: JsonObject = {
  legend: { showLegend: true, displayMode: 'table', placement: 'right', calcs: ['lastNotNull'] },
  tooltip: { mode: 'multi', sort: 'desc' },
};

/** Dashed thin lines for the streefcijfer series (query `ref`). */
const targetLineOverride = (ref: string): Json => ({
  matcher: { id: 'byFrameRefID', options: ref },
  properties: [
    { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    { id: 'custom.lineWidth', value: 1 },
  ],
});

const statOptions = (colorMode: 'background' | 'value' | 'none' = 'background'): JsonObject => ({
  reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
  colorMode,
  graphMode: 'none',
  justifyMode: 'auto',
  orientation: 'auto',
  textMode: 'auto',
  wideLayout: true,
  showPercentChange: false,
});

/** A table column: rename, unit, optional colouring of the cell by thresholds. */
interface Column {
  readonly field: string;
  readonly name: string;
  readonly unit?: string;
  readonly decimals?: number;
  readonly steps?: Steps;
}

function columnOverrides(columns: readonly Column[]): Json[] {
  return columns.map((c) => ({
    matcher: { id: 'byName', options: c.name },
    properties: [
      ...(c.unit === undefined ? [] : [{ id: 'unit', value: c.unit }]),
      ...(c.decimals === undefined ? [] : [{ id: 'decimals', value: c.decimals }]),
      ...(c.steps === undefined
        ? []
        : [
            { id: 'thresholds', value: thresholds(c.steps) },
            { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } },
          ]),
    ],
  }));
}

/**
 * A table of several instant Prometheus queries joined per queue: merge on the common labels,
 * hide the label columns but the display name, rename `Value #X` columns, and sort.
 */
function prometheusTable(
  spec: Omit<PanelSpec, 'type' | 'prometheus' | 'transformations' | 'fieldConfig'>,
  nameColumn: string,
  columns: readonly (Column & { readonly expr: string })[],
  sort: { readonly column: string; readonly desc: boolean },
): PanelSpec {
  const renames: JsonObject = { queue_name: nameColumn };
  columns.forEach((c, i) => {
    renames[`Value #${refId(i)}`] = c.name;
  });
  const order: JsonObject = { queue_name: 0 };
  columns.forEach((c, i) => {
    order[`Value #${refId(i)}`] = i + 1;
  });
  return {
    ...spec,
    type: 'table',
    prometheus: columns.map((c) => ({ expr: c.expr, instant: true, format: 'table' })),
    fieldConfig: {
      defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' } } },
      overrides: columnOverrides(columns),
    },
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } },
    transformations: [
      { id: 'merge', options: {} },
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true, gemeente: true, queue: true },
          indexByName: order,
          renameByName: renames,
        },
      },
      { id: 'sortBy', options: { fields: {}, sort: [{ field: sort.column, desc: sort.desc }] } },
    ],
  };
}

/** A ClickHouse table with renamed columns, units and colours. */
function sqlTable(
  spec: Omit<PanelSpec, 'type' | 'clickhouse' | 'fieldConfig'>,
  sql: string,
  columns: readonly Column[],
): PanelSpec {
  return {
    ...spec,
    type: 'table',
    clickhouse: [{ sql, format: 'table' }],
    fieldConfig: {
      defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' } } },
      overrides: columnOverrides(columns),
    },
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } },
  };
}

// ---------------------------------------------------------------------------------------------
// Template variables

const gemeenteVariable: JsonObject = {
  name: 'gemeente',
  label: 'Gemeente',
  description: 'De gemeente (CBS-code); de lijst toont de naam.',
  type: 'query',
  datasource: { ...prometheusDatasource },
  // One series per gemeente; the regex takes the code as value and the name as text.
  query: 'query_result(max by (gemeente, gemeente_name) (bereik_queue_info))',
  definition: 'query_result(max by (gemeente, gemeente_name) (bereik_queue_info))',
  regex: '/gemeente="(?<value>[^"]+)",\\s*gemeente_name="(?<text>[^"]+)"/',
  refresh: 1,
  sort: 1,
  multi: false,
  includeAll: false,
  current: {},
  options: [],
  hide: 0,
  skipUrlSync: false,
};

const queueVariable: JsonObject = {
  name: 'queue',
  label: 'Wachtrij',
  description: 'De wachtrijen (KCC en vakafdelingen) van de gekozen gemeente.',
  type: 'query',
  datasource: { ...prometheusDatasource },
  query: 'query_result(max by (queue, queue_name) (bereik_queue_info{gemeente="$gemeente"}))',
  definition: 'query_result(max by (queue, queue_name) (bereik_queue_info{gemeente="$gemeente"}))',
  regex: '/queue="(?<value>[^"]+)",\\s*queue_name="(?<text>[^"]+)"/',
  refresh: 1,
  sort: 1,
  multi: true,
  includeAll: true,
  current: { text: ['All'], value: ['$__all'] },
  options: [],
  hide: 0,
  skipUrlSync: false,
};

function windowVariable(values: readonly string[], current: string, description: string): JsonObject {
  return {
    name: 'venster',
    label: 'Venster',
    description,
    type: 'custom',
    query: values.join(','),
    current: { text: current, value: current },
    options: values.map((v) => ({ text: v, value: v, selected: v === current })),
    multi: false,
    includeAll: false,
    hide: 0,
    skipUrlSync: false,
  };
}

const clickhouseGemeenteVariable: JsonObject = {
  name: 'gemeente',
  label: 'Gemeente',
  description: 'De gemeente (CBS-code); de lijst toont de naam.',
  type: 'query',
  datasource: { ...clickhouseDatasource },
  // grafana-clickhouse-datasource: with two columns the first is the value, the second the text.
  query: 'SELECT gemeente, any(gemeente_name) FROM queues FINAL GROUP BY gemeente ORDER BY gemeente',
  definition: 'SELECT gemeente, any(gemeente_name) FROM queues FINAL GROUP BY gemeente ORDER BY gemeente',
  refresh: 1,
  sort: 1,
  multi: false,
  includeAll: false,
  current: {},
  options: [],
  hide: 0,
  skipUrlSync: false,
};

const clickhouseQueueVariable: JsonObject = {
  name: 'queue',
  label: 'Wachtrij',
  description: 'De wachtrijen (KCC en vakafdelingen) van de gekozen gemeente.',
  type: 'query',
  datasource: { ...clickhouseDatasource },
  query: "SELECT queue, queue_name FROM queues FINAL WHERE gemeente = '$gemeente' ORDER BY queue",
  definition: "SELECT queue, queue_name FROM queues FINAL WHERE gemeente = '$gemeente' ORDER BY queue",
  refresh: 1,
  sort: 1,
  multi: true,
  includeAll: true,
  current: { text: ['All'], value: ['$__all'] },
  options: [],
  hide: 0,
  skipUrlSync: false,
};

// ---------------------------------------------------------------------------------------------
// Dashboards

interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly time: { from: string; to: string };
  readonly refresh: string;
  readonly variables: readonly JsonObject[];
  readonly items: readonly Item[];
}

function dashboard(spec: DashboardSpec): JsonObject {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['bereik'],
    schemaVersion,
    version: 1,
    editable: false,
    graphTooltip: 1,
    timezone: 'Europe/Amsterdam',
    weekStart: 'monday',
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: spec.refresh,
    time: spec.time,
    timepicker: {},
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    links: [
      {
        title: 'bereik',
        type: 'dashboards',
        tags: ['bereik'],
        asDropdown: true,
        includeVars: false,
        keepTime: true,
        icon: 'external link',
        targetBlank: false,
        tooltip: '',
        url: '',
      },
    ],
    templating: { list: [...spec.variables] },
    panels: buildPanels(spec.items),
  };
}

const R = '$__range';
const W = '$venster';
const RI = '$__rate_interval';
const G = 'gemeente="$gemeente"';
const Q = 'queue=~"$queue"';
const KCC = 'kind="kcc"';
const VAK = 'kind="vakafdeling"';

function live(): JsonObject {
  const m = [G, Q];
  const kcc = [...m, KCC];
  const vak = [...m, VAK];
  const perQueue = 'gemeente, queue';
  return dashboard({
    uid: 'bereik-live',
    title: 'Bereikbaarheid live',
    description:
      'Bereikbaarheid, servicelevel, verkeer en wachttijd van het KCC en de vakafdelingen van één gemeente, live uit Prometheus.',
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    variables: [
      gemeenteVariable,
      queueVariable,
      windowVariable(
        ['15m', '30m', '1h', '4h'],
        '30m',
        'Het voortschrijdende venster van de grafieken: elk punt is het percentage over dit venster ervoor.',
      ),
    ],
    items: [
      { row: 'Over de gekozen periode' },
      {
        type: 'stat',
        title: 'Bereikbaarheid KCC',
        description:
          'Beantwoord / aangeboden over de gekozen periode. Rood onder 90% (het standaard streefcijfer van het KCC; het streefcijfer van dit jaar staat in de grafiek hieronder).',
        w: 3,
        h: 4,
        prometheus: [{ expr: reachability(kcc, '', R), instant: true }],
        fieldConfig: { defaults: percent(targetSteps(0.9)) },
        options: statOptions(),
      },
      {
        type: 'stat',
        title: 'Servicelevel KCC',
        description: 'Binnen 25 seconden beantwoord / aangeboden (de norm van het kwaliteitshandvest).',
        w: 3,
        h: 4,
        prometheus: [{ expr: serviceLevel(kcc, '', R), instant: true }],
        fieldConfig: { defaults: percent() },
        options: statOptions('value'),
      },
      {
        type: 'stat',
        title: 'Eerstelijnsoplossing KCC',
        description: '(Beantwoord - doorverbonden) / beantwoord: het deel dat het KCC zelf afhandelde.',
        w: 3,
        h: 4,
        prometheus: [{ expr: firstLineResolution(kcc, '', R), instant: true }],
        fieldConfig: { defaults: percent() },
        options: statOptions('value'),
      },
      {
        type: 'stat',
        title: 'Bereikbaarheid vakafdelingen',
        description:
          'Beantwoord / aangeboden van alle gekozen vakafdelingen samen. Rood onder 80% (het standaard streefcijfer van een vakafdeling).',
        w: 3,
        h: 4,
        prometheus: [{ expr: reachability(vak, '', R), instant: true }],
        fieldConfig: { defaults: percent(targetSteps(0.8)) },
        options: statOptions(),
      },
      {
        type: 'stat',
        title: 'Servicelevel vakafdelingen',
        description: 'Binnen 25 seconden beantwoord / aangeboden, alle gekozen vakafdelingen samen.',
        w: 3,
        h: 4,
        prometheus: [{ expr: serviceLevel(vak, '', R), instant: true }],
        fieldConfig: { defaults: percent() },
        options: statOptions('value'),
      },
      {
        type: 'stat',
        title: 'Doorverbinding aangenomen',
        description:
          'Van de gesprekken die naar een gekozen vakafdeling werden doorverbonden: beantwoord / aangeboden (transfer success).',
        w: 3,
        h: 4,
        prometheus: [{ expr: transferSuccess(vak, '', R), instant: true }],
        fieldConfig: { defaults: percent() },
        options: statOptions('value'),
      },
      {
        type: 'stat',
        title: 'Bereikbaarheid eind-tot-eind',
        description:
          'Gesprekken waarvan de laatste aangeboden wachtrij beantwoordde / gesprekken met een aangeboden wachtrij: kreeg de beller uiteindelijk iemand te spreken? Geldt voor de hele gemeente.',
        w: 3,
        h: 4,
        prometheus: [{ expr: endToEnd([G], '', R), instant: true }],
        fieldConfig: { defaults: percent() },
        options: statOptions('value'),
      },
      {
        type: 'stat',
        title: 'Aangeboden aan het KCC',
        description:
          'Gesprekken die binnen openingstijd bij het KCC binnenkwamen, min kort opgehangen (< 5 s).',
        w: 3,
        h: 4,
        prometheus: [{ expr: net('bereik_legs', [...kcc, legResult(OFFERED)], '', R), instant: true }],
        fieldConfig: { defaults: { unit: 'short', decimals: 0, thresholds: thresholds(neutral) } },
        options: statOptions('value'),
      },
      { row: 'Bereikbaarheid en servicelevel (voortschrijdend venster)' },
      {
        type: 'timeseries',
        title: 'Bereikbaarheid KCC in de tijd',
        description:
          'Beantwoord / aangeboden over het venster voor elk punt. Gestippeld: het streefcijfer van dit jaar; de stippellijn over de hele breedte is 90%. Geen lijn = niets aangeboden.',
        w: 12,
        h: 9,
        prometheus: [
          { expr: withQueueName(reachability(kcc, perQueue, W)), legend: '{{queue_name}}' },
          { expr: target([G, Q, KCC], 'reachability'), legend: 'Streefcijfer {{queue_name}}' },
        ],
        fieldConfig: {
          defaults: timeseriesDefaults('percentunit', { min: 0, max: 1, decimals: 1 }, targetSteps(0.9)),
          overrides: [targetLineOverride('B')],
        },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Bereikbaarheid vakafdelingen in de tijd',
        description:
          'Beantwoord / aangeboden per vakafdeling over het venster. Gestippeld: de streefcijfers van dit jaar; de stippellijn over de hele breedte is 80%.',
        w: 12,
        h: 9,
        prometheus: [
          { expr: withQueueName(reachability(vak, perQueue, W)), legend: '{{queue_name}}' },
          { expr: target([G, Q, VAK], 'reachability'), legend: 'Streefcijfer {{queue_name}}' },
        ],
        fieldConfig: {
          defaults: timeseriesDefaults('percentunit', { min: 0, max: 1, decimals: 1 }, targetSteps(0.8)),
          overrides: [targetLineOverride('B')],
        },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Servicelevel per wachtrij',
        description: 'Binnen 25 seconden beantwoord / aangeboden, per wachtrij, over het venster.',
        w: 12,
        h: 8,
        prometheus: [{ expr: withQueueName(serviceLevel(m, perQueue, W)), legend: '{{queue_name}}' }],
        fieldConfig: { defaults: timeseriesDefaults('percentunit', { min: 0, max: 1, decimals: 1 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Eind-tot-eind bereikbaarheid en eerstelijnsoplossing KCC',
        description:
          'Eind-tot-eind: gesprekken waarvan de laatste aangeboden wachtrij beantwoordde / gesprekken met een aangeboden wachtrij (hele gemeente). Eerstelijnsoplossing: deel van de door het KCC beantwoorde gesprekken dat niet werd doorverbonden.',
        w: 12,
        h: 8,
        prometheus: [
          { expr: endToEnd([G], '', W), legend: 'Eind-tot-eind bereikbaarheid' },
          { expr: firstLineResolution(kcc, '', W), legend: 'Eerstelijnsoplossing KCC' },
        ],
        fieldConfig: { defaults: timeseriesDefaults('percentunit', { min: 0, max: 1, decimals: 1 }) },
        options: timeseriesOptions,
      },
      { row: 'Verkeer' },
      {
        type: 'timeseries',
        title: 'Gesprekken per minuut',
        description:
          'Aangeboden, beantwoord, opgehangen (na 5 s of langer), time-out (maximale wachttijd bereikt) en doorverbonden, per minuut, samen voor de gekozen wachtrijen. Buiten openingstijd telt niet als aangeboden.',
        w: 12,
        h: 9,
        prometheus: [
          { expr: netPerMinute('bereik_legs', [...m, legResult(OFFERED)], '', RI), legend: 'Aangeboden' },
          { expr: netPerMinute('bereik_legs', [...m, legResult(ANSWERED)], '', RI), legend: 'Beantwoord' },
          { expr: netPerMinute('bereik_legs', [...m, 'result="abandoned"'], '', RI), legend: 'Opgehangen' },
          { expr: netPerMinute('bereik_legs', [...m, 'result="timed_out"'], '', RI), legend: 'Time-out' },
          {
            expr: netPerMinute(
              'bereik_legs',
              [...m, legResult(ANSWERED), `transfer=~"${TRANSFERRED_ON}"`],
              '',
              RI,
            ),
            legend: 'Doorverbonden',
          },
          {
            expr: netPerMinute('bereik_legs', [...m, 'result="out_of_hours"'], '', RI),
            legend: 'Buiten openingstijd',
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('cpm', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Aangeboden per wachtrij per minuut',
        description: 'Aangeboden gesprekken per minuut, per wachtrij.',
        w: 12,
        h: 9,
        prometheus: [
          {
            expr: withQueueName(netPerMinute('bereik_legs', [...m, legResult(OFFERED)], perQueue, RI)),
            legend: '{{queue_name}}',
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('cpm', { min: 0 }) },
        options: timeseriesOptions,
      },
      { row: 'Wachttijd' },
      {
        type: 'timeseries',
        title: 'Wachttijd tot beantwoorden',
        description:
          'Mediaan (p50), p90 en p95 van de wachttijd van beantwoorde gesprekken over het venster, samen voor de gekozen wachtrijen (geschat uit histogramklassen van 5, 10, 15, 20, 25, 30, 45, 60 ... s).',
        w: 12,
        h: 8,
        prometheus: [
          { expr: waitQuantile(0.5, [...m, 'outcome="answered"'], '', W), legend: 'Mediaan' },
          { expr: waitQuantile(0.9, [...m, 'outcome="answered"'], '', W), legend: 'p90' },
          { expr: waitQuantile(0.95, [...m, 'outcome="answered"'], '', W), legend: 'p95' },
        ],
        fieldConfig: { defaults: timeseriesDefaults('s', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Wachttijd tot ophangen',
        description:
          'Mediaan en p90 van de wachttijd van bellers die ophingen (na 5 s of langer), over het venster.',
        w: 12,
        h: 8,
        prometheus: [
          { expr: waitQuantile(0.5, [...m, 'outcome="abandoned"'], '', W), legend: 'Mediaan' },
          { expr: waitQuantile(0.9, [...m, 'outcome="abandoned"'], '', W), legend: 'p90' },
        ],
        fieldConfig: { defaults: timeseriesDefaults('s', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Gemiddelde wachttijd (ASA) per wachtrij',
        description:
          'Gemiddelde wachttijd van beantwoorde gesprekken (average speed of answer) per wachtrij, over het venster.',
        w: 12,
        h: 8,
        prometheus: [
          {
            expr: withQueueName(meanWait([...m, 'outcome="answered"'], perQueue, W)),
            legend: '{{queue_name}}',
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('s', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Wachttijd p90 per wachtrij',
        description:
          '90% van de beantwoorde gesprekken wachtte korter dan dit, per wachtrij, over het venster.',
        w: 12,
        h: 8,
        prometheus: [
          {
            expr: withQueueName(waitQuantile(0.9, [...m, 'outcome="answered"'], perQueue, W)),
            legend: '{{queue_name}}',
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('s', { min: 0 }) },
        options: timeseriesOptions,
      },
      { row: 'Nu' },
      {
        type: 'stat',
        title: 'Wachtrij open',
        description:
          'Of de wachtrij nu open is volgens openingstijden, feestdagen en sluitingsdagen van de gemeente.',
        w: 24,
        h: 4,
        prometheus: [
          {
            expr: withQueueName(`max by (gemeente, queue) (bereik_queue_open${selector(m)})`),
            legend: '{{queue_name}}',
            instant: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'none',
            thresholds: thresholds([
              ['text', null],
              ['green', 1],
            ]),
            mappings: [
              { type: 'value', options: { '0': { text: 'Gesloten', color: 'text', index: 0 } } },
              { type: 'value', options: { '1': { text: 'Open', color: 'green', index: 1 } } },
            ],
          },
        },
        options: { ...statOptions(), textMode: 'value_and_name' },
      },
    ],
  });
}

function vakafdelingen(): JsonObject {
  const vak = [G, VAK];
  const perQueue = 'gemeente, queue';
  return dashboard({
    uid: 'bereik-vakafdelingen',
    title: 'Vakafdelingen',
    description:
      'Alle vakafdelingen van één gemeente naast elkaar, de slechtste bovenaan, met hun streefcijfer. Live uit Prometheus.',
    time: { from: 'now-24h', to: 'now' },
    refresh: '1m',
    variables: [
      gemeenteVariable,
      windowVariable(
        ['30m', '1h', '4h', '1d'],
        '1h',
        'Het voortschrijdende venster van de grafieken: elk punt is het percentage over dit venster ervoor.',
      ),
    ],
    items: [
      prometheusTable(
        {
          title: 'Vakafdelingen over de gekozen periode',
          description:
            'Eén rij per vakafdeling, laagste bereikbaarheid bovenaan. "t.o.v. streefcijfer" is bereikbaarheid min het streefcijfer van dit jaar: rood = onder het streefcijfer. Leeg = niets aangeboden.',
          w: 24,
          h: 10,
        },
        'Vakafdeling',
        [
          {
            field: 'reachability',
            name: 'Bereikbaarheid',
            unit: 'percentunit',
            decimals: 1,
            steps: targetSteps(0.8),
            expr: withQueueName(reachability(vak, perQueue, R)),
          },
          {
            field: 'target',
            name: 'Streefcijfer',
            unit: 'percentunit',
            decimals: 0,
            expr: withQueueName(
              `max by (gemeente, queue) (bereik_target_ratio{${G}, ${VAK}, metric="reachability"})`,
            ),
          },
          {
            field: 'gap',
            name: 't.o.v. streefcijfer',
            unit: 'percentunit',
            decimals: 1,
            steps: [
              ['red', null],
              ['green', 0],
            ],
            expr: withQueueName(
              `${reachability(vak, perQueue, R)} - on (gemeente, queue) max by (gemeente, queue) (bereik_target_ratio{${G}, ${VAK}, metric="reachability"})`,
            ),
          },
          {
            field: 'service_level',
            name: 'Servicelevel',
            unit: 'percentunit',
            decimals: 1,
            expr: withQueueName(serviceLevel(vak, perQueue, R)),
          },
          {
            field: 'offered',
            name: 'Aangeboden',
            unit: 'short',
            decimals: 0,
            expr: withQueueName(net('bereik_legs', [...vak, legResult(OFFERED)], perQueue, R)),
          },
          {
            field: 'answered',
            name: 'Beantwoord',
            unit: 'short',
            decimals: 0,
            expr: withQueueName(net('bereik_legs', [...vak, legResult(ANSWERED)], perQueue, R)),
          },
          {
            field: 'abandoned',
            name: 'Opgehangen',
            unit: 'short',
            decimals: 0,
            expr: withQueueName(net('bereik_legs', [...vak, 'result=~"abandoned|timed_out"'], perQueue, R)),
          },
          {
            field: 'transfer_success',
            name: 'Doorverbinding aangenomen',
            unit: 'percentunit',
            decimals: 1,
            expr: withQueueName(transferSuccess(vak, perQueue, R)),
          },
          {
            field: 'asa',
            name: 'Gem. wachttijd',
            unit: 's',
            decimals: 0,
            expr: withQueueName(meanWait([...vak, 'outcome="answered"'], perQueue, R)),
          },
          {
            field: 'open',
            name: 'Nu open',
            unit: 'none',
            decimals: 0,
            expr: withQueueName(`max by (gemeente, queue) (bereik_queue_open{${G}, ${VAK}})`),
          },
        ],
        { column: 'Bereikbaarheid', desc: false },
      ),
      {
        type: 'timeseries',
        title: 'Bereikbaarheid per vakafdeling',
        description:
          'Beantwoord / aangeboden per vakafdeling over het venster. Gestippeld: de streefcijfers van dit jaar; de stippellijn over de hele breedte is 80%.',
        w: 12,
        h: 9,
        prometheus: [
          { expr: withQueueName(reachability(vak, perQueue, W)), legend: '{{queue_name}}' },
          { expr: target(vak, 'reachability'), legend: 'Streefcijfer {{queue_name}}' },
        ],
        fieldConfig: {
          defaults: timeseriesDefaults('percentunit', { min: 0, max: 1, decimals: 1 }, targetSteps(0.8)),
          overrides: [targetLineOverride('B')],
        },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Doorverbindingen aangenomen per vakafdeling',
        description:
          'Van de gesprekken die het KCC (of een andere wachtrij) doorverbond naar de vakafdeling: beantwoord / aangeboden, over het venster.',
        w: 12,
        h: 9,
        prometheus: [{ expr: withQueueName(transferSuccess(vak, perQueue, W)), legend: '{{queue_name}}' }],
        fieldConfig: { defaults: timeseriesDefaults('percentunit', { min: 0, max: 1, decimals: 1 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Aangeboden per vakafdeling per minuut',
        description: 'Aangeboden gesprekken per minuut, per vakafdeling.',
        w: 12,
        h: 8,
        prometheus: [
          {
            expr: withQueueName(netPerMinute('bereik_legs', [...vak, legResult(OFFERED)], perQueue, RI)),
            legend: '{{queue_name}}',
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('cpm', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Wachttijd p90 per vakafdeling',
        description:
          '90% van de beantwoorde gesprekken wachtte korter dan dit, per vakafdeling, over het venster.',
        w: 12,
        h: 8,
        prometheus: [
          {
            expr: withQueueName(waitQuantile(0.9, [...vak, 'outcome="answered"'], perQueue, W)),
            legend: '{{queue_name}}',
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('s', { min: 0 }) },
        options: timeseriesOptions,
      },
    ],
  });
}

function terugbelverzoeken(): JsonObject {
  const m = [G, Q];
  const perQueue = 'gemeente, queue';
  const onTime = (matchers: Matchers, by: string, range: string) =>
    ratio(
      sumBy(
        by,
        `increase(bereik_callbacks_judged_total${selector([...matchers, 'on_time="true"'])}[${range}])`,
      ),
      sumBy(by, `increase(bereik_callbacks_judged_total${selector(matchers)}[${range}])`),
    );
  const increaseOf = (metric: string, matchers: Matchers, by: string, range: string) =>
    sumBy(by, `increase(${metric}${selector(matchers)}[${range}])`);
  const perHour = (metric: string, matchers: Matchers, range: string) =>
    `${sumBy('', `rate(${metric}${selector(matchers)}[${range}])`)} * 3600`;
  return dashboard({
    uid: 'bereik-terugbelverzoeken',
    title: 'Terugbelverzoeken',
    description:
      'Terugbelverzoeken van één gemeente: aangevraagd, afgehandeld, op tijd (binnen 2 werkdagen) tegen het streefcijfer van 95%, en wat nu open en te laat is. Live uit Prometheus.',
    time: { from: 'now-7d', to: 'now' },
    refresh: '1m',
    variables: [
      gemeenteVariable,
      queueVariable,
      windowVariable(
        ['4h', '1d', '7d'],
        '1d',
        'Het voortschrijdende venster van de grafiek "op tijd": elk punt is het percentage over dit venster ervoor.',
      ),
    ],
    items: [
      { row: 'Over de gekozen periode' },
      {
        type: 'stat',
        title: 'Aangevraagd',
        description: 'Terugbelverzoeken aangevraagd in de gekozen periode.',
        w: 5,
        h: 4,
        prometheus: [{ expr: increaseOf('bereik_callbacks_requested_total', m, '', R), instant: true }],
        fieldConfig: { defaults: { unit: 'short', decimals: 0, thresholds: thresholds(neutral) } },
        options: statOptions('value'),
      },
      {
        type: 'stat',
        title: 'Afgehandeld',
        description: 'Terugbelverzoeken afgehandeld (beller bereikt of niet) in de gekozen periode.',
        w: 5,
        h: 4,
        prometheus: [{ expr: increaseOf('bereik_callbacks_completed_total', m, '', R), instant: true }],
        fieldConfig: { defaults: { unit: 'short', decimals: 0, thresholds: thresholds(neutral) } },
        options: statOptions('value'),
      },
      {
        type: 'stat',
        title: 'Op tijd afgehandeld',
        description:
          'Van de verzoeken die in de periode werden afgehandeld: het deel dat vóór het einde van de 2e werkdag na de aanvraag klaar was. Rood onder 95%. De officiële score (per vervaldatum, ook nooit afgehandelde verzoeken) staat op het dashboard Historie.',
        w: 5,
        h: 4,
        prometheus: [{ expr: onTime(m, '', R), instant: true }],
        fieldConfig: { defaults: percent(targetSteps(0.95)) },
        options: statOptions(),
      },
      {
        type: 'stat',
        title: 'Nu open',
        description: 'Aangevraagde en nog niet afgehandelde terugbelverzoeken, nu.',
        w: 4,
        h: 4,
        prometheus: [{ expr: `sum(bereik_callbacks_open${selector(m)})`, instant: true }],
        fieldConfig: { defaults: { unit: 'short', decimals: 0, thresholds: thresholds(neutral) } },
        options: statOptions('value'),
      },
      {
        type: 'stat',
        title: 'Nu te laat',
        description:
          'Open terugbelverzoeken waarvan de termijn (einde van de 2e werkdag) verstreken is, nu. Rood vanaf 1.',
        w: 5,
        h: 4,
        prometheus: [{ expr: `sum(bereik_callbacks_overdue${selector(m)})`, instant: true }],
        fieldConfig: {
          defaults: {
            unit: 'short',
            decimals: 0,
            thresholds: thresholds([
              ['green', null],
              ['red', 1],
            ]),
          },
        },
        options: statOptions(),
      },
      { row: 'Verloop' },
      {
        type: 'timeseries',
        title: 'Aangevraagd en afgehandeld per uur',
        description:
          'Terugbelverzoeken per uur: aangevraagd, en afgehandeld met de beller bereikt of niet bereikt.',
        w: 12,
        h: 9,
        prometheus: [
          { expr: perHour('bereik_callbacks_requested_total', m, RI), legend: 'Aangevraagd' },
          {
            expr: perHour('bereik_callbacks_completed_total', [...m, 'outcome="REACHED"'], RI),
            legend: 'Afgehandeld, bereikt',
          },
          {
            expr: perHour('bereik_callbacks_completed_total', [...m, 'outcome="NOT_REACHED"'], RI),
            legend: 'Afgehandeld, niet bereikt',
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('short', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Op tijd afgehandeld per wachtrij',
        description:
          'Deel van de afgehandelde verzoeken dat op tijd was, per wachtrij waaraan het verzoek toebehoort, over het venster. Gestippeld: de streefcijfers van dit jaar; de stippellijn over de hele breedte is 95%.',
        w: 12,
        h: 9,
        prometheus: [
          { expr: withQueueName(onTime(m, perQueue, W)), legend: '{{queue_name}}' },
          { expr: target(m, 'callbacksOnTime'), legend: 'Streefcijfer {{queue_name}}' },
        ],
        fieldConfig: {
          defaults: timeseriesDefaults('percentunit', { min: 0, max: 1, decimals: 1 }, targetSteps(0.95)),
          overrides: [targetLineOverride('B')],
        },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Open en te laat per wachtrij',
        description: 'Open terugbelverzoeken en het deel daarvan dat te laat is, per wachtrij.',
        w: 24,
        h: 8,
        prometheus: [
          {
            expr: withQueueName(`sum by (gemeente, queue) (bereik_callbacks_open${selector(m)})`),
            legend: 'Open {{queue_name}}',
          },
          {
            expr: withQueueName(`sum by (gemeente, queue) (bereik_callbacks_overdue${selector(m)})`),
            legend: 'Te laat {{queue_name}}',
          },
        ],
        fieldConfig: {
          defaults: timeseriesDefaults('short', { min: 0, decimals: 0 }),
          overrides: [
            {
              matcher: { id: 'byFrameRefID', options: 'B' },
              properties: [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }],
            },
          ],
        },
        options: timeseriesOptions,
      },
      { row: 'Per wachtrij' },
      prometheusTable(
        {
          title: 'Terugbelverzoeken per wachtrij',
          description:
            'Per wachtrij waaraan de verzoeken toebehoren: nu open en te laat, en over de gekozen periode aangevraagd, afgehandeld en op tijd, met het streefcijfer van dit jaar.',
          w: 24,
          h: 9,
        },
        'Wachtrij',
        [
          {
            field: 'open',
            name: 'Nu open',
            unit: 'short',
            decimals: 0,
            expr: withQueueName(`sum by (gemeente, queue) (bereik_callbacks_open${selector(m)})`),
          },
          {
            field: 'overdue',
            name: 'Nu te laat',
            unit: 'short',
            decimals: 0,
            steps: [
              ['transparent', null],
              ['red', 1],
            ],
            expr: withQueueName(`sum by (gemeente, queue) (bereik_callbacks_overdue${selector(m)})`),
          },
          {
            field: 'requested',
            name: 'Aangevraagd',
            unit: 'short',
            decimals: 0,
            expr: withQueueName(increaseOf('bereik_callbacks_requested_total', m, perQueue, R)),
          },
          {
            field: 'completed',
            name: 'Afgehandeld',
            unit: 'short',
            decimals: 0,
            expr: withQueueName(increaseOf('bereik_callbacks_completed_total', m, perQueue, R)),
          },
          {
            field: 'on_time',
            name: 'Op tijd',
            unit: 'percentunit',
            decimals: 1,
            steps: targetSteps(0.95),
            expr: withQueueName(onTime(m, perQueue, R)),
          },
          {
            field: 'target',
            name: 'Streefcijfer',
            unit: 'percentunit',
            decimals: 0,
            expr: target(m, 'callbacksOnTime'),
          },
        ],
        { column: 'Nu te laat', desc: true },
      ),
    ],
  });
}

/** The local date range of the dashboard's time range, for the views' local `day` column. */
const fromDay = "toDate($__fromTime, 'Europe/Amsterdam')";
const toDay = "toDate($__toTime, 'Europe/Amsterdam')";
const inRange = (column: string) => `${column} >= ${fromDay} AND ${column} <= ${toDay}`;
const queueFilter = "gemeente = '$gemeente' AND queue IN (${queue:singlequote})";
const queueNames =
  'LEFT JOIN (SELECT gemeente, queue, queue_name FROM queues FINAL) AS namen USING (gemeente, queue)';
/** A local date as the instant of its local midnight (for time series). */
const localMidnight = (column: string) => `toDateTime(${column}, 'Europe/Amsterdam')`;

function historie(): JsonObject {
  const pct = (column: string) => ({ field: column, name: column, unit: 'percentunit', decimals: 1 });
  return dashboard({
    uid: 'bereik-historie',
    title: 'Historie',
    description:
      'Dag-, week-, maand- en jaarcijfers uit ClickHouse, het systeem waaruit gepubliceerd wordt, met de realisatie tegen het streefcijfer per jaar.',
    time: { from: 'now-90d', to: 'now' },
    refresh: '',
    variables: [clickhouseGemeenteVariable, clickhouseQueueVariable],
    items: [
      { row: 'Per dag' },
      {
        type: 'timeseries',
        title: 'Bereikbaarheid per dag',
        description:
          'Beantwoord / aangeboden per wachtrij per (Nederlandse) dag. Geen punt = niets aangeboden.',
        w: 12,
        h: 9,
        clickhouse: [
          {
            format: 'timeseries',
            sql: `SELECT ${localMidnight('day')} AS time, queue_name, reachability
FROM bereikbaarheid_per_dag
${queueNames}
WHERE ${queueFilter} AND ${inRange('day')}
ORDER BY time, queue_name`,
          },
        ],
        fieldConfig: {
          defaults: timeseriesDefaults('percentunit', {
            min: 0,
            max: 1,
            decimals: 1,
            displayName: '${__field.labels.queue_name}',
          }),
        },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Aangeboden en beantwoord per dag',
        description:
          'Aangeboden, beantwoord, binnen 25 s beantwoord en opgehangen, samen voor de gekozen wachtrijen.',
        w: 12,
        h: 9,
        clickhouse: [
          {
            format: 'timeseries',
            sql: `SELECT ${localMidnight('day')} AS time, sum(offered) AS aangeboden, sum(answered) AS beantwoord,
       sum(answered_within_sl) AS binnen_servicelevel, sum(abandoned) AS opgehangen
FROM bereikbaarheid_per_dag
WHERE ${queueFilter} AND ${inRange('day')}
GROUP BY time
ORDER BY time`,
          },
        ],
        fieldConfig: {
          defaults: timeseriesDefaults('short', {
            min: 0,
            custom: {
              drawStyle: 'bars',
              fillOpacity: 60,
              lineWidth: 1,
              showPoints: 'never',
              spanNulls: false,
              thresholdsStyle: { mode: 'off' },
            },
          }),
        },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Gemeente per dag: eind-tot-eind, herhaalbellers, tevredenheid',
        description:
          'Eind-tot-eind bereikbaarheid (de beller kreeg uiteindelijk iemand te spreken), het deel herhaalbellers (belde dezelfde gemeente in de 7 dagen ervoor) en tevredenheid (score 4 of 5), per dag, voor de hele gemeente.',
        w: 12,
        h: 9,
        clickhouse: [
          {
            format: 'timeseries',
            sql: `SELECT ${localMidnight('day')} AS time, end_to_end_reachability AS eind_tot_eind,
       repeat_rate AS herhaalbellers, satisfaction AS tevredenheid
FROM gemeente_per_dag
WHERE gemeente = '$gemeente' AND ${inRange('day')}
ORDER BY time`,
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('percentunit', { min: 0, max: 1, decimals: 1 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Terugbelverzoeken per dag',
        description: 'Aangevraagd (op de dag van de aanvraag) en afgehandeld (op de dag van afhandeling).',
        w: 12,
        h: 9,
        clickhouse: [
          {
            format: 'timeseries',
            sql: `SELECT ${localMidnight('day')} AS time, sum(requested) AS aangevraagd, sum(completed) AS afgehandeld,
       sum(completed_reached) AS bereikt
FROM terugbelverzoeken_per_dag
WHERE ${queueFilter} AND ${inRange('day')}
GROUP BY time
ORDER BY time`,
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('short', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'barchart',
        title: 'Bereikbaarheid per uur van de dag',
        description:
          'Beantwoord / aangeboden per (Nederlands) uur van de dag over de gekozen periode, samen voor de gekozen wachtrijen: wanneer zakt de bereikbaarheid in?',
        w: 24,
        h: 8,
        clickhouse: [
          {
            format: 'table',
            sql: `SELECT concat(if(toHour(local_hour) < 10, '0', ''), toString(toHour(local_hour)), ':00') AS uur,
       sum(offered) AS aangeboden, sum(answered) AS beantwoord,
       if(aangeboden = 0, NULL, beantwoord / aangeboden) AS bereikbaarheid
FROM bereikbaarheid_per_uur
WHERE ${queueFilter} AND ${inRange('day')}
GROUP BY uur
ORDER BY uur`,
          },
        ],
        fieldConfig: {
          defaults: { unit: 'percentunit', min: 0, max: 1, decimals: 1, color: { mode: 'palette-classic' } },
          overrides: [
            ...['aangeboden', 'beantwoord'].map((name) => ({
              matcher: { id: 'byName', options: name },
              properties: [
                { id: 'unit', value: 'short' },
                { id: 'decimals', value: 0 },
                { id: 'custom.hideFrom', value: { viz: true, legend: true, tooltip: false } },
              ],
            })),
          ],
        },
        options: {
          xField: 'uur',
          orientation: 'vertical',
          showValue: 'never',
          stacking: 'none',
          legend: { showLegend: false, displayMode: 'list', placement: 'bottom', calcs: [] },
          tooltip: { mode: 'multi', sort: 'none' },
        },
      },
      { row: 'Per week, maand en jaar' },
      sqlTable(
        {
          title: 'Per week',
          description:
            'Per ISO-week (maandag t/m zondag, Nederlandse tijd) en wachtrij. Percentages zijn berekend uit de opgetelde aantallen, niet gemiddeld.',
          w: 24,
          h: 10,
        },
        `SELECT week_start AS maandag, concat(toString(iso_year), '-W', if(iso_week < 10, '0', ''), toString(iso_week)) AS week,
       queue_name AS wachtrij, offered AS aangeboden, answered AS beantwoord, abandoned AS opgehangen,
       reachability AS bereikbaarheid, service_level AS servicelevel, asa_seconds AS gemiddelde_wachttijd
FROM bereikbaarheid_per_week
${queueNames}
WHERE ${queueFilter} AND week_start >= toMonday(${fromDay}) AND week_start <= ${toDay}
ORDER BY maandag DESC, wachtrij`,
        [
          pct('bereikbaarheid'),
          pct('servicelevel'),
          { field: 'asa', name: 'gemiddelde_wachttijd', unit: 's', decimals: 0 },
        ],
      ),
      sqlTable(
        {
          title: 'Per maand',
          description: 'Per kalendermaand (Nederlandse tijd) en wachtrij.',
          w: 12,
          h: 10,
        },
        `SELECT month AS maand, queue_name AS wachtrij, offered AS aangeboden, answered AS beantwoord,
       reachability AS bereikbaarheid, service_level AS servicelevel, asa_seconds AS gemiddelde_wachttijd,
       first_line_resolution AS eerstelijnsoplossing, transfer_success AS doorverbinding_aangenomen
FROM bereikbaarheid_per_maand
${queueNames}
WHERE ${queueFilter} AND month >= toStartOfMonth(${fromDay}) AND month <= ${toDay}
ORDER BY maand DESC, wachtrij`,
        [
          pct('bereikbaarheid'),
          pct('servicelevel'),
          pct('eerstelijnsoplossing'),
          pct('doorverbinding_aangenomen'),
          { field: 'asa', name: 'gemiddelde_wachttijd', unit: 's', decimals: 0 },
        ],
      ),
      sqlTable(
        {
          title: 'Per jaar',
          description: 'Per kalenderjaar (Nederlandse tijd) en wachtrij.',
          w: 12,
          h: 10,
        },
        `SELECT year AS jaar, queue_name AS wachtrij, offered AS aangeboden, answered AS beantwoord,
       reachability AS bereikbaarheid, service_level AS servicelevel, asa_seconds AS gemiddelde_wachttijd
FROM bereikbaarheid_per_jaar
${queueNames}
WHERE ${queueFilter} AND year >= toYear(${fromDay}) AND year <= toYear(${toDay})
ORDER BY jaar DESC, wachtrij`,
        [
          pct('bereikbaarheid'),
          pct('servicelevel'),
          { field: 'asa', name: 'gemiddelde_wachttijd', unit: 's', decimals: 0 },
        ],
      ),
      sqlTable(
        {
          title: 'Gemeente per maand',
          description:
            'Eind-tot-eind bereikbaarheid, herhaalbellers en tevredenheid per maand, voor de hele gemeente, met de aantallen erachter.',
          w: 24,
          h: 8,
        },
        `SELECT month AS maand, calls_with_offered_leg AS gesprekken_aangeboden,
       end_to_end_reachability AS eind_tot_eind, calls AS gesprekken, repeat_rate AS herhaalbellers,
       survey_answers AS enquetes, satisfaction AS tevredenheid
FROM gemeente_per_maand
WHERE gemeente = '$gemeente' AND month >= toStartOfMonth(${fromDay}) AND month <= ${toDay}
ORDER BY maand DESC`,
        [pct('eind_tot_eind'), pct('herhaalbellers'), pct('tevredenheid')],
      ),
      { row: 'Realisatie tegen streefcijfer' },
      sqlTable(
        {
          title: 'Realisatie tegen streefcijfer per jaar',
          description:
            'De KPI-tabel van het jaarverslag (view kpi_per_jaar), alle jaren: bereikbaarheid per jaar waarin de gesprekken binnenkwamen, terugbellen op tijd per jaar van de vervaldatum. Gehaald: 1 = ja, 0 = nee, leeg = onbekend. Onafhankelijk van de gekozen periode.',
          w: 24,
          h: 10,
        },
        `SELECT year AS jaar, queue_name AS wachtrij, metric AS kpi, realisatie, streefcijfer, gehaald,
       numerator AS teller, denominator AS noemer, norm_id AS norm
FROM kpi_per_jaar
${queueNames}
WHERE ${queueFilter}
ORDER BY jaar DESC, kpi, wachtrij`,
        [
          { field: 'realisatie', name: 'realisatie', unit: 'percentunit', decimals: 1 },
          { field: 'streefcijfer', name: 'streefcijfer', unit: 'percentunit', decimals: 0 },
          {
            field: 'gehaald',
            name: 'gehaald',
            unit: 'none',
            decimals: 0,
            steps: [
              ['red', null],
              ['green', 1],
            ],
          },
        ],
      ),
      sqlTable(
        {
          title: 'Terugbellen op tijd per maand',
          description:
            'Per maand van de vervaldatum (einde van de 2e werkdag na de aanvraag): verzoeken die toen vervielen, op tijd, te laat en nooit afgehandeld. Nooit afgehandeld telt als niet op tijd. Streefcijfer 95%.',
          w: 24,
          h: 9,
        },
        `SELECT month AS maand, queue_name AS wachtrij, due AS vervallen, completed_on_time AS op_tijd,
       completed_late AS te_laat, not_completed AS niet_afgehandeld, on_time_rate AS op_tijd_percentage
FROM terugbellen_op_tijd_per_maand
${queueNames}
WHERE ${queueFilter} AND month >= toStartOfMonth(${fromDay}) AND month <= ${toDay}
ORDER BY maand DESC, wachtrij`,
        [
          {
            field: 'on_time_rate',
            name: 'op_tijd_percentage',
            unit: 'percentunit',
            decimals: 1,
            steps: targetSteps(0.95),
          },
        ],
      ),
    ],
  });
}

function pipeline(): JsonObject {
  const guard = (expr: string) => `${expr} or on () vector(0)`;
  const quantile = (q: number, metric: string, by: string) =>
    `histogram_quantile(${q}, sum by (${['le', ...(by === '' ? [] : [by])].join(', ')}) (rate(${metric}_bucket[${RI}])))`;
  return dashboard({
    uid: 'bereik-pipeline',
    title: 'Pipeline',
    description:
      'De gezondheid van de bereik-verwerking: doorvoer, achterstand, dead letters, schrijftijd en fouten, open gesprekken en de leeftijd van de laatste commit.',
    time: { from: 'now-3h', to: 'now' },
    refresh: '30s',
    variables: [],
    items: [
      { row: 'Nu' },
      {
        type: 'stat',
        title: 'Achterstand (consumer lag)',
        description:
          'Berichten in Kafka die bereik nog niet gelezen heeft, alle partities samen. Groeit dit, dan loopt bereik achter.',
        w: 4,
        h: 4,
        prometheus: [{ expr: 'sum(bereik_consumer_lag_messages)', instant: true }],
        fieldConfig: {
          defaults: {
            unit: 'short',
            decimals: 0,
            thresholds: thresholds([
              ['green', null],
              ['orange', 1000],
              ['red', 10000],
            ]),
          },
        },
        options: statOptions(),
      },
      {
        type: 'stat',
        title: 'Laatste commit',
        description:
          'Seconden sinds bereik voor het laatst offsets committe (alles tot daar staat in ClickHouse). Oranje na 1 minuut, rood na 5 minuten: bereik staat stil.',
        w: 4,
        h: 4,
        prometheus: [{ expr: 'time() - max(bereik_last_commit_timestamp_seconds)', instant: true }],
        fieldConfig: {
          defaults: {
            unit: 's',
            decimals: 0,
            thresholds: thresholds([
              ['green', null],
              ['orange', 60],
              ['red', 300],
            ]),
          },
        },
        options: statOptions(),
      },
      {
        type: 'stat',
        title: 'Open gesprekken',
        description:
          'Gesprekken die nog niet definitief zijn (lopend of binnen de toegestane vertraging van 5 minuten).',
        w: 4,
        h: 4,
        prometheus: [{ expr: 'sum(bereik_open_calls)', instant: true }],
        fieldConfig: { defaults: { unit: 'short', decimals: 0, thresholds: thresholds(neutral) } },
        options: statOptions('value'),
      },
      {
        type: 'stat',
        title: 'Dead letters',
        description:
          'Berichten die bereik in de gekozen periode naar het dead-letter-topic stuurde (onleesbaar of ongeldig).',
        w: 4,
        h: 4,
        prometheus: [{ expr: 'sum(increase(bereik_dead_letters_total[$__range]))', instant: true }],
        fieldConfig: {
          defaults: {
            unit: 'short',
            decimals: 0,
            thresholds: thresholds([
              ['green', null],
              ['orange', 1],
            ]),
          },
        },
        options: statOptions(),
      },
      {
        type: 'stat',
        title: 'Schrijffouten',
        description:
          'Mislukte schrijfpogingen naar ClickHouse of Kafka in de gekozen periode (bereik probeert opnieuw).',
        w: 4,
        h: 4,
        prometheus: [{ expr: guard('sum(increase(bereik_sink_errors_total[$__range]))'), instant: true }],
        fieldConfig: {
          defaults: {
            unit: 'short',
            decimals: 0,
            thresholds: thresholds([
              ['green', null],
              ['red', 1],
            ]),
          },
        },
        options: statOptions(),
      },
      {
        type: 'stat',
        title: 'Event-tijd (watermark)',
        description: 'Het tijdstip van de laatste gebeurtenis die bereik van de centrale zag (event-tijd).',
        w: 4,
        h: 4,
        prometheus: [{ expr: 'max(bereik_watermark_seconds) * 1000', instant: true }],
        fieldConfig: { defaults: { unit: 'dateTimeAsIso', thresholds: thresholds(neutral) } },
        options: statOptions('none'),
      },
      { row: 'Doorvoer en achterstand' },
      {
        type: 'timeseries',
        title: 'Events per seconde',
        description:
          'Gelezen berichten per seconde, naar wat ermee gebeurde: accepted (verwerkt), duplicate (dubbel), dead_lettered, orphan (bij een gesprek dat niet meer in het geheugen is), redelivered.',
        w: 12,
        h: 8,
        prometheus: [{ expr: `sum by (result) (rate(bereik_events_total[${RI}]))`, legend: '{{result}}' }],
        fieldConfig: { defaults: timeseriesDefaults('cps', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Consumer lag per partitie',
        description: 'Berichten per Kafka-partitie die bereik nog niet gelezen heeft.',
        w: 12,
        h: 8,
        prometheus: [
          {
            expr: 'sum by (topic, partition) (bereik_consumer_lag_messages)',
            legend: '{{topic}} / {{partition}}',
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('short', { min: 0, decimals: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Dead letters per reden',
        description: 'Berichten per minuut naar het dead-letter-topic, per reden.',
        w: 12,
        h: 8,
        prometheus: [
          { expr: `sum by (reason) (rate(bereik_dead_letters_total[${RI}])) * 60`, legend: '{{reason}}' },
        ],
        fieldConfig: { defaults: timeseriesDefaults('cpm', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'bargauge',
        title: 'Dead letters per reden over de periode',
        description: 'Aantal dead letters per reden in de gekozen periode.',
        w: 12,
        h: 8,
        prometheus: [
          {
            expr: 'sum by (reason) (increase(bereik_dead_letters_total[$__range]))',
            legend: '{{reason}}',
            instant: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            decimals: 0,
            min: 0,
            thresholds: thresholds([
              ['green', null],
              ['orange', 1],
            ]),
          },
        },
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
      },
      { row: 'Schrijven en fouten' },
      {
        type: 'timeseries',
        title: 'Schrijftijd per batch',
        description:
          'Mediaan, p95 en p99 van de tijd om één batch weg te schrijven, per sink (clickhouse, dead_letters).',
        w: 12,
        h: 8,
        prometheus: [
          { expr: quantile(0.5, 'bereik_sink_write_seconds', 'sink'), legend: 'Mediaan {{sink}}' },
          { expr: quantile(0.95, 'bereik_sink_write_seconds', 'sink'), legend: 'p95 {{sink}}' },
          { expr: quantile(0.99, 'bereik_sink_write_seconds', 'sink'), legend: 'p99 {{sink}}' },
        ],
        fieldConfig: { defaults: timeseriesDefaults('s', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Fouten en herhaalpogingen',
        description:
          'Per minuut: mislukte schrijfpogingen per sink (0 als er geen zijn), herhaalde Schema Registry-opvragingen, en legs zonder QUEUE_ENTERED (nog niet geteld).',
        w: 12,
        h: 8,
        prometheus: [
          {
            expr: guard(`sum by (sink) (rate(bereik_sink_errors_total[${RI}])) * 60`),
            legend: 'Schrijffouten {{sink}}',
          },
          {
            expr: `sum(rate(bereik_schema_registry_retries_total[${RI}])) * 60`,
            legend: 'Schema Registry opnieuw',
          },
          { expr: `sum(rate(bereik_incomplete_legs_total[${RI}])) * 60`, legend: 'Onvolledige legs' },
        ],
        fieldConfig: { defaults: timeseriesDefaults('cpm', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Correcties en late gebeurtenissen',
        description:
          'Per minuut: herberekende feiten na een late gebeurtenis (call) of een later binnengekomen eerder gesprek (repeat), en gebeurtenissen voor gesprekken die niet meer in het geheugen zijn (opgelost via ClickHouse). 0 als er geen zijn.',
        w: 12,
        h: 8,
        prometheus: [
          {
            expr: guard(`sum by (kind) (rate(bereik_corrections_total[${RI}])) * 60`),
            legend: 'Correctie {{kind}}',
          },
          {
            expr: guard(`sum by (kind) (rate(bereik_orphan_events_total[${RI}])) * 60`),
            legend: 'Wees {{kind}}',
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('cpm', { min: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Vertraging tot tellen en opslaan',
        description:
          'p95 van de tijd van de laatste gebeurtenis van een gesprek in Kafka tot de cijfers in Prometheus geteld zijn en in ClickHouse staan. Inclusief de toegestane vertraging (standaard 5 minuten) die een gesprek wacht.',
        w: 12,
        h: 8,
        prometheus: [
          { expr: quantile(0.95, 'bereik_event_to_metric_seconds', ''), legend: 'Prometheus p95' },
          { expr: quantile(0.95, 'bereik_event_to_row_seconds', ''), legend: 'ClickHouse p95' },
        ],
        fieldConfig: { defaults: timeseriesDefaults('s', { min: 0 }) },
        options: timeseriesOptions,
      },
      { row: 'Geheugen en commits' },
      {
        type: 'timeseries',
        title: 'Gesprekken en terugbelverzoeken in het geheugen',
        description:
          'Open gesprekken (nog niet definitief), alle gesprekken in het geheugen (ook definitieve, voor correcties), terugbelverzoeken in het geheugen, en rijen die wachten op de volgende schrijfronde.',
        w: 12,
        h: 8,
        prometheus: [
          { expr: 'sum(bereik_open_calls)', legend: 'Open gesprekken' },
          { expr: 'sum(bereik_calls_in_memory)', legend: 'Gesprekken in geheugen' },
          { expr: 'sum(bereik_callbacks_in_memory)', legend: 'Terugbelverzoeken in geheugen' },
          { expr: 'sum(bereik_pending_rows)', legend: 'Wachtende rijen' },
        ],
        fieldConfig: { defaults: timeseriesDefaults('short', { min: 0, decimals: 0 }) },
        options: timeseriesOptions,
      },
      {
        type: 'timeseries',
        title: 'Leeftijd laatste commit per partitie',
        description:
          'Seconden sinds de laatste commit, per partitie. Een partitie zonder nieuwe berichten commit niet en veroudert vanzelf; zorgwekkend is een partitie die veroudert terwijl haar achterstand groeit.',
        w: 12,
        h: 8,
        prometheus: [
          {
            expr: 'time() - max by (partition) (bereik_last_commit_timestamp_seconds)',
            legend: 'partitie {{partition}}',
          },
        ],
        fieldConfig: { defaults: timeseriesDefaults('s', { min: 0 }) },
        options: timeseriesOptions,
      },
    ],
  });
}

/** Every dashboard, in the order of the files. */
export function buildDashboards(): JsonObject[] {
  return [live(), vakafdelingen(), terugbelverzoeken(), historie(), pipeline()];
}

/** The file content for a dashboard: 2-space JSON with a final newline. */
export const dashboardFileText = (d: JsonObject) => `${JSON.stringify(d, null, 2)}\n`;
export function dashboardFileName(d: JsonObject): string {
  const uid = d['uid'];
  if (typeof uid !== 'string') throw new Error('a dashboard without uid');
  return `${uid}.json`;
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  mkdirSync(dashboardsDir, { recursive: true });
  let differing = 0;
  for (const d of buildDashboards()) {
    const file = path.join(dashboardsDir, dashboardFileName(d));
    const text = dashboardFileText(d);
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    differing++;
    if (check)
      console.error(`${path.relative(process.cwd(), file)} differs from scripts/build-dashboards.ts`);
    else {
      writeFileSync(file, text);
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
  }
  return check && differing > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
