/**
 * The consumer loop: a kafkajs consumer group feeding the processor, committing only the offsets
 * the processor returns after its sinks acknowledged. Offsets are never auto-committed. Work on
 * the processor is serialised (batches, timer ticks, flushes). While a sink is down the flush
 * blocks: consumption stops (backpressure), heartbeats go on.
 *
 * While the processor catches up on a backlog, the buffer earlier batches filled is written while
 * the next batch is handled, and that write is stored before the batch handler returns. kafkajs
 * rejoins the group only after the batch handler returns, so a partition's next owner never starts
 * while a write of it by this one is under way: the two never derive and write the same facts at
 * once, where the insert that lands last would win.
 *
 * It also gathers the evidence event time moves on: per partition, where the partition ends (its
 * high watermark, from fetches and from a probe of the broker on every tick) and where this
 * consumer started reading it (the committed offset), so a partition counts as read to its end
 * only when it is. And it watches itself: with messages to read and no acknowledged progress for
 * a while it reports a stall; a consumer that crashed for good is reported as fatal, so the
 * process exits and is restarted instead of looking alive.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { IncomingMessage, MessageHandler } from '../../pipeline/contracts.ts';
import type { Logger } from '../../telemetry/logger.ts';
import type { PipelineMetrics } from '../../telemetry/pipeline-metrics.ts';
import { cannotRetry } from '../../errors.ts';

export interface ConsumerLoopOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupId: string;
  /** @default 30 000 */
  readonly sessionTimeoutMs?: number;
  /** The engine the loop feeds (the processor). */
  readonly processor: MessageHandler;
  readonly telemetry: PipelineMetrics;
  readonly log: Logger;
  /** How often the timer ticks (gauges, event time of quiet partitions, time-based flush, probe). @default 1000 */
  readonly tickMs?: number;
  /** Partitions just assigned: load what the store knows of them before their messages are handled. */
  readonly onAssigned?: (partitions: readonly number[]) => Promise<void>;
  /** The consumer stopped for good (kafkajs gave up) or a write cannot succeed: the process should exit and be restarted. */
  readonly onFatal?: (error: Error) => void;
}

export class ConsumerLoop {
  readonly #options: ConsumerLoopOptions;
  readonly #consumer: Consumer;
  readonly #admin: Admin;
  readonly #heartbeatMs: number;
  #chain: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #joined = false;
  #heartbeat: (() => Promise<void>) | undefined;
  /** Batches handled since the last timer tick. */
  #batchesSinceTick = 0;
  /** A heartbeat during the current wait found the group rebalancing (logged once). */
  #rebalanceNoted = false;
  #stopped = false;
  #probing = false;
  /**
   * A commit failed, or the group's committed offsets (read by the probe) are behind what this
   * consumer committed: kafkajs drops a commit silently while it restarts its consumer. The next
   * tick commits again, even with nothing new.
   */
  #commitOwed = false;
  /** The offsets this consumer last committed, per partition. */
  readonly #asked = new Map<number, number>();
  /** Since when messages have waited to be committed with no progress (no commit moved, nothing acknowledged); undefined when none wait. */
  #stuckSince: number | undefined;
  /** The group's committed offsets at the last probe, per owned partition. */
  readonly #committed = new Map<number, number>();
  /** The processor's acknowledged count at the last probe. */
  #acknowledgedAtProbe = 0;

  constructor(options: ConsumerLoopOptions) {
    this.#options = options;
    this.#heartbeatMs = Math.max(1000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 10));
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      // kafkajs sends heartbeats at most this often: well within the session timeout.
      heartbeatInterval: this.#heartbeatMs,
    });
    this.#admin = options.kafka.admin();
    this.#consumer.on(this.#consumer.events.REBALANCING, () => {
      // Until the group settles, no partition counts as read to its end.
      options.processor.rebalancing();
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#joined = true;
      const mine = payload.memberAssignment[options.topic] ?? [];
      const before = new Set(options.processor.partitions);
      options.processor.assign(mine);
      options.log.info('joined consumer group', { groupId: options.groupId, partitions: mine });
      const added = mine.filter((p) => !before.has(p));
      // Queued before any batch of the new assignment: what the store knows comes first.
      if (added.length > 0 && options.onAssigned !== undefined) {
        const onAssigned = options.onAssigned;
        void this.#serial(() => onAssigned(added)).catch((error: unknown) => {
          this.#fatal(error instanceof Error ? error : new Error(String(error)));
        });
      }
    });
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      options.log.error('consumer crashed', { error: payload.error.message, restart: payload.restart });
      if (!payload.restart) this.#fatal(payload.error);
    });
  }

  /** True once the consumer joined its group (for /readyz). */
  get ready(): boolean {
    return this.#joined && !this.#stopped;
  }

  /** How long messages have waited to be committed with no progress (0: none wait, or the pipeline moves). */
  stalledMs(now = Date.now()): number {
    return this.#stuckSince === undefined ? 0 : now - this.#stuckSince;
  }

  async start(): Promise<void> {
    const { topic, processor } = this.#options;
    await this.#admin.connect();
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => {
        // Kept for flushes started by the timer and for retries: it is the group's heartbeat.
        this.#heartbeat = () => payload.heartbeat();
        return this.#serial(() => this.#eachBatch(payload));
      },
    });
    const tickMs = this.#options.tickMs ?? 1000;
    this.#timer = setInterval(() => {
      void this.#probe();
      void this.#serial(async () => {
        processor.tick();
        // While catching up, batches keep coming and the next one starts the write beside it;
        // a tick writes only when none came since the last (the end of a backlog, a pause).
        const batchesMeanwhile = this.#batchesSinceTick;
        this.#batchesSinceTick = 0;
        const nextBatchWrites = processor.catchingUp && batchesMeanwhile > 0;
        if ((processor.needsFlush() && !nextBatchWrites) || this.#commitOwed) await this.#flushAndCommit();
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
    await this.#admin.disconnect();
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (this.#stopped || !payload.isRunning() || payload.isStale()) return;
    this.#batchesSinceTick++;
    const { processor, telemetry } = this.#options;
    const messages: IncomingMessage[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: Number(m.offset),
      key: m.key,
      value: m.value,
      timestamp: Number(m.timestamp),
    }));
    const position = { partition: batch.partition, highWatermark: Number(batch.highWatermark) };
    // Catching up: what the batches before filled is written while this one is handled, and is
    // stored before this handler returns (see above: the fence against the next owner).
    const writing = processor.catchingUp && processor.needsFlush() ? await this.#startFlush() : undefined;
    if (writing === undefined) await processor.handle(messages, position);
    else {
      telemetry.flushes.inc({ while_reading: 'true' });
      try {
        await this.#handleBesideWrite(messages, position);
      } catch (error) {
        // Whatever became of the batch, the write ends before this handler returns (the fence).
        await writing.written.catch(() => undefined);
        throw error;
      }
    }
    const last = batch.messages.at(-1);
    if (last !== undefined) {
      payload.resolveOffset(last.offset);
      telemetry.consumerLag.set(
        { topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1),
      );
    }
    if (writing !== undefined) await this.#commit(await this.#stored(writing.written));
    // At live pace a full buffer is written now; while catching up the next batch starts it.
    if (processor.needsFlush() && !processor.catchingUp) await this.#flushAndCommit();
    await payload.heartbeat();
  }

  /**
   * Handles a batch in slices, giving the event loop a turn between them: the write under way
   * goes on only in those turns (sending its rows, starting its next statement).
   */
  async #handleBesideWrite(
    messages: readonly IncomingMessage[],
    position: { partition: number; highWatermark: number },
  ): Promise<void> {
    for (let start = 0; start < messages.length; start += SLICE_WHILE_WRITING) {
      await this.#options.processor.handle(messages.slice(start, start + SLICE_WHILE_WRITING), position);
      await nextTurn();
    }
  }

  /** Late events settled and the write started; `written` is not awaited here (an object keeps it a promise). */
  async #startFlush(): Promise<{ written: Promise<Map<number, number>> }> {
    try {
      return await this.#keepingAlive(() => this.#options.processor.startFlush());
    } catch (error) {
      this.#fatalIfCannotRetry(error);
      throw error;
    }
  }

  /** The offsets a write makes committable, once it is stored (heartbeats go on meanwhile). */
  async #stored(written: Promise<Map<number, number>>): Promise<Map<number, number>> {
    try {
      return await this.#keepingAlive(() => written);
    } catch (error) {
      this.#fatalIfCannotRetry(error);
      throw error;
    }
  }

  /**
   * Retrying a write that says it cannot succeed would wedge the pipeline behind it, with every
   * check green: stop, with the error (and its statement) in the log, and be restarted.
   */
  #fatalIfCannotRetry(error: unknown): void {
    if (cannotRetry(error)) this.#fatal(error instanceof Error ? error : new Error(String(error)));
  }

  /**
   * A flush can wait out an outage for minutes: the group must keep hearing from this member
   * meanwhile, or it moves the partitions away and the work is done twice.
   */
  async #keepingAlive<T>(work: () => Promise<T>): Promise<T> {
    this.#rebalanceNoted = false;
    const beating = setInterval(() => void this.keepAlive(), this.#heartbeatMs);
    try {
      return await work();
    } finally {
      clearInterval(beating);
    }
  }

  /**
   * Keeps the group membership alive while a flush waits out an outage (the retrier calls it),
   * so a long ClickHouse or registry outage does not also cost a rebalance.
   */
  async keepAlive(): Promise<void> {
    try {
      await this.#heartbeat?.();
    } catch (error) {
      if (!isGroupMembershipError(error)) return;
      // This member rejoins when the batch handler returns, after its write: said once per wait.
      const { log, groupId } = this.#options;
      log.debug('heartbeat: the group is rebalancing', { groupId });
      if (!this.#rebalanceNoted) {
        this.#rebalanceNoted = true;
        log.info('the group is rebalancing; this member rejoins once its write is stored', { groupId });
      }
    }
  }

  /**
   * Asks the broker where each partition ends and where the group's committed offsets are, and
   * hands that to the processor: the evidence that a partition is read to its end. Runs beside
   * the serial chain, one probe at a time, so it goes on while a flush waits out an outage (the
   * stall clock must run then) and a slow broker holds no batch up.
   */
  async #probe(): Promise<void> {
    if (this.#probing || this.#stopped || !this.#joined) return;
    this.#probing = true;
    const { topic, groupId, processor, telemetry } = this.#options;
    try {
      const probedAt = Date.now();
      const [ends, committed] = await Promise.all([
        this.#admin.fetchTopicOffsets(topic),
        this.#admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const committedOf = new Map(
        (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [
          p.partition,
          Number(p.offset),
        ]),
      );
      const owned = new Set(processor.partitions);
      let lag = 0;
      // Progress: a commit moved, or the sinks acknowledged messages (an open call may hold the
      // commit back for up to the call timeout while everything else flows).
      const acknowledged = processor.acknowledgedCount;
      let progressed = acknowledged > this.#acknowledgedAtProbe;
      this.#acknowledgedAtProbe = acknowledged;
      for (const end of ends) {
        if (!owned.has(end.partition)) continue;
        const high = Number(end.high);
        const committedOffset = committedOf.get(end.partition) ?? -1;
        // With no committed offset the consumer starts at the earliest (fromBeginning).
        const startOffset = committedOffset >= 0 ? committedOffset : Number(end.low);
        processor.observeEnd(end.partition, { highWatermark: high, startOffset, probedAt });
        const read = Math.max(processor.nextToRead(end.partition) ?? 0, startOffset);
        telemetry.consumerLag.set({ topic, partition: String(end.partition) }, Math.max(0, high - read));
        lag += Math.max(0, high - startOffset);
        const before = this.#committed.get(end.partition);
        if (before !== undefined && startOffset > before) progressed = true;
        this.#committed.set(end.partition, startOffset);
        if (committedOffset < (this.#asked.get(end.partition) ?? -1)) this.#commitOwed = true;
      }
      // A stall: messages not yet committed, and no progress since the clock started.
      if (lag === 0 || progressed) this.#stuckSince = lag === 0 ? undefined : probedAt;
      else this.#stuckSince ??= probedAt;
      telemetry.commitStalled.set(this.stalledMs() / 1000);
    } catch (error) {
      this.#options.log.warn('could not read partition ends from Kafka', {
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.#probing = false;
    }
  }

  async #flushAndCommit(): Promise<void> {
    const { written } = await this.#startFlush();
    this.#options.telemetry.flushes.inc({ while_reading: 'false' });
    await this.#commit(await this.#stored(written));
  }

  /** Commits what the sinks stored; a failure leaves it for the next tick. */
  async #commit(committable: Map<number, number>): Promise<void> {
    const { topic, telemetry, log } = this.#options;
    if (committable.size === 0) return;
    try {
      await this.#consumer.commitOffsets(
        [...committable].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })),
      );
    } catch (error) {
      // The group moved on (a rebalance) or the broker is away: what is stored stays stored; the
      // next tick commits again, or the partition's next owner replays from the last committed
      // offset (idempotently). Thrown on, kafkajs would stop the consumer for good. Commits that
      // keep failing show as a stall (/readyz, bereik_commit_stalled_seconds).
      log.warn(
        isGroupMembershipError(error)
          ? 'commit skipped: the consumer group is rebalancing; trying again on the next tick'
          : 'commit failed; trying again on the next tick',
        { error: error instanceof Error ? error.message : String(error) },
      );
      this.#commitOwed = true;
      return;
    }
    this.#commitOwed = false;
    const now = Date.now() / 1000;
    for (const [partition, offset] of committable) {
      this.#asked.set(partition, offset);
      telemetry.committedOffset.set({ topic, partition: String(partition) }, offset);
      telemetry.lastCommit.set({ partition: String(partition) }, now);
    }
  }

  #fatal(error: Error): void {
    if (this.#stopped) return;
    this.#options.log.error('bereik cannot go on; exiting so it is restarted', {
      error: error.message,
    });
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    // Leave the group if the broker lets us, so the partitions move at once, not after the session timeout.
    const left = Promise.race([
      this.#consumer.disconnect().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 5000).unref()),
    ]);
    void left.then(() => this.#options.onFatal?.(error));
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(work, work);
    this.#chain = next.catch(() => undefined);
    return next;
  }
}

/** Messages handled between two turns of the event loop while a write is under way. */
const SLICE_WHILE_WRITING = 500;

/** Kafka's answers that say this consumer's membership or generation is stale, or the coordinator is moving. */
const membershipErrors = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'GROUP_LOAD_IN_PROGRESS',
  'FENCED_INSTANCE_ID',
]);

function isGroupMembershipError(error: unknown): boolean {
  // kafkajs may wrap the protocol error (KafkaJSNonRetriableError with `cause` or `originalError`).
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const { type, cause, originalError } = e as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof type === 'string' && membershipErrors.has(type)) return true;
    e = cause ?? originalError;
  }
  return false;
}
