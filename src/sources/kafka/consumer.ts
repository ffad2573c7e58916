/**
 * The consumer loop: a kafkajs consumer group feeding the processor, committing only the offsets
 * the processor returns after its sinks acknowledged. Offsets are never auto-committed. Work on
 * the processor is serialised (batches, timer ticks, flushes), so a flush never races a batch.
 * While a sink is down the flush blocks: consumption stops (backpressure), heartbeats go on.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Processor } from '../../pipeline/processor.ts';
import type { IncomingMessage } from '../../pipeline/sink-batch.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { PipelineMetrics } from '../../telemetry/pipeline-metrics.ts';

export interface ConsumerLoopOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupId: string;
  /** @default 30 000 */
  readonly sessionTimeoutMs?: number;
  readonly processor: Processor;
  readonly telemetry: PipelineMetrics;
  readonly log: Logger;
  /** After this long without messages the watermark follows the wall clock. @default 10 000 */
  readonly idleMs?: number;
  /** How often the timer ticks (gauges, idle watermark, time-based flush). @default 1000 */
  readonly tickMs?: number;
}

export class ConsumerLoop {
  readonly #options: ConsumerLoopOptions;
  readonly #consumer: Consumer;
  #chain: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #joined = false;
  #heartbeat: (() => Promise<void>) | undefined;
  #stopped = false;

  constructor(options: ConsumerLoopOptions) {
    this.#options = options;
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#joined = true;
      const mine = payload.memberAssignment[options.topic] ?? [];
      options.processor.assign(mine);
      options.log.info('joined consumer group', { groupId: options.groupId, partitions: mine });
    });
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      options.log.error('consumer crashed', { error: payload.error.message, restart: payload.restart });
    });
  }

  /** True once the consumer joined its group (for /readyz). */
  get ready(): boolean {
    return this.#joined && !this.#stopped;
  }

  async start(): Promise<void> {
    const { topic, processor } = this.#options;
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.#serial(() => this.#eachBatch(payload)),
    });
    const tickMs = this.#options.tickMs ?? 1000;
    this.#timer = setInterval(() => {
      void this.#serial(async () => {
        processor.tick(this.#options.idleMs ?? 10_000);
        if (processor.needsFlush()) await this.#flushAndCommit();
      }).catch((error: unknown) => {
        this.#options.log.error('timer tick failed', {
          error: error instanceof Error ? error.message : String(error),
        });
      });
    }, tickMs);
  }

  /** Stops consuming, writes what is buffered, commits, and disconnects. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    // From now on batches are left unprocessed (the next owner reads them from the committed
    // offset); what is in memory is written and committed while this is still a group member.
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#serial(() => this.#flushAndCommit());
    await this.#consumer.stop();
    await this.#consumer.disconnect();
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (this.#stopped || !payload.isRunning() || payload.isStale()) return;
    this.#heartbeat = () => payload.heartbeat();
    const { processor, telemetry } = this.#options;
    const messages: IncomingMessage[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: Number(m.offset),
      key: m.key,
      value: m.value,
      timestamp: Number(m.timestamp),
    }));
    await processor.handle(messages, {
      partition: batch.partition,
      highWatermark: Number(batch.highWatermark),
    });
    const last = batch.messages.at(-1);
    if (last !== undefined) {
      payload.resolveOffset(last.offset);
      telemetry.consumerLag.set(
        { topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1),
      );
    }
    if (processor.needsFlush()) await this.#flushAndCommit();
    await payload.heartbeat();
    this.#heartbeat = undefined;
  }

  /**
   * Keeps the group membership alive while a batch waits out an outage (the retrier calls it),
   * so a long ClickHouse or registry outage does not also cost a rebalance.
   */
  async keepAlive(): Promise<void> {
    await this.#heartbeat?.().catch(() => undefined);
  }

  async #flushAndCommit(): Promise<void> {
    const { processor, topic, telemetry } = this.#options;
    const committable = await processor.flush();
    if (committable.size === 0) return;
    await this.#consumer.commitOffsets(
      [...committable].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })),
    );
    const now = Date.now() / 1000;
    for (const [partition, offset] of committable) {
      telemetry.committedOffset.set({ topic, partition: String(partition) }, offset);
      telemetry.lastCommit.set({ partition: String(partition) }, now);
    }
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(work, work);
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
