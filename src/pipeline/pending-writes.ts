/**
 * What waits for the next flush: the batch for the fact sink, the dead letters, and the messages
 * whose effect those writes cover (acknowledged, so committable, only once both are written).
 * Counting happens as facts enter: a call's facts are counted in the live counters when they
 * become final, before they are written, and that is why a call waiting here counts as final.
 */
import type { Rejection } from '../events/dead-letter.ts';
import type { CallEvent } from '../events/call-event.ts';
import type { PipelineMetrics } from '../telemetry/pipeline-metrics.ts';
import { CallbackTracker, type CallbackOutput } from '../transforms/track-callbacks/callback-tracker.ts';
import type { SurveyFact } from '../events/facts.ts';
import {
  CallTracker,
  type FinalizedCall,
  type TrackerOutput,
} from '../transforms/track-calls/call-tracker.ts';
import { RepeatCallerTracker, type RepeatOutput } from '../transforms/track-repeat-callers/repeat-tracker.ts';
import { SurveyTracker, type SurveyOutput } from '../transforms/track-surveys/survey-tracker.ts';
import {
  emptyBatch,
  type DeadLetter,
  type IncomingMessage,
  type LiveCounters,
  type SinkBatch,
} from './contracts.ts';

/** What the trackers emitted since the last collect; orphans stay until they are settled. */
export interface TrackerOutputs {
  readonly call: TrackerOutput<IncomingMessage>;
  readonly callback: CallbackOutput<IncomingMessage>;
  readonly survey: SurveyOutput<IncomingMessage>;
  readonly repeat: RepeatOutput;
}

export function emptyOutputs(): TrackerOutputs {
  return {
    call: CallTracker.output<IncomingMessage>(),
    callback: CallbackTracker.output<IncomingMessage>(),
    survey: SurveyTracker.output<IncomingMessage>(),
    repeat: RepeatCallerTracker.output(),
  };
}

export class PendingWrites {
  batch: SinkBatch;
  deadLetters: DeadLetter[] = [];
  acks: IncomingMessage[] = [];
  /** Kafka timestamps of the last events of the calls finalised since the last flush. */
  producedAtOfFinalized: number[] = [];
  /** When the oldest thing waiting here arrived: the flush clock. */
  bufferedSince: number | undefined;
  readonly #consumerGroup: string;
  readonly #counters: LiveCounters;
  readonly #telemetry: PipelineMetrics;

  constructor(consumerGroup: string, counters: LiveCounters, telemetry: PipelineMetrics) {
    this.#consumerGroup = consumerGroup;
    this.#counters = counters;
    this.#telemetry = telemetry;
    this.batch = emptyBatch(consumerGroup);
  }

  /** An accepted event, for the ledger. */
  ledger(event: CallEvent, message: IncomingMessage): void {
    this.batch.events.push({ event, kafkaPartition: message.partition, kafkaOffset: message.offset });
  }

  deadLetter(message: IncomingMessage, rejection: Rejection): void {
    this.deadLetters.push({ message, reason: rejection.reason, detail: rejection.detail });
    this.acks.push(message);
    this.#telemetry.deadLetters.inc({ reason: rejection.reason });
    this.#telemetry.events.inc({ result: 'dead_lettered' });
  }

  /** A call's final facts (a correction with the facts it replaces): written, counted, old legs tombstoned. */
  addCall(finalized: FinalizedCall<IncomingMessage>): void {
    const { call, legs, previous, rejected } = finalized;
    this.batch.calls.push(call);
    this.batch.legs.push(...legs);
    this.batch.callPartitions.set(call.callId, finalized.partition);
    if (previous !== undefined) {
      const kept = new Set(legs.map((l) => l.legId));
      for (const old of previous.legs)
        if (!kept.has(old.legId)) this.batch.legTombstones.push({ ...old, version: call.version });
      this.#telemetry.corrections.inc({ kind: 'call' });
    } else if (finalized.incompleteLegs > 0) {
      this.#telemetry.incompleteLegs.inc(finalized.incompleteLegs);
    }
    for (const r of rejected) this.deadLetter(r.ref, r);
    this.#counters.countCall(legs, call, previous);
  }

  /**
   * Takes the trackers' outputs in: final facts into the batch and counted (a correction retracts
   * what it replaces), restated facts into the batch only, rejections to the dead letters, done
   * messages to the acknowledgements. Returns fresh outputs that keep the unsettled orphans.
   */
  collect(out: TrackerOutputs, now: number): TrackerOutputs {
    const { batch } = this;
    const counters = this.#counters;
    for (const finalized of out.call.finalized) {
      this.addCall(finalized);
      // Latency of a call's facts: from Kafka receiving the call's last event to now.
      const produced = Math.max(0, ...finalized.refs.map((m) => m.timestamp));
      if (produced > 0) {
        this.#telemetry.eventToCount.observe(Math.max(0, now - produced) / 1000);
        this.producedAtOfFinalized.push(produced);
      }
    }
    // Restated facts are written again (a crash may have left their rollups behind), not counted.
    for (const { call, legs, partition } of out.call.restated) {
      batch.calls.push(call);
      batch.legs.push(...legs);
      batch.callPartitions.set(call.callId, partition);
    }
    for (const r of out.call.rejected) this.deadLetter(r.ref, r);
    appendAll(this.acks, out.call.done);

    for (const { fact, previous } of out.callback.facts) {
      batch.callbacks.push(fact);
      counters.countCallback(fact, previous);
    }
    appendAll(batch.callbacks, out.callback.restated);
    for (const r of out.callback.rejected) this.deadLetter(r.ref, r);
    appendAll(this.acks, out.callback.done);

    for (const { fact, ref } of out.survey.facts) {
      this.survey(fact, ref);
      counters.countSurvey(fact);
    }
    appendAll(this.acks, out.survey.done);

    for (const { fact, previous } of out.repeat.facts) {
      batch.callStarts.push(fact);
      counters.countCallStart(fact, previous);
      if (previous !== undefined) this.#telemetry.corrections.inc({ kind: 'repeat' });
    }
    appendAll(batch.callStarts, out.repeat.restated);
    const fresh = emptyOutputs();
    return {
      call: { ...fresh.call, orphans: out.call.orphans },
      callback: { ...fresh.callback, orphans: out.callback.orphans },
      survey: { ...fresh.survey, orphans: out.survey.orphans },
      repeat: fresh.repeat,
    };
  }

  /** A survey answer to write, from the message it came in. */
  survey(fact: SurveyFact, message: IncomingMessage): void {
    this.batch.surveys.push(fact);
    this.batch.callPartitions.set(fact.callId, message.partition);
  }

  /** Rows for the fact sink. */
  rows(): number {
    return rowsOf(this.batch);
  }

  /** Everything a flush would handle, given how many late events wait to be settled. */
  buffered(orphans: number): number {
    return this.rows() + this.deadLetters.length + this.acks.length + orphans;
  }

  /** Takes everything out for a flush to write; what arrives next starts a new buffer. */
  take(): TakenWrites {
    const taken: TakenWrites = {
      batch: this.batch,
      deadLetters: this.deadLetters,
      acks: this.acks,
      producedAtOfFinalized: this.producedAtOfFinalized,
      bufferedSince: this.bufferedSince,
    };
    this.batch = emptyBatch(this.#consumerGroup);
    this.deadLetters = [];
    this.acks = [];
    this.producedAtOfFinalized = [];
    this.bufferedSince = undefined;
    return taken;
  }

  /** What a failed write took comes back, ahead of what arrived since, for the next flush. */
  putBack(taken: TakenWrites): void {
    const t = taken.batch;
    const b = this.batch;
    this.batch = {
      ...b,
      events: t.events.concat(b.events),
      legs: t.legs.concat(b.legs),
      legTombstones: t.legTombstones.concat(b.legTombstones),
      calls: t.calls.concat(b.calls),
      callStarts: t.callStarts.concat(b.callStarts),
      surveys: t.surveys.concat(b.surveys),
      callbacks: t.callbacks.concat(b.callbacks),
      callPartitions: new Map([...t.callPartitions, ...b.callPartitions]),
    };
    this.deadLetters = taken.deadLetters.concat(this.deadLetters);
    this.acks = taken.acks.concat(this.acks);
    this.producedAtOfFinalized = taken.producedAtOfFinalized.concat(this.producedAtOfFinalized);
    if (taken.bufferedSince !== undefined)
      this.bufferedSince = Math.min(taken.bufferedSince, this.bufferedSince ?? taken.bufferedSince);
  }
}

/** One flush's share of the pending writes, detached from the buffer. */
export interface TakenWrites {
  readonly batch: SinkBatch;
  readonly deadLetters: DeadLetter[];
  readonly acks: IncomingMessage[];
  readonly producedAtOfFinalized: number[];
  readonly bufferedSince: number | undefined;
}

/** Rows a batch writes to the fact sink. */
export function rowsOf(b: SinkBatch): number {
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

/**
 * `target.push(...items)` for any number of items: spread into a call, more than some 120 000
 * (a watermark step or the drain at shutdown finalising that many calls' messages) exceed V8's
 * limit on a call's arguments.
 */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
