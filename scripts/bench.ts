/**
 * `npm run bench`: bereik's throughput and latency on this machine, with the ceilings it is
 * measured against, printed as figures (a benchmark, not a test; nothing here asserts).
 *
 * 1. Puts at least BENCH_EVENTS (default 1 000 000) simulated switch messages in a Kafka topic
 *    (reused on a later run when it is already full).
 * 2. Ceiling A: a bare kafkajs consumer group that only reads the topic.
 * 3. Ceiling B: avsc decoding alone (the wire-format payloads, in memory). Ceiling C: the ledger
 *    alone, every event read through bereik's edge and stored by its sink, nothing derived
 *    (bench-ledger-ceiling.ts): what any design that keeps the events in ClickHouse reaches here.
 * 4. bereik: `bereik run` as a child process on the backlog, from start to every offset committed
 *    (everything in ClickHouse): events per second, peak memory (VmHWM) of the process. Twice:
 *    on the backlog in event-time order, and on a disordered backlog of the same volume and
 *    traffic (the year's days in random order, as a backfill of files in any order would be;
 *    BENCH_DISORDERED_EVENTS sets its size, default BENCH_EVENTS, 0 skips it).
 *    BENCH_BATCH_ROWS sets clickhouse.backlogBatchMaxRows, the flush size while behind (default:
 *    the shipped default, 50 000); the live flush size is the shipped 10 000.
 *    BENCH_HEAP_MIB caps V8's old space of every processor the bench starts
 *    (--max-old-space-size; the bench process itself is not capped); BENCH_NODE_ARGS adds other
 *    Node or V8 options to them (space-separated, e.g. `--max-semi-space-size=64`).
 *    BENCH_PROFILE=1 also profiles this phase: the processor's CPU by part of bereik (V8's
 *    --cpu-prof, folded stacks in .stack/profiles/ for a flame graph, rendered to
 *    .stack/profiles/bereik-flamegraph.svg when inferno-flamegraph is installed) and ClickHouse's
 *    statements by kind (system.query_log).
 *    BENCH_SCALING=1,2,3 also runs the ordered backlog with that many processors in one consumer
 *    group (on one small machine this shows the overhead of sharing the partitions, not a speed-up:
 *    the processors share the cores with each other and the stack).
 *    BENCH_GEMEENTEN_SCALING=2,20,342 also runs an ordered backlog of the same size and traffic
 *    from that many configured gemeenten (copies of the shipped ones beyond the two).
 *    The backlogs' shape: BENCH_GEMEENTEN configured gemeenten (default the shipped 2) over
 *    BENCH_DAYS days from 2025-01-01 (default 365). Every run's RSS is sampled each second and
 *    written as CSV, SVG and PNG under .stack/profiles/, with how flat it stays after warm-up.
 * 5. Latency: a live phase at a steady rate (BENCH_LIVE_CALLS_PER_HOUR, default 3 600, whatever
 *    the hour: see bench-live-traffic.ts), with the allowed lateness set to 0 so the figures are
 *    the pipeline's own (in production add the configured lateness, 5 minutes by default): p50
 *    and p99 from a call's last event reaching Kafka to its facts counted in Prometheus and
 *    acknowledged by ClickHouse, read from bereik's own histograms.
 * 6. A summary: every rate with its ratio to the bare consumer, the disordered rate as a share of
 *    the ordered one, the peak memory of both runs and the latencies.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../src/config/load.ts';
import { SwitchSimulator, type SimMessage } from '../src/simulate/index.ts';
import { Random } from '../src/simulate/random.ts';
import { produceMessages } from '../src/simulate/produce.ts';
import { callEventType } from '../src/sources/kafka/decode-message.ts';
import { stackEndpoints, stackUp } from '../src/stack/stack.ts';
import {
  metricValue,
  runConfig,
  startProcessorProcess,
  waitUntilProcessed,
  type RunNames,
} from '../test/helpers/pipeline-run.ts';
import { CREATED_TOPIC_PARTITIONS } from '../src/sources/kafka/topics.ts';
import { clickhouseClientOptions } from '../src/sinks/clickhouse/client-options.ts';
import { stackDir } from '../src/stack/paths.ts';
import { clickhouseBreakdown, clickhouseCpu, cpuBreakdown, foldedStacks } from './profile-breakdown.ts';
import { benchGemeenten, callsPerGemeente } from './bench-gemeenten.ts';
import { flatness, writeRssPlot, type RssSample } from './rss-plot.ts';
import { steadyCallsPerDay } from './bench-live-traffic.ts';
import { ensureChromium } from '../src/stack/chromium.ts';
import { timeProcessors } from './bench-processors.ts';
import { ledgerCeiling } from './bench-ledger-ceiling.ts';
import { printProcessWarnings } from '../src/telemetry/process-warnings.ts';

// kafkajs's timer in the past (src/telemetry/process-warnings.ts) with every connection is noise
// among the figures; any other warning is printed.
printProcessWarnings();

const target = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const disorderedTarget = Number(process.env['BENCH_DISORDERED_EVENTS'] ?? target);
const days = Number(process.env['BENCH_DAYS'] ?? 365);
if (!Number.isInteger(days) || days < 1)
  throw new RangeError(`BENCH_DAYS takes a number of days >= 1, got ${days}`);
// Read here, not when the live phase starts: a bad value should not cost a whole run first.
const liveSeconds = Number(process.env['BENCH_LIVE_SECONDS'] ?? 60);
if (!(liveSeconds > 0))
  throw new RangeError(
    `BENCH_LIVE_SECONDS takes a number of seconds > 0 (the latency figures need some traffic), got ${process.env['BENCH_LIVE_SECONDS']}`,
  );
const shippedConfig = parse(
  readFileSync(new URL('../deploy/config/bereik.yaml', import.meta.url), 'utf8'),
) as {
  gemeenten: Record<string, unknown>[];
};
const gemeenteCount = Number(process.env['BENCH_GEMEENTEN'] ?? shippedConfig.gemeenten.length);
const gemeenteScaling = listOf('BENCH_GEMEENTEN_SCALING');
// 700 calls a weekday in each of the two shipped gemeenten make about 1 000 000 messages a year:
// more events or fewer days, more calls; spread over however many gemeenten.
const totalCallsPerDay = (2 * 700 * target * 365) / 1_000_000 / days;
const callsPerDay = callsPerGemeente(totalCallsPerDay, gemeenteCount);
/** Topic names say what differs from the default backlog (two gemeenten, a year). */
const shapeOf = (gemeenten: number) =>
  `${gemeenten === 2 ? '' : `.${gemeenten}g`}${days === 365 ? '' : `.${days}d`}`;
const topicFor = (gemeenten: number) => `bench.switch-events.${target}${shapeOf(gemeenten)}`;
const topic = topicFor(gemeenteCount);
const disorderedTopic = `bench.switch-events-disordered.${disorderedTarget}.${callsPerDay}${shapeOf(gemeenteCount)}`;
const yearFrom = Date.parse('2025-01-01T00:00:00+01:00');
const yearTo = yearFrom + days * 86_400_000;
const summary: string[] = [];
const scaling = listOf('BENCH_SCALING');
function listOf(name: string): number[] {
  return (process.env[name] ?? '')
    .split(',')
    .filter((n) => n.trim() !== '')
    .map(Number);
}
// Checked before anything runs, so a typo does not cost the backlog phases first.
for (const count of gemeenteScaling) benchGemeenten(shippedConfig.gemeenten, count);
benchGemeenten(shippedConfig.gemeenten, gemeenteCount);
for (const count of scaling) {
  if (!Number.isInteger(count) || count < 1 || count > CREATED_TOPIC_PARTITIONS) {
    throw new RangeError(
      `BENCH_SCALING takes processor counts from 1 to ${CREATED_TOPIC_PARTITIONS}, e.g. 1,2,3; got ${count}`,
    );
  }
}
const log = (line: string) => {
  console.log(line);
};

await stackUp();
const endpoints = stackEndpoints();
const kafka = new Kafka({
  clientId: 'bereik-bench',
  brokers: endpoints.kafka.url.split(','),
  logLevel: logLevel.ERROR,
});
const registry = new SchemaRegistry({ host: endpoints.schemaRegistry.url });
const admin = kafka.admin();
const benchKafka = { admin, endpoints };
await admin.connect();

async function topicSize(topic: string): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) return 0;
  // A broker that has just started answers "not the leader" until its partitions have loaded.
  for (let attempt = 1; ; attempt++) {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } catch (error) {
      if ((error as { retriable?: unknown }).retriable !== true || attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

// 1. The backlogs. Reused when there and their schema id still names the switch's schema (the
// registry's data may have been deleted since, or the backlog made against another registry).
async function backlogUsable(topic: string, size: number): Promise<boolean> {
  if ((await topicSize(topic)) < size) return false;
  const probe = kafka.consumer({ groupId: `bench-probe-${Date.now()}` });
  await probe.connect();
  await probe.subscribe({ topic, fromBeginning: true });
  const first = await new Promise<Buffer | null>((resolve) => {
    void probe.run({
      eachMessage: ({ message }) => {
        resolve(message.value);
        return Promise.resolve();
      },
    });
  });
  await probe.disconnect();
  if (first === null || first.length < 5) return false;
  const schema = (await registry.getSchema(first.readInt32BE(1)).catch(() => undefined)) as
    { name?: string } | undefined;
  return schema?.name === 'nl.veertien.switch.v1.CallEvent';
}

/** Puts `size` messages of `messages()` in `topic` unless it holds them already; its size after. */
async function ensureBacklog(
  topic: string,
  size: number,
  messages: () => Iterable<SimMessage>,
): Promise<number> {
  if (!(await backlogUsable(topic, size)) && (await admin.listTopics()).includes(topic)) {
    log(`${topic} is stale or short: producing it again`);
    await admin.deleteTopics({ topics: [topic] });
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  if ((await topicSize(topic)) < size) {
    if ((await topicSize(topic)) === 0)
      await admin.createTopics({
        topics: [{ topic, numPartitions: CREATED_TOPIC_PARTITIONS }],
        waitForLeaders: true,
      });
    log(`producing ${size} simulated messages to ${topic} ...`);
    const limited = (function* () {
      let n = 0;
      for (const m of messages()) {
        if (n++ >= size) return;
        yield m;
      }
    })();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const started = performance.now();
    await produceMessages(limited, producer, registry, { topic, batchSize: 5000 });
    await producer.disconnect();
    log(`  produced in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return topicSize(topic);
}

/** The configuration of the runs with `count` gemeenten, as the simulator and the processors get it. */
const rawConfigWith = (count: number) => ({
  ...shippedConfig,
  gemeenten: benchGemeenten(shippedConfig.gemeenten, count),
});
const simulatorConfig = parseConfig(rawConfigWith(gemeenteCount));
/** The backlog's traffic in event-time order, of `gemeenten` gemeenten making the same calls in total. */
const orderedYear = (gemeenten = gemeenteCount) =>
  new SwitchSimulator(gemeenten === gemeenteCount ? simulatorConfig : parseConfig(rawConfigWith(gemeenten)), {
    seed: 2026,
    fromMs: yearFrom,
    toMs: yearTo,
    callsPerDay: callsPerGemeente(totalCallsPerDay, gemeenten),
    runId: 'bench',
  }).messages();
/** The same kind of traffic, a day at a time, the days in random order (and again, should a year be too little). */
function* disorderedYear(): Generator<SimMessage> {
  const days: number[] = [];
  for (let day = yearFrom; day < yearTo; day += 86_400_000) days.push(day);
  for (let round = 0; ; round++) {
    const order = [...days];
    new Random(2026 + round, 'bench-day-order').shuffle(order);
    for (const [i, fromMs] of order.entries()) {
      yield* new SwitchSimulator(simulatorConfig, {
        seed: 2026 + round * 1000 + i,
        fromMs,
        toMs: fromMs + 86_400_000,
        callsPerDay,
        runId: `benchd${round}x${i}`,
      }).messages();
    }
  }
}

const messages = await ensureBacklog(topic, target, orderedYear);
log(`backlog: ${messages} messages in ${topic} (6 partitions)`);
const disorderedMessages =
  disorderedTarget > 0 ? await ensureBacklog(disorderedTopic, disorderedTarget, disorderedYear) : 0;
if (disorderedMessages > 0)
  log(`disordered backlog: ${disorderedMessages} messages in ${disorderedTopic} (days in random order)`);

// 2. Ceiling A: a bare consumer group.
async function bareConsumer(): Promise<{ seconds: number; values: Buffer[] }> {
  const consumer = kafka.consumer({ groupId: `bench-bare-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: Buffer[] = [];
  let seen = 0;
  let started = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (started === 0) started = performance.now();
        for (const m of batch.messages) if (values.length < 200_000 && m.value !== null) values.push(m.value);
        seen += batch.messages.length;
        if (seen >= messages) resolve();
        return Promise.resolve();
      },
    });
  });
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return { seconds, values };
}
const bare = await bareConsumer();
const bareRate = messages / bare.seconds;
log(
  `bare kafkajs consumer: ${Math.round(bareRate).toLocaleString('en')} msg/s (${bare.seconds.toFixed(1)} s)`,
);

// 3. Ceiling B: avsc decoding alone.
const payloads = bare.values.filter((v) => v[0] === 0).map((v) => v.subarray(5));
let decoded = 0;
const decodeStarted = performance.now();
for (let round = 0; round < 5; round++) {
  for (const p of payloads) {
    try {
      callEventType.fromBuffer(p);
      decoded++;
    } catch {
      // malformed on purpose
    }
  }
}
const decodeRate = decoded / ((performance.now() - decodeStarted) / 1000);
log(`avsc decoding alone: ${Math.round(decodeRate).toLocaleString('en')} msg/s (${decoded} decodes)`);

const benchDatabases: string[] = [];

// Ceiling C: the ledger alone.
const ledger = await (async () => {
  const database = `bench_ledger_${Date.now().toString(36)}`;
  benchDatabases.push(database);
  const clickhouse = createClient(clickhouseClientOptions(endpoints.clickhouse.url));
  try {
    const since = Date.now() / 1000;
    const run = await ledgerCeiling({
      kafka,
      registry,
      clickhouse,
      database,
      topic,
      messages,
      config: simulatorConfig,
    });
    const statements = await clickhouseCpu(clickhouse, database, since);
    const perMillion = (cpuSeconds: number) => (cpuSeconds / messages) * 1_000_000;
    return {
      ...run,
      rate: messages / run.seconds,
      cpuPerMillion: perMillion(run.cpuSeconds),
      clickhouseCpuPerMillion: perMillion(statements.userSeconds + statements.systemSeconds),
    };
  } finally {
    await clickhouse.close();
  }
})();
log(
  `the ledger alone (read, decode, validate, store every event, commit; nothing derived): ${Math.round(ledger.rate).toLocaleString('en')} msg/s (${ledger.seconds.toFixed(1)} s, ${ledger.stored} events stored; CPU per million messages ${ledger.cpuPerMillion.toFixed(1)} s reading and ${ledger.clickhouseCpuPerMillion.toFixed(1)} s ClickHouse)`,
);

// 4. bereik on the backlogs.
function benchConfig(
  prefix: string,
  overrides: { topic: string; allowedLatenessSeconds?: number; gemeenten?: number },
): RunNames {
  const names = runConfig(prefix);
  benchDatabases.push(names.database);
  const config = parse(readFileSync(names.configPath, 'utf8')) as Record<string, unknown> &
    Record<'kafka' | 'processing' | 'clickhouse', Record<string, unknown>>;
  config['gemeenten'] = rawConfigWith(overrides.gemeenten ?? gemeenteCount).gemeenten;
  config['kafka'] = { ...config['kafka'], topic: overrides.topic };
  if (overrides.allowedLatenessSeconds !== undefined) {
    config['processing'] = {
      ...config['processing'],
      allowedLatenessSeconds: overrides.allowedLatenessSeconds,
    };
  }
  const backlogRows = process.env['BENCH_BATCH_ROWS'];
  // The shipped flush sizes, not the test runs' small ones (runConfig): the backlog size left out
  // takes the configuration's default.
  const { backlogBatchMaxRows: _testRunSize, ...clickhouse } = config['clickhouse'];
  config['clickhouse'] = {
    ...clickhouse,
    batchMaxWaitMs: 1000,
    batchMaxRows: 10_000,
    ...(backlogRows !== undefined && { backlogBatchMaxRows: Number(backlogRows) }),
  };
  writeYaml(names.configPath, config);
  return { ...names, topic: overrides.topic };
}
function writeYaml(file: string, value: unknown): void {
  writeFileSync(file, stringify(value));
}

interface BacklogRun {
  readonly rate: number;
  readonly seconds: number;
  readonly peakMiB: number;
  readonly outcomes: Readonly<Record<string, number>>;
  /** CPU seconds per million messages: the processor's, and ClickHouse's on the run's statements. */
  readonly processorCpuPerMillion: number;
  readonly clickhouseCpuPerMillion: number;
  /**
   * Of ClickHouse's, the kernel's share: on ext4 it grows with the files deleted in the minutes
   * before (the parts a drop or merges removed), whatever the code; read pairs of runs with it.
   */
  readonly clickhouseSystemPerMillion: number;
}

/** `bereik run` on a backlog from its start to every offset committed; profiled when asked. */
async function runBacklog(
  label: string,
  names: RunNames,
  size: number,
  profile: boolean,
): Promise<BacklogRun> {
  const profileDir = path.join(stackDir, 'profiles', `bench-${Date.now()}`);
  const profileSince = Date.now() / 1000;
  const run = await timeProcessors(benchKafka, names, 1, [
    ...heapArgs,
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
  ]);
  const accepted = (await metricValue(names.httpPort, 'bereik_events_total')) ?? 0;
  const outcomes = Object.fromEntries(
    await Promise.all(
      ['accepted', 'orphan', 'duplicate', 'dead_lettered', 'redelivered'].map(
        async (result) =>
          [result, (await metricValue(names.httpPort, 'bereik_events_total', { result })) ?? 0] as const,
      ),
    ),
  );
  // The profile is written when the processor exits.
  await run.stop();
  const { seconds, peakMiB } = run;
  await reportMemory(label, run.samples);
  const rate = size / seconds;
  log(
    `bereik ${label}: ${Math.round(rate).toLocaleString('en')} msg/s (${size} messages, ${accepted} handled, ${seconds.toFixed(1)} s from process start to all committed, ClickHouse included)`,
  );
  log(
    `  = ${((rate / bareRate) * 100).toFixed(1)}% of the bare consumer, ${((rate / decodeRate) * 100).toFixed(1)}% of avsc decoding alone`,
  );
  log(`  peak memory (VmHWM) of the processor: ${peakMiB.toFixed(0)} MiB`);
  log(
    `  events by result: ${JSON.stringify(outcomes)} (late events settled against the store: ${outcomes['orphan'] ?? 0})`,
  );
  const clickhouse = createClient(clickhouseClientOptions(endpoints.clickhouse.url));
  const statements = await clickhouseCpu(clickhouse, names.database, profileSince).finally(() =>
    clickhouse.close(),
  );
  const perMillion = (cpuSeconds: number) => (cpuSeconds / size) * 1_000_000;
  const processorCpuPerMillion = perMillion(run.cpuSeconds);
  const clickhouseCpuPerMillion = perMillion(statements.userSeconds + statements.systemSeconds);
  // Which side did the work: the processor or ClickHouse (compare within back-to-back runs only).
  log(
    `  CPU: processor ${run.cpuSeconds.toFixed(1)} s (user and system), ClickHouse ${statements.userSeconds.toFixed(1)} s user and ${statements.systemSeconds.toFixed(1)} s system in ${statements.statements} statements; per million messages ${processorCpuPerMillion.toFixed(1)} s and ${clickhouseCpuPerMillion.toFixed(1)} s`,
  );
  if (profile) await printProfile(profileDir, names.database, profileSince);
  return {
    rate,
    seconds,
    peakMiB,
    outcomes,
    processorCpuPerMillion,
    clickhouseCpuPerMillion,
    clickhouseSystemPerMillion: perMillion(statements.systemSeconds),
  };
}

/** The RSS series of a run: how flat it stays after warm-up, and the files that plot it. */
async function reportMemory(
  label: string,
  samples: readonly RssSample[],
  gemeenten = gemeenteCount,
): Promise<void> {
  const sorted = [...samples].sort((a, b) => a.seconds - b.seconds);
  const flat = flatness(sorted);
  if (flat !== undefined)
    log(
      `  RSS after warm-up (${flat.warmUpSeconds.toFixed(0)} s): ${flat.minMiB.toFixed(0)} to ${flat.maxMiB.toFixed(0)} MiB, ` +
        `last fifth ${flat.driftPercent >= 0 ? '+' : ''}${flat.driftPercent.toFixed(1)} % against the first`,
    );
  const chromium = await ensureChromium().catch(() => undefined);
  const base = path.join(stackDir, 'profiles', `rss-${label.replaceAll(' ', '-')}-${Date.now()}`);
  const title = `bereik ${label}: ${messages.toLocaleString('en')} messages, ${gemeenten} gemeenten, ${days} days`;
  log(`  RSS every second: ${(await writeRssPlot(sorted, base, title, chromium)).join(', ')}`);
}

const profiling = process.env['BENCH_PROFILE'] === '1';
/** BENCH_HEAP_MIB: V8's old-space limit for the processors only (the bench itself holds whole backlogs). */
const heapMiB = process.env['BENCH_HEAP_MIB'];
if (heapMiB !== undefined && !/^[1-9]\d*$/.test(heapMiB)) {
  throw new Error(`BENCH_HEAP_MIB must be a whole number of MiB, got '${heapMiB}'`);
}
const heapArgs = [
  ...(heapMiB === undefined ? [] : [`--max-old-space-size=${heapMiB}`]),
  ...(process.env['BENCH_NODE_ARGS'] ?? '').split(/\s+/).filter((arg) => arg !== ''),
];
// A fresh start over an ordered backlog reads it in event time: no event should take the orphan path.
const ordered = await runBacklog('ordered', benchConfig('bench', { topic }), messages, profiling);
const disordered =
  disorderedMessages > 0
    ? await runBacklog(
        'disordered',
        benchConfig('benchdis', { topic: disorderedTopic }),
        disorderedMessages,
        false,
      )
    : undefined;

// 4b. Several processors in one consumer group on the ordered backlog (BENCH_SCALING=1,2,3).
async function runGroup(count: number): Promise<{ rate: number; peakMiB: number }> {
  const run = await timeProcessors(benchKafka, benchConfig(`benchx${count}`, { topic }), count, heapArgs);
  await run.stop();
  const rate = messages / run.seconds;
  log(
    `bereik ordered, ${count} processor(s) in one group: ${Math.round(rate).toLocaleString('en')} msg/s (${run.seconds.toFixed(1)} s), highest peak RSS ${run.peakMiB.toFixed(0)} MiB`,
  );
  return { rate, peakMiB: run.peakMiB };
}
const scaled: { count: number; rate: number; peakMiB: number }[] = [];
for (const count of scaling) {
  scaled.push({ count, ...(await runGroup(count)) });
}

// 4c. The same number of messages from more or fewer gemeenten (BENCH_GEMEENTEN_SCALING=2,20,342).
const byGemeenten: { count: number; rate: number; peakMiB: number }[] = [];
for (const count of gemeenteScaling) {
  const countTopic = topicFor(count);
  const size = await ensureBacklog(countTopic, target, () => orderedYear(count));
  const run = await timeProcessors(
    benchKafka,
    benchConfig(`benchg${count}`, { topic: countTopic, gemeenten: count }),
    1,
    heapArgs,
  );
  await run.stop();
  const rate = size / run.seconds;
  log(
    `bereik ordered, ${count} gemeenten: ${Math.round(rate).toLocaleString('en')} msg/s (${size} messages, ${run.seconds.toFixed(1)} s), peak RSS ${run.peakMiB.toFixed(0)} MiB`,
  );
  await reportMemory(`${count} gemeenten`, run.samples, count);
  byGemeenten.push({ count, rate, peakMiB: run.peakMiB });
}

// 5. Latency at a steady rate.
const liveTopic = `bench.live.${Date.now()}`;
await admin.createTopics({
  topics: [{ topic: liveTopic, numPartitions: CREATED_TOPIC_PARTITIONS }],
  waitForLeaders: true,
});
const live = benchConfig('benchlive', { topic: liveTopic, allowedLatenessSeconds: 0 });
const liveChild = startProcessorProcess(endpoints, live, live.httpPort, heapArgs);
process.on('exit', () => {
  liveChild.kill('SIGKILL');
});
await waitUntilProcessed(live.httpPort, () => Promise.resolve(true), 120_000);
const liveCallsPerHour = Number(process.env['BENCH_LIVE_CALLS_PER_HOUR'] ?? 3600);
log(`live phase: ${liveSeconds} s of real-time traffic, about ${liveCallsPerHour} calls an hour ...`);
const liveFrom = Date.now();
const liveSim = new SwitchSimulator(simulatorConfig, {
  seed: 7,
  fromMs: liveFrom,
  toMs: liveFrom + liveSeconds * 1000,
  callsPerDay: steadyCallsPerDay(simulatorConfig, liveCallsPerHour, liveFrom, liveSeconds),
  runId: `live${liveFrom}`,
});
const liveProducer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await liveProducer.connect();
const stop = new AbortController();
setTimeout(
  () => {
    stop.abort();
  },
  (liveSeconds + 30) * 1000,
);
const produced = await produceMessages(liveSim.messages(), liveProducer, registry, {
  topic: liveTopic,
  realTime: true,
  batchSize: 50,
  signal: stop.signal,
});
await liveProducer.disconnect();
await new Promise((resolve) => setTimeout(resolve, 5000));
const metricsText = await (await fetch(`http://127.0.0.1:${live.httpPort}/metrics`)).text();
liveChild.kill('SIGTERM');
log(`  ${produced.messages} messages produced in real time`);
const latencies = (
  [
    ['bereik_event_to_metric_seconds', 'to the Prometheus counter'],
    ['bereik_event_to_row_seconds', 'to the ClickHouse row'],
  ] as const
).map(
  ([name, what]) =>
    `latency ${what}: p50 ${quantile(metricsText, name, 0.5)}, p99 ${quantile(metricsText, name, 0.99)} (${count(metricsText, name)} calls)`,
);
for (const line of latencies) log(`  ${line}`);
await admin.disconnect();

// 6. Everything in one place, each rate against the bare consumer.
const rateLine = (what: string, rate: number, note = '') =>
  `${what.padEnd(26)} ${Math.round(rate).toLocaleString('en').padStart(10)} msg/s ${`${((rate / bareRate) * 100).toFixed(1)} %`.padStart(8)} of bare${note}`;
const cpuLine = (what: string, run: BacklogRun) =>
  `${`${what}, CPU`.padEnd(26)} ${run.processorCpuPerMillion.toFixed(1).padStart(10)} s processor, ${run.clickhouseCpuPerMillion.toFixed(1)} s ClickHouse (${run.clickhouseSystemPerMillion.toFixed(1)} s of it system), per million messages`;
summary.push(
  rateLine('bare kafkajs consumer', bareRate),
  rateLine('avsc decoding alone', decodeRate),
  rateLine(
    'the ledger alone',
    ledger.rate,
    `, CPU ${ledger.cpuPerMillion.toFixed(1)} s reading, ${ledger.clickhouseCpuPerMillion.toFixed(1)} s ClickHouse, per million messages`,
  ),
  rateLine('bereik ordered', ordered.rate, `, peak RSS ${ordered.peakMiB.toFixed(0)} MiB`),
  cpuLine('bereik ordered', ordered),
);
if (disordered !== undefined)
  summary.push(
    rateLine(
      'bereik disordered',
      disordered.rate,
      `, peak RSS ${disordered.peakMiB.toFixed(0)} MiB, ${((disordered.rate / ordered.rate) * 100).toFixed(0)} % of ordered`,
    ),
    cpuLine('bereik disordered', disordered),
  );
for (const { count, rate, peakMiB } of scaled)
  summary.push(
    rateLine(
      `bereik ${count} processor(s)`,
      rate,
      `, highest peak RSS ${peakMiB.toFixed(0)} MiB (all on these ${os.cpus().length} cores)`,
    ),
  );
for (const { count, rate, peakMiB } of byGemeenten)
  summary.push(rateLine(`bereik ${count} gemeenten`, rate, `, peak RSS ${peakMiB.toFixed(0)} MiB`));
summary.push(...latencies);
log(
  `\nsummary (${messages} messages, ${gemeenteCount} gemeenten, ${days} days, ${os.cpus().length} cores${heapMiB === undefined ? '' : `, processors' heap capped at ${heapMiB} MiB`}):`,
);
for (const line of summary) log(`  ${line}`);
await dropBenchDatabases();
process.exit(0);

/**
 * The runs' databases go (BENCH_KEEP=1 keeps them): ClickHouse 18.16 loads every table when it
 * starts, and a few runs' worth of tables made it miss the stack's start-up wait. After the
 * summary, and a drop that fails only says so: the figures are printed either way. Dropping ten
 * million messages' tables on ext4 while the server still merges took longer than a statement's
 * usual timeout, so a drop may take up to ten minutes.
 */
async function dropBenchDatabases(): Promise<void> {
  if (process.env['BENCH_KEEP'] === '1') return;
  const options = clickhouseClientOptions(endpoints.clickhouse.url);
  const clickhouse = createClient({
    ...options,
    request_timeout: 600_000,
    // Headers every ten seconds keep so long a request's connection from looking idle.
    clickhouse_settings: {
      ...options.clickhouse_settings,
      send_progress_in_http_headers: 1,
      http_headers_progress_interval_ms: '10000',
    },
  });
  for (const database of benchDatabases) {
    try {
      await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    } catch (error) {
      log(
        `could not drop the bench database ${database} (${error instanceof Error ? error.message : String(error)}): drop it by hand, \`DROP DATABASE IF EXISTS ${database}\``,
      );
    }
  }
  await clickhouse.close();
}

async function printProfile(dir: string, database: string, since: number): Promise<void> {
  const profile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (profile === undefined) {
    log(`  no CPU profile in ${dir}`);
  } else {
    log('  processor CPU by part (self time, natives charged to their caller):');
    for (const p of cpuBreakdown(path.join(dir, profile)))
      log(
        `    ${p.part.padEnd(45)} ${(p.ms / 1000).toFixed(1).padStart(7)} s ${(p.share * 100).toFixed(1).padStart(5)} %`,
      );
    const folded = path.join(dir, 'bereik.folded');
    foldedStacks(path.join(dir, profile), folded);
    const svg = path.join(dir, 'bereik-flamegraph.svg');
    const rendered = spawnSync('inferno-flamegraph', ['--title', 'bereik on the bench backlog', folded], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (rendered.status === 0) {
      writeFileSync(svg, rendered.stdout);
      log(`  flame graph: ${svg}`);
    } else {
      log(`  folded stacks: ${folded} (install inferno, \`cargo install inferno\`, for the flame graph)`);
    }
  }
  const clickhouse = createClient(clickhouseClientOptions(endpoints.clickhouse.url));
  log('  ClickHouse by statement kind (system.query_log):');
  log(
    `    ${'kind'.padEnd(40)} ${'count'.padStart(7)} ${'total s'.padStart(9)} ${'rows read'.padStart(12)} ${'rows written'.padStart(13)}`,
  );
  for (const k of await clickhouseBreakdown(clickhouse, database, since))
    log(
      `    ${k.kind.padEnd(40)} ${String(k.count).padStart(7)} ${(k.durationMs / 1000).toFixed(1).padStart(9)} ${k.readRows.toLocaleString('en').padStart(12)} ${k.writtenRows.toLocaleString('en').padStart(13)}`,
    );
  await clickhouse.close();
}

/** A quantile from a Prometheus histogram's buckets, as the upper bound of the bucket it falls in. */
function quantile(text: string, name: string, q: number): string {
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))].map(
    (m) => [m[1] ?? '', Number(m[2])] as const,
  );
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return 'n/a';
  const hit = buckets.find(([, c]) => c >= q * total);
  return hit === undefined ? 'n/a' : `<= ${hit[0]} s`;
}
function count(text: string, name: string): number {
  return Number(new RegExp(`^${name}_count (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}
