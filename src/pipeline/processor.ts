/**
 * The engine: consumed messages in, facts and dead letters out, offsets committable only for
 * what the sinks acknowledged. It decodes and validates at the edge, routes each event to its
 * tracker (calls, callbacks, surveys, repeat callers), moves the event-time watermark, counts
 * final facts in Prometheus, and on flush resolves late events of released calls against the
 * stored history, writes dead letters and facts (waiting out outages), then acknowledges.
 *
 * It knows Kafka and ClickHouse only through the interfaces in sink-batch.ts; the consumer loop
 * (sources/kafka/consumer.ts) feeds it and commits what flush() returns.
 */
import type { Targets } from '../config/targets.ts';
import type { Topology } from '../config/topology.ts';
import type { CallEvent } from '../events/call-event.ts';
import type { Rejection } from '../events/dead-letter.ts';
import type { BusinessMetrics } from '../sinks/prometheus/business-metrics.ts';
import type { DecodeResult } from '../sources/kafka/decode-message.ts';
import { validateCallEvent } from '../sources/kafka/validate-event.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { PipelineMetrics } from '../telemetry/pipeline-metrics.ts';
import { CallbackTracker } from '../transforms/track-callbacks/callback-tracker.ts';
import type { CallFacts } from '../transforms/track-calls/call-state.ts';
import { CallTracker, type FinalizedCall } from '../transforms/track-calls/call-tracker.ts';
import { RepeatCallerTracker } from '../transforms/track-repeat-callers/repeat-tracker.ts';
import { SurveyTracker } from '../transforms/track-surveys/survey-tracker.ts';
import { OffsetTracker } from './offset-tracker.ts';
import {
  emptyBatch,
  type DeadLetter,
  type DeadLetterSink,
  type FactSink,
  type IncomingMessage,
  type SinkBatch,
} from './sink-batch.ts';
import type { CallStartFact } from '../events/facts.ts';
import { REPEAT_WINDOW_MS } from '../domain/kpi.ts';
import type { CallStateEvent } from '../events/call-event.ts';
import type { ReleasedCallback } from '../events/facts.ts';

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
  readonly consumerGroup: string;
}

export interface ProcessorDeps {
  readonly topology: Topology;
  readonly targets: Targets;
  readonly options: ProcessorOptions;
  readonly decoder: { decode(value: Buffer | null): Promise<DecodeResult> };
  readonly pseudonymise: (callerNumber: string) => string;
  readonly sink: FactSink;
  readonly deadLetters: DeadLetterSink;
  readonly business: BusinessMetrics;
  readonly telemetry: PipelineMetrics;
  readonly log: Logger;
  /** Wall clock: only for the future-timestamp check, gauges and latency, never for windows. */
  readonly now: () => number;
  /** Runs an I/O step until it succeeds, backing off while a dependency is down. */
  readonly retry: <T>(what: string, step: () => Promise<T>) => Promise<T>;
}

/** What the processor knows of one partition it owns: the evidence event time moves on. */
interface PartitionProgress {
  /** The latest event time read, at most the clock plus the allowed skew (a fast switch clock is clamped). */
  maxEventAt: number;
  /** Whether everything written to it had been read, by the latest evidence (a fetch or a probe). */
  caughtUp: boolean;
  /** When its latest message arrived, or when it was assigned. */
  lastMessageAt: number;
  /** When it was assigned (or a rebalance began): end offsets probed before then say nothing of now. */
  assignedAt: number;
}

export class Processor {
  readonly #deps: ProcessorDeps;
  readonly #calls: CallTracker<IncomingMessage>;
  readonly #callbacks: CallbackTracker<IncomingMessage>;
  readonly #surveys: SurveyTracker<IncomingMessage>;
  readonly #repeats: RepeatCallerTracker;
  readonly #offsets = new OffsetTracker();
  #callOut = CallTracker.output<IncomingMessage>();
  #callbackOut = CallbackTracker.output<IncomingMessage>();
  #surveyOut = SurveyTracker.output<IncomingMessage>();
  #repeatOut = RepeatCallerTracker.output();
  #batch: SinkBatch;
  #deadLetters: DeadLetter[] = [];
  #acks: IncomingMessage[] = [];
  /** Kafka timestamps of the last events of the calls finalised since the last flush. */
  #producedAtOfFinalized: number[] = [];
  #watermark = Number.NEGATIVE_INFINITY;
  /**
   * Per owned partition, the evidence the watermark moves on. The watermark is the minimum over
   * them of the latest event time read, so one partition read ahead (Kafka hands out batches
   * partition by partition) does not make the others' events look late; only a partition read to
   * its end and quiet for a while follows the wall clock, so event time never jumps over unread
   * backlog (before the first fetch, while paused by a sink outage, during a rebalance).
   */
  readonly #partitions = new Map<number, PartitionProgress>();
  /** Per partition: events of calls not in memory at or before this may belong to stored calls. */
  readonly #storedBefore = new Map<number, number>();
  /** The switch topic, from the messages (written with the partitions' watermarks). */
  #topic: string | undefined;
  #bufferedSince: number | undefined;
  #acknowledged = 0;

  constructor(deps: ProcessorDeps) {
    this.#deps = deps;
    const { allowedLatenessMs, callTimeoutMs, correctionMs, consumerGroup } = deps.options;
    this.#calls = new CallTracker(deps.topology, { allowedLatenessMs, callTimeoutMs, correctionMs });
    this.#callbacks = new CallbackTracker((g) => deps.topology.calendarOf(g), {
      allowedLatenessMs,
      correctionMs,
      openHorizonMs: deps.options.openCallbackHorizonMs,
      partitionOf: (message: IncomingMessage) => message.partition,
    });
    this.#surveys = new SurveyTracker(allowedLatenessMs + correctionMs);
    this.#repeats = new RepeatCallerTracker(allowedLatenessMs + correctionMs);
    this.#batch = emptyBatch(consumerGroup);
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
   * Restores an assigned partition's open callbacks (for the gauges and their completions), streamed
   * from the store: those past the horizon as ids, then the later ones' requests, held.
   */
  async restoreCallbacks(
    partition: number,
    released: AsyncIterable<ReleasedCallback>,
    requests: AsyncIterable<CallEvent>,
  ): Promise<{ held: number; counted: number }> {
    this.#callbacks.restorePartition(partition);
    let counted = 0;
    for await (const callback of released) {
      this.#callbacks.addReleased(partition, callback);
      counted++;
    }
    let held = 0;
    for await (const e of requests) {
      if (e.type !== 'CALLBACK_REQUESTED') continue;
      this.#callbacks.seed(e, partition);
      held++;
    }
    return { held, counted };
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
    const owned = new Set(partitions);
    const lost = new Set([...this.#partitions.keys()].filter((p) => !owned.has(p)));
    for (const p of lost) {
      this.#partitions.delete(p);
      this.#offsets.revoke(p);
    }
    if (lost.size > 0) {
      // Their new owner replays them from the committed offset; facts written twice are identical.
      const dropped = this.#calls.dropOpen((m) => lost.has(m.partition));
      this.#callbacks.dropPartitions(lost);
      // Orphans not yet settled are not acknowledged either: the new owner reads them again.
      const kept = (orphans: { ref: IncomingMessage }[]) => {
        const mine = orphans.filter((o) => !lost.has(o.ref.partition));
        orphans.splice(0, orphans.length, ...mine);
      };
      kept(this.#callOut.orphans);
      kept(this.#callbackOut.orphans);
      kept(this.#surveyOut.orphans);
      this.#deps.log.info('partitions moved to another consumer', {
        partitions: [...lost],
        droppedOpenCalls: dropped,
      });
    }
    for (const p of owned) if (!this.#partitions.has(p)) this.#partitions.set(p, this.#newPartition());
  }

  /** A rebalance began: until the group settles and new evidence comes, no partition counts as read to its end. */
  rebalancing(): void {
    const now = this.#deps.now();
    for (const p of this.#partitions.values()) {
      p.caughtUp = false;
      // A probe that started before the rebalance says nothing of the assignment after it.
      p.assignedAt = now;
    }
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
    return this.#acknowledged;
  }

  /** Partitions owned now. */
  get partitions(): readonly number[] {
    return [...this.#partitions.keys()];
  }

  /**
   * Evidence of where a partition ends, from a probe that started at `probedAt`: its high
   * watermark and the offset the consumer started reading it from (the committed offset, or the
   * earliest when none). Read to its end when the next offset to read is at the high watermark.
   */
  observeEnd(partition: number, end: { highWatermark: number; startOffset: number; probedAt: number }): void {
    const p = this.#partitions.get(partition);
    if (p === undefined || end.probedAt < p.assignedAt) return;
    const next = Math.max(this.#offsets.nextToRead(partition) ?? 0, end.startOffset);
    p.caughtUp = next >= end.highWatermark;
  }

  #newPartition(): PartitionProgress {
    const now = this.#deps.now();
    return { maxEventAt: Number.NEGATIVE_INFINITY, caughtUp: false, lastMessageAt: now, assignedAt: now };
  }

  /**
   * Handles consumed messages, in offset order per partition. `highWatermark` (the partition's
   * next offset to be written, when known) tells whether the partition is now read to its end.
   */
  async handle(
    messages: readonly IncomingMessage[],
    position?: { partition: number; highWatermark: number },
  ): Promise<void> {
    for (const message of messages) await this.#handleOne(message);
    const last = messages.at(-1);
    if (last !== undefined) {
      const p = this.#partition(last.partition);
      p.lastMessageAt = this.#deps.now();
      if (position !== undefined) p.caughtUp = last.offset + 1 >= position.highWatermark;
    }
    this.#advance();
  }

  #partition(partition: number): PartitionProgress {
    let p = this.#partitions.get(partition);
    if (p === undefined) {
      p = this.#newPartition();
      this.#partitions.set(partition, p);
    }
    return p;
  }

  /**
   * The minimum over owned partitions of how far their events are read; a partition read to its
   * end and quiet for the idle time counts as read up to now, so a quiet partition does not hold
   * the others back and the last calls of a quiet period become final.
   */
  #partitionWatermark(now: number): number {
    let min = Number.POSITIVE_INFINITY;
    for (const p of this.#partitions.values()) {
      const idle = p.caughtUp && now - p.lastMessageAt >= this.#deps.options.idleAdvanceMs;
      const readUpTo = idle ? Math.max(p.maxEventAt, now) : p.maxEventAt;
      if (readUpTo < min) min = readUpTo;
    }
    return min === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : min;
  }

  #advance(): void {
    this.#moveWatermark(this.#partitionWatermark(this.#deps.now()));
    this.#advanceTrackers();
    this.#drain();
  }

  /** Called on a timer: moves event time on for partitions read to their end, and refreshes the gauges. */
  tick(): void {
    this.#advance();
    this.#refreshGauges(this.#deps.now());
  }

  /** Finalises every open call now (a bounded input is complete). */
  finishAll(): void {
    this.#calls.flushAll(this.#callOut);
    this.#drain();
  }

  /** True when the buffer is big or old enough to write. */
  needsFlush(): boolean {
    const rows = this.#bufferedRows();
    if (rows === 0) return false;
    if (rows >= this.#deps.options.batchMaxRows) return true;
    return (
      this.#bufferedSince !== undefined &&
      this.#deps.now() - this.#bufferedSince >= this.#deps.options.batchMaxWaitMs
    );
  }

  /**
   * Resolves late events against history, writes dead letters and facts (retrying until the
   * sinks accept them), acknowledges what they covered, and returns the offsets now committable.
   */
  async flush(): Promise<Map<number, number>> {
    await this.#resolveOrphans();
    this.#drain();
    const { deadLetters, sink, retry, telemetry } = this.#deps;
    if (this.#deadLetters.length > 0) {
      const letters = this.#deadLetters;
      const started = performance.now();
      await retry('dead-letter topic', () => deadLetters.send(letters));
      telemetry.sinkLatency.observe({ sink: 'dead_letters' }, (performance.now() - started) / 1000);
    }
    if (this.#batchRows() > 0) {
      const batch: SinkBatch = Number.isFinite(this.#watermark)
        ? {
            ...this.#batch,
            watermarkMs: this.#watermark,
            watermarkPartitions: { topic: this.#topic ?? '', partitions: [...this.#partitions.keys()] },
          }
        : this.#batch;
      const started = performance.now();
      await retry('ClickHouse', () => sink.write(batch));
      telemetry.sinkLatency.observe({ sink: 'clickhouse' }, (performance.now() - started) / 1000);
    }
    const now = this.#deps.now();
    for (const message of this.#acks) this.#offsets.acknowledged(message.partition, message.offset);
    this.#acknowledged += this.#acks.length;
    for (const produced of this.#producedAtOfFinalized)
      telemetry.eventToRow.observe(Math.max(0, now - produced) / 1000);
    this.#producedAtOfFinalized = [];
    this.#batch = emptyBatch(this.#deps.options.consumerGroup);
    this.#deadLetters = [];
    this.#acks = [];
    this.#bufferedSince = undefined;
    telemetry.pendingRows.set(0);
    return this.#offsets.committable();
  }

  /** Forgets the offsets of partitions this consumer no longer owns. */
  revoke(partitions: readonly number[]): void {
    for (const p of partitions) this.#offsets.revoke(p);
  }

  async #handleOne(message: IncomingMessage): Promise<void> {
    const { telemetry, decoder, retry } = this.#deps;
    if (!this.#offsets.received(message.partition, message.offset)) {
      telemetry.events.inc({ result: 'redelivered' });
      return;
    }
    this.#bufferedSince ??= this.#deps.now();
    this.#topic ??= message.topic;
    // A registry that does not answer is waited out here: the message itself is fine.
    const decoded = await retry('Schema Registry', () => decoder.decode(message.value));
    if (!decoded.ok) {
      this.#deadLetter(message, decoded);
      return;
    }
    const valid = validateCallEvent(decoded.raw, {
      topology: this.#deps.topology.queueIds,
      pseudonymise: this.#deps.pseudonymise,
      nowMs: this.#deps.now(),
      maxFutureSkewMs: this.#deps.options.maxFutureSkewMs,
    });
    if (!valid.ok) {
      this.#deadLetter(message, valid);
      return;
    }
    const event = valid.event;
    let result: 'applied' | 'duplicate' | 'rejected' | 'orphan';
    switch (event.type) {
      case 'CALLBACK_REQUESTED':
      case 'CALLBACK_COMPLETED':
        result = this.#callbacks.apply(event, message, this.#callbackOut);
        break;
      case 'SURVEY_ANSWERED':
        result = this.#surveys.apply(event, message, this.#surveyOut);
        break;
      default:
        result = this.#calls.apply(event, message, this.#callOut, this.#storedBefore.get(message.partition));
        if (result === 'applied' && event.type === 'CALL_STARTED')
          this.#repeats.apply(event, this.#repeatOut);
    }
    if (result === 'applied') {
      this.#batch.events.push({ ...event, kafkaPartition: message.partition, kafkaOffset: message.offset });
      telemetry.events.inc({ result: 'accepted' });
      const partition = this.#partition(message.partition);
      const readUpTo = Math.min(event.occurredAt, this.#deps.now() + this.#deps.options.maxFutureSkewMs);
      if (readUpTo > partition.maxEventAt) partition.maxEventAt = readUpTo;
    } else if (result === 'duplicate') {
      telemetry.events.inc({ result: 'duplicate' });
    } else if (result === 'orphan') {
      telemetry.events.inc({ result: 'orphan' });
    }
    // Rejected events reach the dead letters through the trackers' outputs (#drain).
  }

  #deadLetter(message: IncomingMessage, rejection: Rejection): void {
    this.#deadLetters.push({ message, reason: rejection.reason, detail: rejection.detail });
    this.#acks.push(message);
    this.#deps.telemetry.deadLetters.inc({ reason: rejection.reason });
    this.#deps.telemetry.events.inc({ result: 'dead_lettered' });
  }

  #moveWatermark(ms: number): void {
    if (ms > this.#watermark) {
      this.#watermark = ms;
      this.#deps.telemetry.watermark.set(ms / 1000);
    }
  }

  #advanceTrackers(): void {
    this.#calls.advance(this.#watermark, this.#callOut);
    this.#callbacks.advance(this.#watermark);
    this.#surveys.advance(this.#watermark);
    this.#repeats.advance(this.#watermark);
    const { telemetry } = this.#deps;
    telemetry.openCalls.set(this.#calls.openCalls);
    telemetry.callsInMemory.set(this.#calls.callsInMemory);
    telemetry.openCallbacks.set(this.#callbacks.callbacksInMemory);
  }

  /** Moves tracker outputs into the pending batch, dead letters and acknowledgements; counts final facts. */
  #drain(): void {
    const { business, telemetry } = this.#deps;
    const now = this.#deps.now();
    const calls = this.#callOut;
    for (const finalized of calls.finalized) {
      this.#addCall(finalized);
      // Latency of a call's facts: from Kafka receiving the call's last event to now.
      const produced = Math.max(0, ...finalized.refs.map((m) => m.timestamp));
      if (produced > 0) {
        telemetry.eventToCount.observe(Math.max(0, now - produced) / 1000);
        this.#producedAtOfFinalized.push(produced);
      }
    }
    // Restated facts are written again (a crash may have left their rollups behind), not counted.
    for (const { call, legs } of calls.restated) {
      this.#batch.calls.push(call);
      this.#batch.legs.push(...legs);
    }
    for (const r of calls.rejected) this.#deadLetter(r.ref, r);
    this.#acks.push(...calls.done);
    this.#callOut = { ...CallTracker.output<IncomingMessage>(), orphans: calls.orphans };

    const callbacks = this.#callbackOut;
    for (const { fact, previous } of callbacks.facts) {
      this.#batch.callbacks.push(fact);
      business.countCallback(fact, previous);
    }
    // Restated facts are written again (a crash may have left their rollups behind), not counted.
    this.#batch.callbacks.push(...callbacks.restated);
    for (const r of callbacks.rejected) this.#deadLetter(r.ref, r);
    this.#acks.push(...callbacks.done);
    this.#callbackOut = { ...CallbackTracker.output<IncomingMessage>(), orphans: callbacks.orphans };

    const surveys = this.#surveyOut;
    for (const fact of surveys.facts) {
      this.#batch.surveys.push(fact);
      business.countSurvey(fact);
    }
    this.#acks.push(...surveys.done);
    this.#surveyOut = { ...SurveyTracker.output<IncomingMessage>(), orphans: surveys.orphans };

    for (const { fact, previous } of this.#repeatOut.facts) {
      this.#batch.callStarts.push(fact);
      business.countCallStart(fact, previous);
      if (previous !== undefined) telemetry.corrections.inc({ kind: 'repeat' });
    }
    this.#batch.callStarts.push(...this.#repeatOut.restated);
    this.#repeatOut = RepeatCallerTracker.output();
    // Facts finalised by a watermark step (not by a message) start the flush clock too.
    const pending = this.#bufferedRows();
    if (pending > 0) this.#bufferedSince ??= now;
    telemetry.pendingRows.set(pending);
  }

  #addCall(
    finalized:
      | FinalizedCall<IncomingMessage>
      | (CallFacts<IncomingMessage> & { previous: CallFacts<IncomingMessage> | undefined }),
  ): void {
    const { business, telemetry } = this.#deps;
    const { call, legs, previous, rejected } = finalized;
    this.#batch.calls.push(call);
    this.#batch.legs.push(...legs);
    if (previous !== undefined) {
      const kept = new Set(legs.map((l) => l.legId));
      for (const old of previous.legs)
        if (!kept.has(old.legId)) this.#batch.legTombstones.push({ ...old, version: call.version });
      telemetry.corrections.inc({ kind: 'call' });
    } else if (finalized.incompleteLegs > 0) {
      telemetry.incompleteLegs.inc(finalized.incompleteLegs);
    }
    for (const r of rejected) this.#deadLetter(r.ref, r);
    business.countCall(legs, call, previous);
  }

  /**
   * Events of calls, callbacks and surveys not in memory (orphans): settle them against the stored
   * history. They stay queued until the reads they need have succeeded, so a failing read loses none.
   */
  async #resolveOrphans(): Promise<void> {
    const callOrphans = this.#callOut.orphans;
    const callbackOrphans = this.#callbackOut.orphans;
    const surveyOrphans = this.#surveyOut.orphans;
    if (callOrphans.length + callbackOrphans.length + surveyOrphans.length === 0) return;
    const { sink, retry, telemetry } = this.#deps;

    if (callOrphans.length > 0) {
      const callIds = [...new Set(callOrphans.map((o) => o.event.callId))];
      const [stored, final] = await retry('ClickHouse history', () =>
        Promise.all([sink.loadCallHistory(callIds), sink.loadFinalCallIds(callIds)]),
      );
      const orphans = callOrphans.splice(0);
      // Events accepted since the last flush are not stored yet, but are history all the same.
      const wanted = new Set(callIds);
      const pending = this.#batch.events.filter((e) => isCallStateEvent(e) && wanted.has(e.callId));
      const byCall = groupBy(uniqueEvents([...stored, ...pending]).filter(isCallStateEvent), (e) => e.callId);
      // Facts finalised here and counted wait in the batch: final as much as stored ones, or the
      // call would be rebuilt as new and counted twice.
      for (const c of this.#batch.calls) if (wanted.has(c.callId)) final.add(c.callId);
      for (const [callId, ofCall] of groupBy(orphans, (o) => o.event.callId)) {
        const applied = this.#calls.resolve(
          callId,
          { history: byCall.get(callId) ?? [], final: final.has(callId) },
          ofCall,
          this.#callOut,
        );
        for (const { event, ref } of applied) {
          this.#ledger(event, ref);
          if (event.type === 'CALL_STARTED') this.#repeats.apply(event, this.#repeatOut);
        }
      }
      telemetry.orphans.inc({ kind: 'call' }, orphans.length);
    }
    if (callbackOrphans.length > 0) {
      const callbackIds = new Set(callbackOrphans.map((o) => o.event.callbackId));
      const stored = await retry('ClickHouse history', () => sink.loadCallbackHistory([...callbackIds]));
      const orphans = callbackOrphans.splice(0);
      const pending = this.#batch.events.filter(
        (e) =>
          (e.type === 'CALLBACK_REQUESTED' || e.type === 'CALLBACK_COMPLETED') &&
          callbackIds.has(e.callbackId),
      );
      const history = uniqueEvents([...stored, ...pending]);
      // A callback's events share a partition: the orphan's.
      const partitionOf = new Map(orphans.map((o) => [o.event.callbackId, o.ref.partition]));
      for (const e of history) {
        const partition = 'callbackId' in e ? partitionOf.get(e.callbackId) : undefined;
        if ((e.type === 'CALLBACK_REQUESTED' || e.type === 'CALLBACK_COMPLETED') && partition !== undefined)
          this.#callbacks.seed(e, partition);
      }
      for (const { event, ref } of orphans) {
        if (this.#callbacks.apply(event, ref, this.#callbackOut, { resolved: true }) === 'applied')
          this.#ledger(event, ref);
      }
      telemetry.orphans.inc({ kind: 'callback' }, orphans.length);
    }
    if (surveyOrphans.length > 0) {
      const known = await retry('ClickHouse history', () =>
        sink.existingSurveyIds(surveyOrphans.map((o) => o.event.eventId)),
      );
      const orphans = surveyOrphans.splice(0);
      for (const s of this.#batch.surveys) known.add(s.eventId);
      for (const { event, ref } of orphans) {
        if (known.has(event.eventId)) {
          telemetry.events.inc({ result: 'duplicate' });
          // Stored already: written again unchanged, in case a crash left its rollup behind.
          this.#batch.surveys.push({
            eventId: event.eventId,
            callId: event.callId,
            gemeente: event.gemeente,
            answeredAt: event.occurredAt,
            score: event.score,
          });
        } else {
          known.add(event.eventId);
          const fact = {
            eventId: event.eventId,
            callId: event.callId,
            gemeente: event.gemeente,
            answeredAt: event.occurredAt,
            score: event.score,
          };
          this.#batch.surveys.push(fact);
          this.#deps.business.countSurvey(fact);
          this.#ledger(event, ref);
        }
        this.#acks.push(ref);
      }
      telemetry.orphans.inc({ kind: 'survey' }, orphans.length);
    }
  }

  #ledger(event: CallEvent, message: IncomingMessage): void {
    this.#batch.events.push({ ...event, kafkaPartition: message.partition, kafkaOffset: message.offset });
  }

  #batchRows(): number {
    const b = this.#batch;
    return (
      b.events.length +
      b.legs.length +
      b.legTombstones.length +
      b.calls.length +
      b.callStarts.length +
      b.surveys.length +
      b.callbacks.length
    );
  }

  #bufferedRows(): number {
    return (
      this.#batchRows() +
      this.#deadLetters.length +
      this.#acks.length +
      this.#callOut.orphans.length +
      this.#callbackOut.orphans.length +
      this.#surveyOut.orphans.length
    );
  }

  #refreshGauges(now: number): void {
    this.#deps.business.refreshGauges(now, this.#callbacks.openAndOverdue(now), this.#deps.targets);
  }
}

function isCallStateEvent(e: CallEvent): e is CallStateEvent {
  return e.type !== 'CALLBACK_REQUESTED' && e.type !== 'CALLBACK_COMPLETED' && e.type !== 'SURVEY_ANSWERED';
}

/** Events by eventId once (an event can be both stored and still in the pending batch). */
function uniqueEvents(events: readonly CallEvent[]): CallEvent[] {
  return [...new Map(events.map((e) => [e.eventId, e])).values()];
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}
