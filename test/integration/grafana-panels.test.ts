/**
 * Every panel of every Grafana dashboard shows data during a real run. Grafana itself cannot run
 * here, so the test does what Grafana would: simulated switch traffic (with faults) goes through
 * the real Schema Registry and Kafka into a processor, the real local Prometheus scrapes it, and
 * ClickHouse is filled; then every panel query, with its template variables and Grafana's
 * intervals or the ClickHouse plugin's macros substituted (test/helpers/grafana.ts), runs against
 * Prometheus (/api/v1/query_range over the run) and against ClickHouse 18.16 and current
 * ClickHouse (chdb, with the run's rollups copied in). A query without data fails the test,
 * naming the dashboard, the panel and the query as it was sent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Partitioners } from 'kafkajs';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { runProcessor, type RunningProcessor } from '../../src/main.ts';
import { simulate } from '../../src/simulate/index.ts';
import { produceMessages } from '../../src/simulate/produce.ts';
import { schemaStatements } from '../../src/sinks/clickhouse/schema.ts';
import { runOnChdb } from '../../src/stack/chdb.ts';
import { clickhouseClientOptions } from '../../src/sinks/clickhouse/client-options.ts';
import { scrapeTargetsFile, setScrapeTargets } from '../../src/stack/prometheus.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { eventually, kafkaClient, schemaRegistryClient } from '../helpers/clients.ts';
import {
  applyVariableRegex,
  describeQuery,
  expandClickHouseMacros,
  interpolatePrometheus,
  interpolateSql,
  loadDashboards,
  promInstant,
  promRange,
  queriesOf,
  queryResultText,
  scopeToInstance,
  type Dashboard,
  type TimeRange,
  type Variable,
  type VariableValues,
} from '../helpers/grafana.ts';
import {
  allCommitted,
  createRunTopics,
  metricValue,
  runConfig,
  testHmacKey,
  waitUntilProcessed,
  type RunNames,
} from '../helpers/pipeline-run.ts';
import { localStackFallbacks } from '../../src/cli/local-defaults.ts';
import { EVERY_FAULT } from '../../src/simulate/options.ts';

const endpoints = inject('endpoints');
const prometheusUrl = endpoints.prometheus.url;
const dashboards = loadDashboards().map((f) => f.dashboard);

/** The simulated traffic: three days with every fault, like the pipeline end-to-end test. */
const traffic = {
  seed: 11,
  fromMs: Date.parse('2026-11-09T00:00:00+01:00'),
  toMs: Date.parse('2026-11-12T00:00:00+01:00'),
  callsPerDay: 300,
  faults: EVERY_FAULT,
};
/** The scrape interval of the `bereik` job (deploy/prometheus/prometheus.yml) and Grafana's datasource. */
const scrapeSeconds = 5;
/**
 * The processor starts before the traffic, so Prometheus scrapes its counters at zero first. While
 * it waits, its idle watermark must not jump to the wall clock (that would make the simulated past
 * days late events): it may only after this many seconds without messages, which also makes the
 * last calls final after the traffic (and gives a last sink write after the first scrapes).
 */
const idleAdvanceSeconds = 30;

const isPrometheus = (d: { type: string }) => d.type === 'prometheus';
const isClickHouse = (d: { type: string }) => d.type === 'grafana-clickhouse-datasource';

function readScrapeTargets(): string[] {
  try {
    const groups = JSON.parse(readFileSync(scrapeTargetsFile, 'utf8')) as { targets?: string[] }[];
    return groups.flatMap((g) => g.targets ?? []);
  } catch {
    return [];
  }
}

/** Adds our target to the scrape targets (others may be scraped too: queries are scoped by instance). */
async function ensureScrapeTarget(target: string): Promise<void> {
  const current = readScrapeTargets();
  if (!current.includes(target)) await setScrapeTargets([...current, target]);
}

async function removeScrapeTarget(target: string): Promise<void> {
  const current = readScrapeTargets();
  if (current.includes(target)) await setScrapeTargets(current.filter((t) => t !== target));
}

/** The values the test gives each variable: every option of a multi-value variable (All), the current value of a custom one. */
async function prometheusVariableOptions(
  variable: Variable,
  values: VariableValues,
  instance: string,
): Promise<{ text: string; value: string }[]> {
  const query = interpolatePrometheus(variable.query ?? '', values, [], {
    range: '1m',
    rateInterval: '20s',
    interval: '5s',
  });
  const resultQuery = /^query_result\((.*)\)$/s.exec(query.trim());
  if (resultQuery !== null) {
    const samples = await promInstant(prometheusUrl, scopeToInstance(resultQuery[1] ?? '', instance));
    return applyVariableRegex(
      samples.map((s) => queryResultText(s.metric, s.value)),
      variable.regex,
    );
  }
  const labelValues = /^label_values\((.*),\s*(\w+)\)$/s.exec(query.trim());
  if (labelValues !== null) {
    const samples = await promInstant(prometheusUrl, scopeToInstance(labelValues[1] ?? '', instance));
    const label = labelValues[2] ?? '';
    return applyVariableRegex(
      [...new Set(samples.map((s) => s.metric[label] ?? ''))].filter((v) => v !== '').sort(),
      variable.regex,
    );
  }
  throw new Error(`variable ${variable.name}: unsupported Prometheus variable query ${query}`);
}

async function clickhouseVariableOptions(
  client: ClickHouseClient,
  variable: Variable,
  values: VariableValues,
  range: TimeRange,
): Promise<{ text: string; value: string }[]> {
  const sql = expandClickHouseMacros(interpolateSql(variable.query ?? '', values), range);
  const result = await client.query({ query: sql, format: 'JSONCompact' });
  const rows = (await result.json<unknown[]>()).data;
  // grafana-clickhouse-datasource: one column is value and text; with two, the first is the value.
  return rows.map((r) => ({ value: String(r[0]), text: String(r.length > 1 ? r[1] : r[0]) }));
}

/**
 * Every combination of variable values the test runs a dashboard with: each option of a
 * single-value query variable (each gemeente), All for multi-value ones, the current value of a
 * custom variable. Variables are resolved in order, as Grafana does (queue depends on gemeente).
 */
async function variableCombinations(
  dashboard: Dashboard,
  options: (variable: Variable, values: VariableValues) => Promise<{ text: string; value: string }[]>,
): Promise<VariableValues[]> {
  let combinations: VariableValues[] = [{}];
  for (const variable of dashboard.templating.list) {
    const next: VariableValues[] = [];
    for (const values of combinations) {
      if (variable.type === 'custom') {
        const current = variable.current?.value;
        next.push({
          ...values,
          [variable.name]: typeof current === 'string' ? current : (current?.[0] ?? ''),
        });
        continue;
      }
      const found = await options(variable, values);
      if (found.length === 0) throw new Error(`${dashboard.title}: variable ${variable.name} has no options`);
      if (variable.multi === true || variable.includeAll === true) {
        next.push({ ...values, [variable.name]: found.map((o) => o.value) });
      } else {
        for (const o of found) next.push({ ...values, [variable.name]: o.value });
      }
    }
    combinations = next;
  }
  return combinations;
}

const describeValues = (values: VariableValues) =>
  Object.entries(values)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : v.join('|')}`)
    .join(', ');

/** Tables the dashboards' views read (rollups and configuration mirrors), copied into chdb. */
const copiedTables = [
  'queue_hour',
  'queue_day',
  'gemeente_day',
  'callback_day',
  'callback_due_day',
  'streefcijfers',
  'queues',
];

describe('Grafana dashboards on a real run', () => {
  const names: RunNames = runConfig('grafana');
  const instance = `127.0.0.1:${names.httpPort}`;
  const clickhouse = createClient({
    ...clickhouseClientOptions(endpoints.clickhouse.url),
    database: names.database,
  });
  let processor: RunningProcessor | undefined;
  let keeper: NodeJS.Timeout | undefined;
  let window = { start: 0, end: 0 };
  const prometheusEnabled = !endpoints.prometheus.external;
  /** The ClickHouse time range: the simulated days, as a user would pick them. */
  const sqlRange: TimeRange = {
    from: new Date(traffic.fromMs - 24 * 3600_000),
    to: new Date(traffic.toMs + 14 * 24 * 3600_000),
    intervalSeconds: 3600,
  };

  beforeAll(async () => {
    process.env['BEREIK_HMAC_KEY'] = testHmacKey;
    const config = parse(readFileSync(names.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
    config['processing'] = { ...config['processing'], idleAdvanceSeconds };
    writeFileSync(names.configPath, stringify(config));

    // Simulated and the topics made first, so the processor can start (and be scraped at zero) just before the traffic.
    const { messages } = simulate(parseConfig(config), traffic);
    await createRunTopics(endpoints, names);
    const kafka = kafkaClient(endpoints);

    const started = Math.floor(Date.now() / 1000) - 1;
    processor = await runProcessor({
      configPath: names.configPath,
      fallbacks: localStackFallbacks,
      log: createLogger('grafana', 'warn'),
    });
    if (prometheusEnabled) {
      // Other integration tests set the scrape targets too: keep ours in the file while we run.
      await ensureScrapeTarget(instance);
      keeper = setInterval(() => void ensureScrapeTarget(instance).catch(() => undefined), 2000);
      await eventually(
        'Prometheus to scrape the processor before the traffic',
        async () =>
          (await promInstant(prometheusUrl, `bereik_open_calls{instance="${instance}"}`)).length > 0
            ? true
            : undefined,
        60_000,
      );
    }

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await produceMessages(messages, producer, schemaRegistryClient(endpoints), {
      topic: names.topic,
      batchSize: 1000,
    });
    await producer.disconnect();
    await waitUntilProcessed(names.httpPort, () => allCommitted(endpoints, names));
    const processed = Date.now() / 1000;
    // The traffic went through the normal path (not as late events after an idle jump).
    expect(
      await metricValue(names.httpPort, 'bereik_events_total', { result: 'accepted' }),
      `events accepted; 0 means the idle watermark jumped to now before the traffic came (more than ${idleAdvanceSeconds} s to the first scrape)`,
    ).toBeGreaterThan(1000);

    if (prometheusEnabled) {
      // Two scrapes after everything was counted.
      let first: number | undefined;
      await eventually(
        'two Prometheus scrapes after processing',
        async () => {
          const [sample] = await promInstant(
            prometheusUrl,
            `timestamp(bereik_open_calls{instance="${instance}"})`,
          );
          const at = sample === undefined ? 0 : Number(sample.value[1]);
          if (first === undefined) {
            if (at > processed) first = at;
            return undefined;
          }
          return at > first ? at : undefined;
        },
        60_000,
      );
    }
    window = { start: started, end: Math.ceil(Date.now() / 1000) };
    // The samples are in Prometheus now: stop being scraped, so other runs' Prometheus checks never see this processor.
    if (keeper !== undefined) clearInterval(keeper);
    if (prometheusEnabled) await removeScrapeTarget(instance);
  });

  afterAll(async () => {
    if (keeper !== undefined) clearInterval(keeper);
    if (prometheusEnabled) await removeScrapeTarget(instance);
    await processor?.stop();
    await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${names.database}` });
    await clickhouse.close();
  });

  it('has panel queries for both datasources', () => {
    const all = dashboards.flatMap(queriesOf);
    expect(all.filter((q) => isPrometheus(q.datasource)).length).toBeGreaterThan(40);
    expect(all.filter((q) => isClickHouse(q.datasource)).length).toBeGreaterThan(8);
  });

  it.skipIf(!prometheusEnabled)('returns data for every Prometheus panel query over the run', async () => {
    const failures: string[] = [];
    let ran = 0;
    const range = { start: window.start, end: window.end, step: scrapeSeconds };
    const intervals = {
      range: `${window.end - window.start}s`,
      rateInterval: `${4 * scrapeSeconds}s`,
      interval: `${scrapeSeconds}s`,
    };
    for (const dashboard of dashboards) {
      const queries = queriesOf(dashboard).filter((q) => isPrometheus(q.datasource));
      if (queries.length === 0) continue;
      const combinations = await variableCombinations(dashboard, (v, values) =>
        prometheusVariableOptions(v, values, instance),
      );
      for (const values of combinations) {
        for (const q of queries) {
          const sent = scopeToInstance(
            interpolatePrometheus(q.query, values, dashboard.templating.list, intervals),
            instance,
          );
          ran++;
          try {
            const series = await promRange(prometheusUrl, sent, range);
            const finite = series.some((s) => s.values.some(([, v]) => Number.isFinite(Number(v))));
            if (!finite)
              failures.push(
                `${describeQuery(q)} (${describeValues(values)}): ${series.length === 0 ? 'no series' : 'only NaN values'}\n    ${sent}`,
              );
          } catch (error) {
            failures.push(`${describeQuery(q)} (${describeValues(values)}): ${String(error)}\n    ${sent}`);
          }
        }
      }
    }
    expect(ran).toBeGreaterThan(40);
    expect(failures).toEqual([]);
  });

  /** Every ClickHouse query of every dashboard, with variables and macros substituted. */
  async function sqlQueries(): Promise<{ label: string; sql: string }[]> {
    const out: { label: string; sql: string }[] = [];
    for (const dashboard of dashboards) {
      const queries = queriesOf(dashboard).filter((q) => isClickHouse(q.datasource));
      if (queries.length === 0) continue;
      const combinations = await variableCombinations(dashboard, (v, values) =>
        clickhouseVariableOptions(clickhouse, v, values, sqlRange),
      );
      for (const values of combinations) {
        for (const q of queries) {
          out.push({
            label: `${describeQuery(q)} (${describeValues(values)})`,
            sql: expandClickHouseMacros(interpolateSql(q.query, values), sqlRange),
          });
        }
      }
    }
    return out;
  }

  it('returns rows for every ClickHouse panel query on ClickHouse 18.16', async () => {
    const failures: string[] = [];
    const queries = await sqlQueries();
    for (const { label, sql } of queries) {
      try {
        const result = await clickhouse.query({ query: sql, format: 'JSONEachRow' });
        const rows = await result.json();
        if (rows.length === 0) failures.push(`${label}: no rows\n${sql}`);
      } catch (error) {
        failures.push(`${label}: ${String(error)}\n${sql}`);
      }
    }
    expect(queries.length).toBeGreaterThan(8);
    expect(failures).toEqual([]);
  });

  it("returns rows for every ClickHouse panel query on current ClickHouse (chdb) with the run's rollups", async () => {
    const queries = await sqlQueries();
    const script: string[] = [...schemaStatements('bereik')];
    for (const table of copiedTables) {
      // Columns with a DEFAULT (updated_at, applied_at) are left to chdb: 18.16 prints DateTime 0 as 0000-00-00.
      const columns = (
        await (
          await clickhouse.query({
            query: `SELECT name FROM system.columns WHERE database = '${names.database}' AND table = '${table}' AND default_kind = ''`,
            format: 'JSONEachRow',
          })
        ).json<{ name: string }>()
      ).map((c) => c.name);
      const rows = await (
        await clickhouse.query({ query: `SELECT ${columns.join(', ')} FROM ${table}`, format: 'JSONEachRow' })
      ).json<Record<string, unknown>>();
      if (rows.length > 0)
        script.push(
          `INSERT INTO bereik.${table} (${columns.join(', ')}) FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`,
        );
    }
    script.push('USE bereik');
    queries.forEach(({ sql }, i) => {
      script.push(`SELECT '== ${i}'`, sql);
    });
    let output: string;
    try {
      output = await runOnChdb(script.map((s) => `${s};\n`).join('\n'), { keepGoing: true });
    } catch (error) {
      // The message holds every failing statement and ClickHouse's error; name the panels.
      const message = String(error);
      const failing = queries.filter(({ sql }) => message.includes(sql)).map(({ label }) => label);
      throw new Error(`chdb failed for: ${failing.join('; ') || '(not a panel query)'}\n${message}`, {
        cause: error,
      });
    }
    const sections = new Map<number, string[]>();
    let current: string[] | undefined;
    for (const line of output.split('\n')) {
      const marker = /^== (\d+)$/.exec(line);
      if (marker !== null) {
        current = [];
        sections.set(Number(marker[1]), current);
      } else if (line !== '') current?.push(line);
    }
    const empty = queries
      .filter((_, i) => (sections.get(i) ?? []).length === 0)
      .map(({ label, sql }) => `${label}: no rows\n${sql}`);
    expect(queries.length).toBeGreaterThan(8);
    expect(empty).toEqual([]);
  });
});
