/**
 * The consumer loop against the real broker, with a recording handler in place of the processor
 * (the loop sees the engine only as a MessageHandler): every message reaches the handler once per
 * delivery, in offset order per partition; the loop commits exactly the offsets flush() returns,
 * never more (no auto-commit); and a new member of the group replays exactly what was not
 * committed, from the committed offset on.
 */
import { Partitioners } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { IncomingMessage, MessageHandler } from '../../src/pipeline/contracts.ts';
import { ConsumerLoop } from '../../src/sources/kafka/consumer.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { PipelineMetrics } from '../../src/telemetry/pipeline-metrics.ts';
import { eventually, kafkaClient, uniqueName } from '../helpers/clients.ts';

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

  flush(): Promise<Map<number, number>> {
    this.#flushed = this.handled.length;
    return Promise.resolve(
      new Map([...this.#received].filter(([partition]) => this.#acknowledges(partition))),
    );
  }

  offsetsOf(partition: number): number[] {
    return this.handled.filter((m) => m.partition === partition).map((m) => m.offset);
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
});
