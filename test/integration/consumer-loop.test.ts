/**
 * The consumer loop against the real broker, with a recording handler in place of the processor
 * (the loop sees the engine only as a MessageHandler): every message reaches the handler once per
 * delivery, in offset order per partition; the loop commits exactly the offsets flush() returns,
 * never more (no auto-commit); a new member of the group replays exactly what was not
 * committed, from the committed offset on; and a write started while catching up is stored before
 * this member rejoins the group, so a partition's next owner never starts beside it.
 */
import { Partitioners } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { IncomingMessage, MessageHandler } from '../../src/pipeline/contracts.ts';
import { ConsumerLoop } from '../../src/sources/kafka/consumer.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { PipelineMetrics } from '../../src/telemetry/pipeline-metrics.ts';
import { eventually, kafkaClient, uniqueName } from '../helpers/clients.ts';
import { recordingLogger } from '../helpers/recording-logger.ts';

const endpoints = inject('endpoints');
const partitionCount = 3;
const perPartition = 20;

/** Records what it is handed; flush() acknowledges what `acknowledges` allows. */
class RecordingHandler implements MessageHandler {
  readonly handled: IncomingMessage[] = [];
  partitions: readonly number[] = [];
  #received = new Map<number, number>();
  #flushed = 0;

  readonly #acknowledges: (partition: number) => boolean;

  constructor(acknowledges: (partition: number) => boolean) {
    this.#acknowledges = acknowledges;
  }

  get acknowledgedCount(): number {
    return this.#flushed;
  }

  handle(messages: readonly IncomingMessage[]): Promise<void> {
    for (const m of messages) {
      this.handled.push(m);
      this.#received.set(m.partition, m.offset + 1);
    }
    return Promise.resolve();
  }

  rebalancing(): void {
    // The loop tells the handler; nothing to record here.
  }

  assign(partitions: readonly number[]): void {
    this.partitions = partitions;
  }

  observeEnd(): void {
    // Event time is not under test here.
  }

  nextToRead(partition: number): number | undefined {
    return this.#received.get(partition);
  }

  tick(): void {
    // Nothing moves on the clock in this handler.
  }

  needsFlush(): boolean {
    return this.handled.length > this.#flushed;
  }

  /** Never far behind: every flush is written at once, at the end of its batch. */
  readonly catchingUp: boolean = false;

  flush(): Promise<Map<number, number>> {
    this.#flushed = this.handled.length;
    return Promise.resolve(
      new Map([...this.#received].filter(([partition]) => this.#acknowledges(partition))),
    );
  }

  startFlush(): Promise<{ written: Promise<Map<number, number>> }> {
    return Promise.resolve({ written: this.flush() });
  }

  offsetsOf(partition: number): number[] {
    return this.handled.filter((m) => m.partition === partition).map((m) => m.offset);
  }
}

/**
 * Always catching up; each flush's write waits until the test opens it. What it wrote is the
 * messages handled before the flush started.
 */
class GatedWriteHandler extends RecordingHandler {
  override readonly catchingUp = true;
  readonly #gates: (() => void)[] = [];
  writesStarted = 0;
  writesStored = 0;

  constructor() {
    super(() => true);
  }

  override startFlush(): Promise<{ written: Promise<Map<number, number>> }> {
    this.writesStarted++;
    const committable = this.flush();
    const written = new Promise<void>((resolve) => this.#gates.push(resolve)).then(() => {
      this.writesStored++;
      return committable;
    });
    return Promise.resolve({ written });
  }

  /** Lets the oldest held write be stored; false when none waits. */
  open(): boolean {
    const gate = this.#gates.shift();
    gate?.();
    return gate !== undefined;
  }
}

describe('consumer loop on the real broker', () => {
  const topic = uniqueName('consumer-loop');
  const groupId = `${topic}-group`;
  const kafka = kafkaClient(endpoints);
  const admin = kafka.admin();
  const log = createLogger('consumer-loop', 'warn');

  afterAll(async () => {
    await admin.disconnect();
  });

  function loop(handler: MessageHandler): ConsumerLoop {
    return new ConsumerLoop({
      kafka,
      topic,
      groupId,
      sessionTimeoutMs: 6000,
      processor: handler,
      telemetry: new PipelineMetrics(new Registry()),
      log,
      tickMs: 200,
    });
  }

  it('hands every message in offset order, commits only what flush returns, and a new member replays the rest', async () => {
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitionCount }],
      waitForLeaders: true,
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let partition = 0; partition < partitionCount; partition++) {
      await producer.send({
        topic,
        messages: Array.from({ length: perPartition }, (_, i) => ({
          partition,
          value: Buffer.from(`p${partition}-m${i}`),
        })),
      });
    }
    await producer.disconnect();
    const everyOffset = Array.from({ length: perPartition }, (_, i) => i);

    // First member: acknowledges partition 0 only.
    const first = new RecordingHandler((partition) => partition === 0);
    const firstLoop = loop(first);
    await firstLoop.start();
    await eventually(
      'the first member to receive every message',
      () => Promise.resolve(first.handled.length === partitionCount * perPartition ? true : undefined),
      60_000,
    );
    await firstLoop.stop();
    for (let partition = 0; partition < partitionCount; partition++)
      expect(first.offsetsOf(partition), `partition ${partition}`).toEqual(everyOffset);
    expect(first.handled.map((m) => m.value?.toString()).filter((v) => v?.startsWith('p1-'))).toEqual(
      everyOffset.map((i) => `p1-m${i}`),
    );
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    expect(byPartition.get(0)).toBe(perPartition);
    // Not acknowledged, so not committed: kafkajs reports -1 for a partition without a commit.
    expect(byPartition.get(1)).toBe(-1);
    expect(byPartition.get(2)).toBe(-1);

    // Second member: sees partitions 1 and 2 again from the start, partition 0 not at all.
    const second = new RecordingHandler(() => true);
    const secondLoop = loop(second);
    await secondLoop.start();
    // Done when the group committed every partition to its end (the second member flushed 1 and
    // 2): partition 0, fetched with them from its committed offset, had nothing left to hand out.
    await eventually(
      'the second member to replay and commit what was not committed',
      async () => {
        const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const done = group?.partitions.every((p) => Number(p.offset) === perPartition) === true;
        return done && second.handled.length >= 2 * perPartition ? true : undefined;
      },
      60_000,
    );
    await secondLoop.stop();
    expect(second.offsetsOf(0)).toEqual([]);
    expect(second.offsetsOf(1)).toEqual(everyOffset);
    expect(second.offsetsOf(2)).toEqual(everyOffset);
  }, 180_000);

  it('stores a write started while catching up before it rejoins: the next owner waits for it', async () => {
    const fencedTopic = uniqueName('consumer-loop-fence');
    const fencedGroup = `${fencedTopic}-group`;
    await admin.createTopics({ topics: [{ topic: fencedTopic, numPartitions: 2 }], waitForLeaders: true });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (const partition of [0, 1])
      await producer.send({
        topic: fencedTopic,
        messages: Array.from({ length: perPartition }, (_, i) => ({
          partition,
          value: Buffer.from(`m${i}`),
        })),
      });
    await producer.disconnect();

    const handler = new GatedWriteHandler();
    const said = recordingLogger();
    const member = new ConsumerLoop({
      kafka,
      topic: fencedTopic,
      groupId: fencedGroup,
      sessionTimeoutMs: 6000,
      processor: handler,
      telemetry: new PipelineMetrics(new Registry()),
      log: said,
      tickMs: 200,
    });
    await member.start();
    // The second batch starts writing what the first filled, and the write is held.
    await eventually('a write to be under way', () =>
      Promise.resolve(handler.writesStarted > 0 ? true : undefined),
    );

    // A newcomer asks to join: the group rebalances, and must wait for the member's write.
    const newcomer = kafka.consumer({ groupId: fencedGroup, sessionTimeout: 6000 });
    let newcomerJoinedAt: number | undefined;
    newcomer.on(newcomer.events.GROUP_JOIN, () => {
      newcomerJoinedAt = Date.now();
    });
    await newcomer.connect();
    await newcomer.subscribe({ topic: fencedTopic, fromBeginning: true });
    // Not awaited: kafkajs's run() returns only once the newcomer is in the group.
    const running = newcomer.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
    try {
      // Heartbeats go on while the write is held, each answered "rebalancing". A member that
      // returned from its batch handler would have rejoined within a fetch wait (5 s) and a
      // heartbeat, and the newcomer joined with it; this one is still held after ten of them.
      await eventually(
        'the member to see the group rebalancing ten times while its write is held',
        () =>
          Promise.resolve(
            newcomerJoinedAt !== undefined ||
              said.lines.filter((l) => l.message === 'heartbeat: the group is rebalancing').length >= 10
              ? true
              : undefined,
          ),
        60_000,
      );
      expect(newcomerJoinedAt).toBeUndefined();
      expect(handler.writesStored).toBe(0);

      const openedAt = Date.now();
      expect(handler.open()).toBe(true);
      const joinedAt = await eventually(
        'the newcomer to join once the write is stored',
        () => Promise.resolve(newcomerJoinedAt),
        60_000,
      );
      await running;
      expect(handler.writesStored).toBe(1);
      expect(joinedAt).toBeGreaterThanOrEqual(openedAt);
    } finally {
      // Writes started after the rebalance are let through, so the member can stop.
      const releasing = setInterval(() => handler.open(), 50);
      await Promise.all([member.stop(), newcomer.disconnect()]);
      clearInterval(releasing);
    }
  }, 180_000);
});
