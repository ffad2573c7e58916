/**
 * Checks that the installed kafkajs works against a Kafka broker the way bereik uses it:
 * produce, consume in a consumer group (classic protocol), commit offsets by hand, restart the
 * consumer and verify that nothing is delivered twice and that the committed offsets are what
 * admin.fetchOffsets reports. Used to pick the broker version of the local stack (docs/stack.md).
 *
 *   npx tsx scripts/check-kafka-compat.ts [brokers] [label]
 *
 * brokers defaults to KAFKA_BROKERS or 127.0.0.1:19092; label (e.g. the broker version) is only
 * printed. Exit code 0 when every step passed, 1 otherwise.
 */
import { Kafka, Partitioners, logLevel, type Consumer, type LogEntry } from 'kafkajs';

const brokers = (process.argv[2] ?? process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',');
const label = process.argv[3] ?? brokers.join(',');
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const topic = `compat_${run}`;
const groupId = `compat_group_${run}`;
const partitions = 2;
const firstBatch = 10;
const secondBatch = 5;

const kafkaErrors: string[] = [];
const requestVersions = new Map<string, number>();
const kafka = new Kafka({
  clientId: 'bereik-kafka-compat',
  brokers,
  connectionTimeout: 3000,
  requestTimeout: 10_000,
  retry: { retries: 3 },
  logLevel: logLevel.DEBUG,
  // Remember what kafkajs complains about (a protocol mismatch shows up here first) and which
  // version of each request it negotiated with the broker (from its debug log).
  logCreator:
    () =>
    ({ level, log }: LogEntry) => {
      const { message, error } = log as { message?: string; error?: string };
      if (level <= logLevel.WARN) {
        kafkaErrors.push(
          `${level === logLevel.ERROR ? 'ERROR' : 'WARN'} ${message ?? ''}${error === undefined ? '' : `: ${error}`}`,
        );
      }
      const request = /^Request (\w+)\(key: \d+, version: (\d+)\)/.exec(message ?? '');
      if (request?.[1] !== undefined && request[2] !== undefined) {
        requestVersions.set(request[1], Math.max(requestVersions.get(request[1]) ?? 0, Number(request[2])));
      }
    },
});

interface Step {
  name: string;
  ok: boolean;
  detail: string;
}
const steps: Step[] = [];

function record(name: string, ok: boolean, detail: string): void {
  steps.push({ name, ok, detail });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
}

async function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`timed out after ${ms} ms: ${what}`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one consumer in the group until `expected` messages arrived (plus a short quiet period
 * to catch redeliveries), committing each message's offset by hand; returns the values seen.
 */
async function consumeOnce(expected: number): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    retry: { retries: 2 },
  });
  const seen: string[] = [];
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const state: { crashed?: Error } = {};
  consumer.on(consumer.events.CRASH, (event) => {
    state.crashed = event.payload.error;
    resolveDone();
  });
  try {
    await consumer.connect();
    // fromBeginning: without a committed offset the group would read everything, so any message
    // of the first batch showing up again in the second run means the commit did not hold.
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: t, partition, message }) => {
        seen.push(message.value?.toString() ?? '');
        await consumer.commitOffsets([
          { topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() },
        ]);
        if (seen.length >= expected) resolveDone();
      },
    });
    await withTimeout(`consuming ${expected} messages`, 45_000, done);
    // Quiet period: anything arriving now is a duplicate.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if (state.crashed !== undefined) throw state.crashed;
    return seen;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

async function committedTotal(admin: ReturnType<Kafka['admin']>): Promise<number> {
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  return offsets
    .flatMap((t) => t.partitions)
    .reduce((sum, p) => sum + (Number(p.offset) >= 0 ? Number(p.offset) : 0), 0);
}

async function produce(
  producer: ReturnType<Kafka['producer']>,
  from: number,
  count: number,
): Promise<string[]> {
  const values = Array.from({ length: count }, (_, i) => `message-${from + i}`);
  await producer.send({
    topic,
    acks: -1,
    messages: values.map((value, i) => ({ key: `key-${(from + i) % 7}`, value })),
  });
  return values;
}

async function main(): Promise<boolean> {
  console.log(`kafkajs compatibility check against ${label} (${brokers.join(',')}), topic ${topic}`);
  const admin = kafka.admin({ retry: { retries: 2 } });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    record(
      'describeCluster',
      cluster.brokers.length > 0,
      `${cluster.brokers.length} broker(s), controller ${cluster.controller ?? 'none'}`,
    );

    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const topics = await admin.listTopics();
    record('createTopics/listTopics', topics.includes(topic), `${partitions} partitions`);

    await producer.connect();
    const first = await produce(producer, 0, firstBatch);
    record('produce', true, `${first.length} messages (acks=all)`);

    const run1 = await consumeOnce(firstBatch);
    const missing1 = first.filter((v) => !run1.includes(v));
    record(
      'consume in group (run 1)',
      missing1.length === 0 && run1.length === firstBatch,
      `${run1.length} received, ${missing1.length} missing`,
    );

    const committed1 = await committedTotal(admin);
    record(
      'fetchOffsets after run 1',
      committed1 === firstBatch,
      `committed offsets sum to ${committed1} (expected ${firstBatch})`,
    );

    const second = await produce(producer, firstBatch, secondBatch);
    const run2 = await consumeOnce(secondBatch);
    const redelivered = run2.filter((v) => first.includes(v));
    const missing2 = second.filter((v) => !run2.includes(v));
    record(
      'restarted consumer (run 2)',
      redelivered.length === 0 && missing2.length === 0 && run2.length === secondBatch,
      `${run2.length} received, ${redelivered.length} redelivered from run 1, ${missing2.length} missing`,
    );

    const committed2 = await committedTotal(admin);
    const expected2 = firstBatch + secondBatch;
    record(
      'fetchOffsets after run 2',
      committed2 === expected2,
      `committed offsets sum to ${committed2} (expected ${expected2})`,
    );

    const groups = await admin.describeGroups([groupId]);
    const state = groups.groups[0]?.state ?? 'unknown';
    record(
      'describeGroups',
      groups.groups[0]?.protocolType === 'consumer' || state === 'Empty',
      `state ${state}`,
    );

    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  } catch (error) {
    record('run', false, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  const ok = steps.length > 0 && steps.every((s) => s.ok);
  if (kafkaErrors.length > 0) {
    console.log(`kafkajs logged ${kafkaErrors.length} warning(s)/error(s), first ones:`);
    for (const line of kafkaErrors.slice(0, 8)) console.log(`  ${line}`);
  }
  const used = [...requestVersions]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, v]) => `${name} v${v}`);
  console.log(`request versions kafkajs used: ${used.join(', ')}`);
  console.log(`RESULT ${label}: ${ok ? 'COMPATIBLE' : 'NOT COMPATIBLE'}`);
  return ok;
}

process.exitCode = (await main()) ? 0 : 1;
