/**
 * A whole bereik run against the real stack, for end-to-end tests: a unique topic, consumer group,
 * dead-letter topic, ClickHouse database and metrics port per run; the simulator's traffic (with
 * faults) produced through the real Schema Registry; the processor in this process or as a child
 * process (which tests can SIGKILL); and waits until everything produced is processed and stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { simulate, type GroundTruth, type SimulatorOptionsInput } from '../../src/simulate/index.ts';
import { produceMessages } from '../../src/simulate/produce.ts';
import type { StackEndpoints } from '../../src/stack/stack.ts';
import { CREATED_TOPIC_PARTITIONS } from '../../src/sources/kafka/topics.ts';
import { repoRoot } from '../../src/stack/paths.ts';
import { PROCESSOR_NODE_FLAGS } from '../../src/cli/processor-node-flags.ts';
import { kafkaClient, schemaRegistryClient, uniqueName } from './clients.ts';

export const testHmacKey = 'end-to-end-test-key-0123456789abcdef';

export interface RunNames {
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  readonly database: string;
  readonly httpPort: number;
  readonly configPath: string;
}

let nextPort = 19500 + Math.floor(Math.random() * 300);

/** Writes a configuration for one run: the shipped example with unique names and quick timings. */
export function runConfig(prefix: string): RunNames {
  const id = uniqueName(prefix);
  const names = {
    topic: `${id}.events`,
    deadLetterTopic: `${id}.dead-letters`,
    groupId: `${id}-group`,
    database: id.replaceAll('-', '_'),
    httpPort: nextPort++,
  };
  const config = parse(
    readFileSync(path.join(repoRoot, 'deploy', 'config', 'bereik.yaml'), 'utf8'),
  ) as Record<string, Record<string, unknown>>;
  config['kafka'] = {
    ...config['kafka'],
    topic: names.topic,
    deadLetterTopic: names.deadLetterTopic,
    groupId: names.groupId,
    sessionTimeoutMs: 6000,
  };
  // Small flushes: a test's backlog of a few thousand messages then counts as catching up, so
  // writes overlap reading as on a production backlog (kills and partition moves included).
  config['clickhouse'] = {
    ...config['clickhouse'],
    database: names.database,
    batchMaxWaitMs: 500,
    batchMaxRows: 500,
    backlogBatchMaxRows: 2000,
  };
  config['http'] = { host: '127.0.0.1', port: names.httpPort };
  config['processing'] = { ...config['processing'], idleAdvanceSeconds: 2 };
  const dir = mkdtempSync(path.join(tmpdir(), 'bereik-e2e-'));
  const configPath = path.join(dir, 'bereik.yaml');
  writeFileSync(configPath, stringify(config));
  return { ...names, configPath };
}

/** Creates the run's switch topic (6 partitions) and dead-letter topic. */
export async function createRunTopics(endpoints: StackEndpoints, names: RunNames): Promise<void> {
  const admin = kafkaClient(endpoints).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        { topic: names.topic, numPartitions: CREATED_TOPIC_PARTITIONS },
        { topic: names.deadLetterTopic, numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

/** Simulates traffic and produces it to the run's topic (6 partitions); returns the ground truth. */
export async function produceTraffic(
  endpoints: StackEndpoints,
  names: RunNames,
  options: SimulatorOptionsInput,
): Promise<GroundTruth> {
  const config = parse(readFileSync(names.configPath, 'utf8')) as Parameters<typeof simulate>[0];
  const { parseConfig } = await import('../../src/config/load.ts');
  const { messages, truth } = simulate(parseConfig(config), options);
  await createRunTopics(endpoints, names);
  const kafka = kafkaClient(endpoints);
  const { Partitioners } = await import('kafkajs');
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await produceMessages(messages, producer, schemaRegistryClient(endpoints), {
    topic: names.topic,
    batchSize: 1000,
  });
  await producer.disconnect();
  return truth;
}

/** Reads the processor's /metrics and returns one sample's value (summed over the labels given). */
export async function metricValue(
  port: number,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  let text: string;
  try {
    text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } catch {
    return undefined;
  }
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (!wanted) continue;
    total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/**
 * Waits until the processor on `port` has consumed `messages` messages in total (over its whole
 * life, or of this process when it restarted), holds no open call and has nothing left to flush.
 */
export async function waitUntilProcessed(
  port: number,
  isDone: () => Promise<boolean>,
  timeoutMs = 240_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await metricValue(port, 'bereik_open_calls');
    const pending = await metricValue(port, 'bereik_pending_rows');
    // A broker restarting answers 'coordinator loading' for a while: not an answer, ask again.
    if (open === 0 && pending === 0 && (await isDone().catch(() => false))) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`processor on port ${port} did not finish within ${timeoutMs} ms`);
}

/** Starts `bereik run` as a child process (so a test can SIGKILL it). */
export function startProcessorProcess(
  endpoints: StackEndpoints,
  names: RunNames,
  httpPort: number = names.httpPort,
  /** Options for Node itself besides the shipped ones, e.g. `--cpu-prof` (the bench's profile). */
  nodeArgs: readonly string[] = [],
): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      ...PROCESSOR_NODE_FLAGS,
      ...nodeArgs,
      path.join(repoRoot, 'bin', 'bereik.js'),
      'run',
      '--config',
      names.configPath,
      '--http-port',
      String(httpPort),
    ],
    {
      env: {
        ...process.env,
        BEREIK_HMAC_KEY: testHmacKey,
        KAFKA_BROKERS: endpoints.kafka.url,
        SCHEMA_REGISTRY_URL: endpoints.schemaRegistry.url,
        CLICKHOUSE_URL: endpoints.clickhouse.url,
        BEREIK_LOG_LEVEL: process.env['BEREIK_TEST_LOG_LEVEL'] ?? 'warn',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  return child;
}

/** True when the run's consumer group has committed every partition up to its end. */
export async function allCommitted(endpoints: StackEndpoints, names: RunNames): Promise<boolean> {
  const admin = kafkaClient(endpoints).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(names.topic);
    const [committed] = await admin.fetchOffsets({ groupId: names.groupId, topics: [names.topic] });
    const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    // A partition that never held a message has nothing to commit (its committed offset stays -1).
    return ends.every((e) => {
      const offset = byPartition.get(e.partition) ?? -1;
      return offset === Number(e.high) || (offset < 0 && Number(e.high) === Number(e.low));
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Counts the run's dead letters by the `bereik-reason` header, once per source message (partition
 * and offset), checking each carries its original bytes; copies of one source message are counted
 * under 'written twice'.
 */
export async function deadLettersByReason(
  endpoints: StackEndpoints,
  names: RunNames,
  expected: number,
): Promise<Record<string, number>> {
  const consumer = kafkaClient(endpoints).consumer({ groupId: `${names.groupId}-dlq-reader` });
  const registry = schemaRegistryClient(endpoints);
  await consumer.connect();
  await consumer.subscribe({ topic: names.deadLetterTopic, fromBeginning: true });
  const counts: Record<string, number> = {};
  const sources = new Set<string>();
  let seen = 0;
  await consumer.run({
    eachMessage: async ({ message }) => {
      const reason = message.headers?.['bereik-reason']?.toString() ?? 'missing header';
      // The same reason, machine-readable: an Avro nl.bereik.v1.DeadLetter through the registry.
      const encoded = message.headers?.['bereik-dead-letter'];
      const decoded = Buffer.isBuffer(encoded)
        ? ((await registry.decode(encoded)) as { reason: string })
        : undefined;
      if (decoded?.reason !== reason.toUpperCase().replaceAll('-', '_'))
        counts['header mismatch'] = (counts['header mismatch'] ?? 0) + 1;
      if (message.headers?.['bereik-source-offset'] === undefined || message.value === null)
        counts['without origin'] = (counts['without origin'] ?? 0) + 1;
      const source = `${message.headers?.['bereik-source-partition']?.toString() ?? ''}/${message.headers?.['bereik-source-offset']?.toString() ?? ''}`;
      if (sources.has(source)) {
        counts['written twice'] = (counts['written twice'] ?? 0) + 1;
        return;
      }
      sources.add(source);
      counts[reason] = (counts[reason] ?? 0) + 1;
      seen++;
    },
  });
  const deadline = Date.now() + 30_000;
  while (seen < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  // A little longer, so a surplus (dead letters written twice) shows too.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await consumer.disconnect();
  return counts;
}
