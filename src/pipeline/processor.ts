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
import { CallState, type CallFacts, type CallStateEvent } from '../transforms/track-calls/call-state.ts';
import { CallTracker, type FinalizedCall } from '../transforms/track-calls/call-tracker.ts';
import {
  REPEAT_WINDOW_MS,
  RepeatCallerTracker,
  type CallStartFact,
} from '../transforms/track-repeat-callers/repeat-tracker.ts';
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

export interface ProcessorOptions {
  readonly allowedLatenessMs: number;
  readonly callTimeoutMs: number;
  /** How long final calls stay in memory for cheap corrections. */
  readonly correctionMs: number;
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

/** Events more than this far ahead of the wall clock do not move the watermark (a bad clock must not close every call). */
const maxWatermarkLeadMs = 5 * 60_000;

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
   * Per partition: the latest event time read, and whether it is read to its end. The watermark
   * is the minimum over partitions that still have messages to read, so one partition read ahead
   * (Kafka hands out batches partition by partition) does not make the others' events look late.
   */
  readonly #partitions = new Map<number, { maxEventAt: number; caughtUp: boolean }>();
  #bufferedSince: number | undefined;
  #lastMessageAt: number;

  constructor(deps: ProcessorDeps) {
    this.#deps = deps;
    const { allowedLatenessMs, callTimeoutMs, correctionMs, consumerGroup } = deps.options;
    this.#calls = new CallTracker(deps.topology, { allowedLatenessMs, callTimeoutMs, correctionMs });
    this.#callbacks = new CallbackTracker((g) => deps.topology.calendarOf(g), {
      allowedLatenessMs,
      correctionMs,
    });
    this.#surveys = new SurveyTracker(allowedLatenessMs + correctionMs);
    this.#repeats = new RepeatCallerTracker(allowedLatenessMs + correctionMs);
    this.#batch = emptyBatch(consumerGroup);
    this.#lastMessageAt = deps.now();
  }

  get watermark(): number {
    return this.#watermark;
  }

  /**
   * Restores what a previous run kept in memory, from the fact store: the watermark (so replayed
   * events of released calls are recognised as such), open callbacks (for the gauges and their
   * completions) and the recent call starts (for repeat callers).
   */
  restore(state: {
    watermarkMs?: number | undefined;
    callbackEvents: readonly CallEvent[];
    callStarts: readonly CallStartFact[];
  }): void {
    if (state.watermarkMs !== undefined) this.#moveWatermark(state.watermarkMs);
    for (const e of state.callbackEvents)
      if (e.type === 'CALLBACK_REQUESTED' || e.type === 'CALLBACK_COMPLETED') this.#callbacks.seed(e);
    for (const start of state.callStarts) this.#repeats.seed(start);
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
      this.#deps.log.info('partitions moved to another consumer', {
        partitions: [...lost],
        droppedOpenCalls: dropped,
      });
    }
    for (const p of owned)
      if (!this.#partitions.has(p))
        this.#partitions.set(p, { maxEventAt: Number.NEGATIVE_INFINITY, caughtUp: false });
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
    if (messages.length > 0) this.#lastMessageAt = this.#deps.now();
    const last = messages.at(-1);
    if (position !== undefined && last !== undefined)
      this.#partition(position.partition).caughtUp = last.offset + 1 >= position.highWatermark;
    this.#moveWatermark(this.#partitionWatermark());
    this.#advanceTrackers();
    this.#drain();
  }

  #partition(partition: number): { maxEventAt: number; caughtUp: boolean } {
    let p = this.#partitions.get(partition);
    if (p === undefined) {
      p = { maxEventAt: Number.NEGATIVE_INFINITY, caughtUp: false };
      this.#partitions.set(partition, p);
    }
    return p;
  }

  #partitionWatermark(): number {
    let behind = Number.POSITIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    for (const p of this.#partitions.values()) {
      if (p.maxEventAt > newest) newest = p.maxEventAt;
      if (!p.caughtUp && p.maxEventAt < behind) behind = p.maxEventAt;
    }
    return behind === Number.POSITIVE_INFINITY ? newest : behind;
  }

  /**
   * Called on a timer. When no message arrived for `idleMs`, event time has caught up with the
   * wall clock: the watermark moves to now, so the last calls of a quiet period become final.
   */
  tick(idleMs: number): void {
    const now = this.#deps.now();
    if (now - this.#lastMessageAt >= idleMs && now > this.#watermark) {
      this.#moveWatermark(now);
      this.#advanceTrackers();
      this.#drain();
    }
    this.#refreshGauges(now);
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
        ? { ...this.#batch, watermarkMs: this.#watermark }
        : this.#batch;
      const started = performance.now();
      await retry('ClickHouse', () => sink.write(batch));
      telemetry.sinkLatency.observe({ sink: 'clickhouse' }, (performance.now() - started) / 1000);
    }
    const now = this.#deps.now();
    for (const message of this.#acks) this.#offsets.acknowledged(message.partition, message.offset);
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
        result = this.#calls.apply(event, message, this.#callOut);
        if (result === 'applied' && event.type === 'CALL_STARTED')
          this.#repeats.apply(event, this.#repeatOut);
    }
    if (result === 'applied') {
      this.#batch.events.push({ ...event, kafkaPartition: message.partition, kafkaOffset: message.offset });
      telemetry.events.inc({ result: 'accepted' });
      const partition = this.#partition(message.partition);
      if (
        event.occurredAt > partition.maxEventAt &&
        event.occurredAt <= this.#deps.now() + maxWatermarkLeadMs
      ) {
        partition.maxEventAt = event.occurredAt;
      }
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

  /** Late events of calls, callbacks and surveys no longer in memory: settle them against the stored history. */
  async #resolveOrphans(): Promise<void> {
    const callOrphans = this.#callOut.orphans.splice(0);
    const callbackOrphans = this.#callbackOut.orphans.splice(0);
    const surveyOrphans = this.#surveyOut.orphans.splice(0);
    if (callOrphans.length + callbackOrphans.length + surveyOrphans.length === 0) return;
    const { sink, retry, telemetry } = this.#deps;

    if (callOrphans.length > 0) {
      const callIds = new Set(callOrphans.map((o) => o.event.callId));
      const stored = await retry('ClickHouse history', () => sink.loadCallHistory([...callIds]));
      // Events accepted since the last flush are not stored yet, but are history all the same.
      const pending = this.#batch.events.filter((e) => isCallStateEvent(e) && callIds.has(e.callId));
      const byCall = groupBy(uniqueEvents([...stored, ...pending]), (e) => ('callId' in e ? e.callId : null));
      for (const [callId, orphans] of groupBy(callOrphans, (o) => o.event.callId)) {
        this.#resolveCall(callId, byCall.get(callId) ?? [], orphans);
      }
      telemetry.orphans.inc({ kind: 'call' }, callOrphans.length);
    }
    if (callbackOrphans.length > 0) {
      const callbackIds = new Set(callbackOrphans.map((o) => o.event.callbackId));
      const stored = await retry('ClickHouse history', () => sink.loadCallbackHistory([...callbackIds]));
      const pending = this.#batch.events.filter(
        (e) =>
          (e.type === 'CALLBACK_REQUESTED' || e.type === 'CALLBACK_COMPLETED') &&
          callbackIds.has(e.callbackId),
      );
      const history = uniqueEvents([...stored, ...pending]);
      for (const e of history)
        if (e.type === 'CALLBACK_REQUESTED' || e.type === 'CALLBACK_COMPLETED') this.#callbacks.seed(e);
      for (const { event, ref } of callbackOrphans) {
        if (this.#callbacks.apply(event, ref, this.#callbackOut, { resolved: true }) === 'applied')
          this.#ledger(event, ref);
      }
      telemetry.orphans.inc({ kind: 'callback' }, callbackOrphans.length);
    }
    if (surveyOrphans.length > 0) {
      const known = await retry('ClickHouse history', () =>
        sink.existingSurveyIds(surveyOrphans.map((o) => o.event.eventId)),
      );
      for (const s of this.#batch.surveys) known.add(s.eventId);
      for (const { event, ref } of surveyOrphans) {
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
      telemetry.orphans.inc({ kind: 'survey' }, surveyOrphans.length);
    }
  }

  /** Rebuilds a released call from its stored events, applies the late ones and emits a correction. */
  #resolveCall(
    callId: string,
    history: readonly CallEvent[],
    orphans: readonly { event: CallStateEvent; ref: IncomingMessage }[],
  ): void {
    const first = orphans[0];
    if (first === undefined) return;
    const state = new CallState<IncomingMessage | null>(callId, first.event.gemeente, first.event.occurredAt);
    for (const e of history) if (isCallStateEvent(e)) state.apply(e, null);
    const timeoutAt = () => state.lastEventAt + this.#deps.options.callTimeoutMs;
    const before = history.length > 0 ? state.computeFacts(this.#deps.topology, timeoutAt()) : undefined;
    state.discard(before?.rejected ?? []);
    let applied = 0;
    for (const { event, ref } of orphans) {
      const result = state.apply(event, ref);
      if (result.kind === 'applied') {
        applied++;
        this.#ledger(event, ref);
        if (event.type === 'CALL_STARTED') this.#repeats.apply(event, this.#repeatOut);
      } else if (result.kind === 'duplicate') {
        this.#deps.telemetry.events.inc({ result: 'duplicate' });
      } else {
        this.#deadLetter(ref, result);
      }
      this.#acks.push(ref);
    }
    if (applied === 0) {
      // Only replays of stored events: write the stored facts again (a crash may have left their
      // rollups behind); nothing changed, so nothing is counted.
      if (before !== undefined) {
        this.#batch.calls.push(before.call);
        this.#batch.legs.push(...before.legs);
      }
      return;
    }
    const after = state.computeFacts(this.#deps.topology, timeoutAt());
    const rejected = after.rejected.flatMap((r) => (r.ref === null ? [] : [{ ...r, ref: r.ref }]));
    const previous = before === undefined ? undefined : { ...before, rejected: [] };
    this.#addCall({
      call: after.call,
      legs: after.legs,
      rejected,
      previous,
      incompleteLegs: after.incompleteLegs,
    });
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
