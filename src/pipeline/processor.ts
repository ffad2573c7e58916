/**
 * The engine: consumed messages in, facts and dead letters out, offsets committable only for
 * what the sinks acknowledged. Each message is read at the edge (EventReader), routed to its
 * tracker (calls, callbacks, surveys, repeat callers); event time moves on the partitions' clock;
 * final facts are counted live; on flush, late events of released calls are settled against the
 * stored history, dead letters and facts are written (waiting out outages), then acknowledged.
 *
 * It sees sources and sinks only through contracts.ts; the consumer loop drives it as a
 * MessageHandler and commits what flush() returns.
 */
import type { Targets } from '../config/targets.ts';
import type { Topology } from '../config/topology.ts';
import { REPEAT_WINDOW_MS } from '../domain/kpi.ts';
import type { CallEvent } from '../events/call-event.ts';
import type { CallStartFact, ReleasedCallback } from '../events/facts.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { PipelineMetrics } from '../telemetry/pipeline-metrics.ts';
import { CallbackTracker } from '../transforms/track-callbacks/callback-tracker.ts';
import { CallTracker } from '../transforms/track-calls/call-tracker.ts';
import { RepeatCallerTracker } from '../transforms/track-repeat-callers/repeat-tracker.ts';
import { SurveyTracker } from '../transforms/track-surveys/survey-tracker.ts';
import type {
  DeadLetterSink,
  EventReader,
  FactSink,
  IncomingMessage,
  LiveCounters,
  MessageHandler,
  ReadResult,
  SinkBatch,
} from './contracts.ts';
import { FlushWriter } from './flush-writer.ts';
import { OffsetTracker } from './offset-tracker.ts';
import { PartitionClock } from './partition-clock.ts';
import { emptyOutputs, PendingWrites, type TrackerOutputs } from './pending-writes.ts';
import { resolveLateEvents, type LateEventContext } from './resolve-late-events.ts';

export interface ProcessorOptions {
  readonly allowedLatenessMs: number;
  /** A partition read to its end and quiet this long lets event time follow the clock. */
  readonly idleAdvanceMs: number;
  /** Events further ahead of the clock than this are dead-lettered; nearer ones move event time only up to the clock plus this. */
  readonly maxFutureSkewMs: number;
  readonly callTimeoutMs: number;
  /** How long final calls stay in memory for cheap corrections. */
  readonly correctionMs: number;
  /** How long after its request an open callback stays in memory (then only its id, gemeente and queue, counted). */
  readonly openCallbackHorizonMs: number;
  readonly batchMaxRows: number;
  readonly batchMaxWaitMs: number;
  /**
   * While the owned partitions hold at least `batchMaxRows` unread messages (a replay, or a
   * processor catching up), a flush waits for this many rows or this age instead: each flush costs
   * ClickHouse a recompute of every window it touches, whatever its size, and latency means
   * nothing for messages that waited in Kafka anyway. @default batchMaxRows, batchMaxWaitMs
   */
  readonly backlogBatchMaxRows?: number;
  readonly backlogBatchMaxWaitMs?: number;
  readonly consumerGroup: string;
}

export interface ProcessorDeps {
  readonly topology: Topology;
  readonly targets: Targets;
  readonly options: ProcessorOptions;
  readonly reader: EventReader;
  readonly sink: FactSink;
  readonly deadLetters: DeadLetterSink;
  readonly counters: LiveCounters;
  readonly telemetry: PipelineMetrics;
  readonly log: Logger;
  /** Wall clock: only for the future-timestamp check, gauges and latency, never for windows. */
  readonly now: () => number;
  /** Runs an I/O step until it succeeds, backing off while a dependency is down. */
  readonly retry: <T>(what: string, step: () => Promise<T>) => Promise<T>;
}

export class Processor implements MessageHandler {
  readonly #deps: ProcessorDeps;
  readonly #calls: CallTracker<IncomingMessage>;
  readonly #callbacks: CallbackTracker<IncomingMessage>;
  readonly #surveys: SurveyTracker<IncomingMessage>;
  readonly #repeats: RepeatCallerTracker;
  readonly #offsets = new OffsetTracker();
  readonly #clock: PartitionClock;
  readonly #pending: PendingWrites;
  readonly #late: LateEventContext;
  #out: TrackerOutputs = emptyOutputs();
  #watermark = Number.NEGATIVE_INFINITY;
  /** Per partition: events of calls not in memory at or before this may belong to stored calls. */
  readonly #storedBefore = new Map<number, number>();
  /** The switch topic, from the messages (written with the partitions' watermarks). */
  #topic: string | undefined;
  readonly #writer: FlushWriter;

  constructor(deps: ProcessorDeps) {
    this.#deps = deps;
    const { allowedLatenessMs, callTimeoutMs, correctionMs, consumerGroup } = deps.options;
    this.#calls = new CallTracker(deps.topology, {
      allowedLatenessMs,
      callTimeoutMs,
      correctionMs,
      partitionOf: (message: IncomingMessage) => message.partition,
    });
    this.#callbacks = new CallbackTracker((g) => deps.topology.calendarOf(g), {
      allowedLatenessMs,
      correctionMs,
      openHorizonMs: deps.options.openCallbackHorizonMs,
      partitionOf: (message: IncomingMessage) => message.partition,
      offsetOf: (message: IncomingMessage) => message.offset,
    });
    this.#surveys = new SurveyTracker(allowedLatenessMs + correctionMs);
    this.#repeats = new RepeatCallerTracker(allowedLatenessMs + correctionMs);
    this.#clock = new PartitionClock({
      idleAdvanceMs: deps.options.idleAdvanceMs,
      maxFutureSkewMs: deps.options.maxFutureSkewMs,
      now: deps.now,
    });
    this.#pending = new PendingWrites(consumerGroup, deps.counters, deps.telemetry);
    this.#writer = new FlushWriter(deps, this.#offsets, (taken) => {
      this.#pending.putBack(taken);
    });
    this.#late = {
      sink: deps.sink,
      retry: deps.retry,
      telemetry: deps.telemetry,
      counters: deps.counters,
      calls: this.#calls,
      callbacks: this.#callbacks,
      repeats: this.#repeats,
      pending: this.#pending,
    };
  }

  get watermark(): number {
    return this.#watermark;
  }

  /**
   * Restores what a previous run kept in memory, from the fact store: the recent call starts (for
   * repeat callers). Event time is not restored: it moves only on what this processor reads. Open
   * callbacks are restored per partition when it is assigned (restoreCallbacks).
   */
  restore(state: { callStarts: readonly CallStartFact[] }): void {
    for (const start of state.callStarts) this.#repeats.seed(start);
  }

  /**
   * Where a partition's open callbacks split into counted and held, on its assignment: its stored
   * watermark minus the open-callback horizon (everything is held when none is stored).
   */
  callbackRestoreLine(storedWatermark: number | undefined): number {
    return storedWatermark === undefined
      ? Number.NEGATIVE_INFINITY
      : storedWatermark - this.#deps.options.openCallbackHorizonMs;
  }

  /**
   * Restores an assigned partition's callbacks, streamed from the store: the open ones past the
   * horizon as ids (for the gauges and their completions), then the events of those held (open
   * ones' requests, completions waiting for their request). Callback events up to
   * `lastStoredOffset` (the last one of the partition in the store) are settled against the store
   * when they are read again.
   */
  async restoreCallbacks(
    partition: number,
    lastStoredOffset: number | undefined,
    released: AsyncIterable<ReleasedCallback>,
    held: AsyncIterable<CallEvent>,
  ): Promise<{ held: number; counted: number }> {
    this.#callbacks.restorePartition(partition, lastStoredOffset);
    let counted = 0;
    for await (const callback of released) {
      this.#callbacks.addReleased(partition, callback);
      counted++;
    }
    let heldCount = 0;
    for await (const e of held) {
      if (e.type !== 'CALLBACK_REQUESTED' && e.type !== 'CALLBACK_COMPLETED') continue;
      this.#callbacks.seed(e, partition);
      heldCount++;
    }
    return { held: heldCount, counted };
  }

  /**
   * The watermarks the consumer group stored per partition (read when partitions are assigned
   * here, at start too): a call of the partition not in memory whose events are older than that
   * minus the lateness may have been finalised and stored by its previous owner, so its events are
   * settled against the store, never started afresh.
   */
  noteStoredWatermarks(byPartition: ReadonlyMap<number, number>): void {
    const { allowedLatenessMs } = this.#deps.options;
    for (const [partition, watermark] of byPartition) {
      const before = watermark - allowedLatenessMs;
      if (before > (this.#storedBefore.get(partition) ?? Number.NEGATIVE_INFINITY))
        this.#storedBefore.set(partition, before);
    }
  }

  /** How far back restore() needs call starts: the repeat window plus what the trackers keep. */
  get callStartHorizonMs(): number {
    const { allowedLatenessMs, correctionMs } = this.#deps.options;
    return REPEAT_WINDOW_MS + allowedLatenessMs + correctionMs;
  }

  /**
   * The partitions this consumer owns (after a group join). Until each has been read, the
   * watermark waits for it; state of partitions no longer owned stays until it is final.
   */
  assign(partitions: readonly number[]): void {
    const lost = this.#clock.assign(partitions);
    // Even a partition kept may have had another owner in between, unseen here.
    this.#deps.sink.ownershipChanged();
    if (lost.size === 0) return;
    for (const p of lost) {
      this.#offsets.revoke(p);
      this.#writer.revoked(p);
    }
    // Their new owner replays them from the committed offset; facts written twice are identical.
    const dropped = this.#calls.dropPartitions(lost);
    this.#callbacks.dropPartitions(lost);
    // Orphans not yet settled are not acknowledged either: the new owner reads them again.
    const kept = (orphans: { ref: IncomingMessage }[]) => {
      // In place, without spreading them into a call: there can be more than a call takes.
      let count = 0;
      for (const orphan of orphans) if (!lost.has(orphan.ref.partition)) orphans[count++] = orphan;
      orphans.length = count;
    };
    kept(this.#out.call.orphans);
    kept(this.#out.callback.orphans);
    kept(this.#out.survey.orphans);
    this.#deps.log.info('partitions moved to another consumer', {
      partitions: [...lost],
      droppedOpenCalls: dropped,
    });
  }

  /** A rebalance began: until the group settles and new evidence comes, no partition counts as read to its end. */
  rebalancing(): void {
    this.#clock.rebalancing();
  }

  /** The offset after the latest one received of a partition; undefined when none was. */
  nextToRead(partition: number): number | undefined {
    return this.#offsets.nextToRead(partition);
  }

  /**
   * Messages whose effect the sinks acknowledged, since start: it grows while the pipeline moves,
   * also when an open call holds the partition's commit back.
   */
  get acknowledgedCount(): number {
    return this.#writer.acknowledgedCount;
  }

  /** Partitions owned now. */
  get partitions(): readonly number[] {
    return this.#clock.partitions;
  }

  /**
   * Evidence of where a partition ends, from a probe that started at `probedAt`: its high
   * watermark and the offset the consumer started reading it from (the committed offset, or the
   * earliest when none).
   */
  observeEnd(partition: number, end: { highWatermark: number; startOffset: number; probedAt: number }): void {
    const next = Math.max(this.#offsets.nextToRead(partition) ?? 0, end.startOffset);
    this.#clock.probed(partition, end.probedAt, next, end.highWatermark);
  }

  /**
   * Handles consumed messages, in offset order per partition. `highWatermark` (the partition's
   * next offset to be written, when known) tells whether the partition is now read to its end.
   */
  async handle(
    messages: readonly IncomingMessage[],
    position?: { partition: number; highWatermark: number },
  ): Promise<void> {
    const { reader, retry } = this.#deps;
    for (const message of messages) {
      if (!this.#admit(message)) continue;
      const now = this.#deps.now();
      // Awaited only when the message's schema has to be fetched: a backlog runs without a
      // promise per message. A registry that does not answer is waited out: the message is fine.
      const read =
        reader.readKnown(message.value, now) ??
        (await retry('Schema Registry', () => reader.read(message.value, this.#deps.now())));
      this.#apply(message, read);
    }
    const last = messages.at(-1);
    if (last !== undefined)
      this.#clock.fetched(
        last.partition,
        position === undefined ? undefined : position.highWatermark - (last.offset + 1),
      );
    this.#advance();
  }

  #advance(): void {
    const readUpTo = this.#clock.readUpTo();
    // Calls on their own partition's event time; the rest (callbacks, surveys, repeat callers)
    // on the minimum, as their state spans partitions or follows the calls'.
    for (const [partition, ms] of readUpTo) this.#calls.advance(partition, ms, this.#out.call);
    this.#moveWatermark(this.#clock.watermark(readUpTo));
    this.#advanceTrackers();
    this.#drain();
  }

  /** Called on a timer: moves event time on for partitions read to their end, and refreshes the gauges. */
  tick(): void {
    this.#advance();
    const now = this.#deps.now();
    this.#deps.counters.refreshGauges(now, this.#callbacks.openAndOverdue(now), this.#deps.targets);
  }

  /** Finalises every open call now (a bounded input is complete). */
  finishAll(): void {
    this.#calls.flushAll(this.#out.call);
    this.#drain();
  }

  /**
   * True while the owned partitions hold at least `batchMaxRows` unread messages: a replay, or a
   * processor catching up. Latency means nothing then for messages that waited in Kafka anyway.
   */
  get catchingUp(): boolean {
    return this.#clock.unread() >= this.#deps.options.batchMaxRows;
  }

  /** True when the buffer is big or old enough to write (larger and older while far behind). */
  needsFlush(): boolean {
    const rows = this.#bufferedRows();
    if (rows === 0) return false;
    const { batchMaxRows, batchMaxWaitMs, backlogBatchMaxRows, backlogBatchMaxWaitMs } = this.#deps.options;
    const behind = this.catchingUp;
    if (rows >= (behind ? (backlogBatchMaxRows ?? batchMaxRows) : batchMaxRows)) return true;
    const since = this.#pending.bufferedSince;
    const maxWait = behind ? (backlogBatchMaxWaitMs ?? batchMaxWaitMs) : batchMaxWaitMs;
    return since !== undefined && this.#deps.now() - since >= maxWait;
  }

  /**
   * Writes everything buffered (waiting out outages) and returns the offsets now committable:
   * late events are settled against history, then dead letters and facts written.
   */
  async flush(): Promise<Map<number, number>> {
    return (await this.startFlush()).written;
  }

  /**
   * Settles late events against the store once the previous write is stored (so they see it),
   * then takes what is buffered and starts writing it. Messages handled meanwhile go into a new
   * buffer. `written` resolves with the offsets committable once this write is stored.
   */
  async startFlush(): Promise<{ written: Promise<Map<number, number>> }> {
    await this.#writer.idle();
    await resolveLateEvents(this.#late, this.#out);
    this.#drain();
    const taken = this.#pending.take();
    // Everything final before these watermarks is in this write or stored before it.
    const batch: SinkBatch = {
      ...taken.batch,
      ...(Number.isFinite(this.#watermark) && { watermarkMs: this.#watermark }),
      partitionWatermarks: { topic: this.#topic ?? '', watermarks: this.#partitionWatermarks() },
    };
    this.#deps.telemetry.pendingRows.set(this.#bufferedRows());
    return { written: this.#writer.start({ ...taken, batch }) };
  }

  /** Whether the message is new (not a redelivery of one handled); starts the flush clock. */
  #admit(message: IncomingMessage): boolean {
    if (!this.#offsets.received(message.partition, message.offset)) {
      this.#deps.telemetry.events.inc({ result: 'redelivered' });
      return false;
    }
    this.#pending.bufferedSince ??= this.#deps.now();
    this.#topic ??= message.topic;
    return true;
  }

  #apply(message: IncomingMessage, read: ReadResult): void {
    const { telemetry } = this.#deps;
    if (!read.ok) {
      this.#pending.deadLetter(message, read);
      return;
    }
    const event = read.event;
    let result: 'applied' | 'duplicate' | 'rejected' | 'orphan';
    switch (event.type) {
      case 'CALLBACK_REQUESTED':
      case 'CALLBACK_COMPLETED':
        result = this.#callbacks.apply(event, message, this.#out.callback);
        break;
      case 'SURVEY_ANSWERED':
        result = this.#surveys.apply(event, message, this.#out.survey);
        break;
      default:
        result = this.#calls.apply(event, message, this.#out.call, this.#storedBefore.get(message.partition));
        if (result === 'applied' && event.type === 'CALL_STARTED')
          this.#repeats.apply(event, this.#out.repeat);
    }
    if (result === 'applied') {
      this.#pending.ledger(event, message);
      telemetry.events.inc({ result: 'accepted' });
      this.#clock.eventRead(message.partition, event.occurredAt);
    } else if (result === 'duplicate') {
      telemetry.events.inc({ result: 'duplicate' });
    } else if (result === 'orphan') {
      telemetry.events.inc({ result: 'orphan' });
    }
    // Rejected events reach the dead letters through the trackers' outputs (#drain).
  }

  #moveWatermark(ms: number): void {
    if (ms > this.#watermark) {
      this.#watermark = ms;
      this.#deps.telemetry.watermark.set(ms / 1000);
    }
  }

  #advanceTrackers(): void {
    this.#callbacks.advance(this.#watermark);
    this.#surveys.advance(this.#watermark);
    this.#repeats.advance(this.#watermark);
    const { telemetry } = this.#deps;
    telemetry.openCalls.set(this.#calls.openCalls);
    telemetry.callsInMemory.set(this.#calls.callsInMemory);
    telemetry.openCallbacks.set(this.#callbacks.callbacksInMemory);
    telemetry.repeatWindowStarts.set(this.#repeats.startsInMemory);
  }

  /** Moves tracker outputs into the pending writes (counting final facts); the flush clock starts. */
  #drain(): void {
    const now = this.#deps.now();
    this.#out = this.#pending.collect(this.#out, now);
    const rows = this.#bufferedRows();
    // Facts finalised by a watermark step (not by a message) start the flush clock too.
    if (rows > 0) this.#pending.bufferedSince ??= now;
    this.#deps.telemetry.pendingRows.set(rows);
  }

  /** Owned partitions' event time as far as their calls are final (those that moved at all). */
  #partitionWatermarks(): Map<number, number> {
    const watermarks = new Map<number, number>();
    for (const partition of this.#clock.partitions) {
      const ms = this.#calls.watermarkOf(partition);
      if (Number.isFinite(ms)) watermarks.set(partition, ms);
    }
    return watermarks;
  }

  #bufferedRows(): number {
    const { call, callback, survey } = this.#out;
    return this.#pending.buffered(call.orphans.length + callback.orphans.length + survey.orphans.length);
  }
}
