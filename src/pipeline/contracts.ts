/**
 * The engine's seams: everything the processor needs from outside, and everything outside needs
 * from it, as interfaces. Sources and sinks implement them; the processor imports only these
 * (plus domain, events and transforms), so a new source or sink is a new implementation here,
 * never a change to the engine.
 *
 *   consumer (sources) --IncomingMessage--> MessageHandler (the processor)
 *     -> EventReader (sources: bytes to a validated, pseudonymised event, or a rejection)
 *     -> trackers (transforms) -> SinkBatch -> FactSink (ClickHouse), DeadLetterSink (Kafka),
 *        LiveCounters (Prometheus) -> flush() returns the offsets to commit.
 */
import type { Targets } from '../config/targets.ts';
import type { CallEvent } from '../events/call-event.ts';
import type { DeadLetterReason, Rejection } from '../events/dead-letter.ts';
import type {
  CallFact,
  CallStartFact,
  CallbackFact,
  LegFact,
  ReleasedCallback,
  SurveyFact,
} from '../events/facts.ts';

/**
 * An accepted event with where it came from. The event is held as it is, not copied: the ledger
 * waits for the next flush, and a copy of every event was a large share of what outlived V8's
 * young generation.
 */
export interface LedgerRow {
  readonly event: CallEvent;
  readonly kafkaPartition: number;
  readonly kafkaOffset: number;
}

export interface SinkBatch {
  readonly events: LedgerRow[];
  readonly legs: LegFact[];
  /** Legs a correction removed: stored as deleted, with the correction's version. */
  readonly legTombstones: LegFact[];
  readonly calls: CallFact[];
  readonly callStarts: CallStartFact[];
  readonly surveys: SurveyFact[];
  readonly callbacks: CallbackFact[];
  /**
   * The Kafka partition of the events of every call whose legs, tombstones or survey answers are
   * in the batch: the minute rollups are kept per partition.
   */
  readonly callPartitions: Map<string, number>;
  /** The processor's event time over all its partitions (the minimum of theirs). */
  readonly watermarkMs?: number;
  /**
   * Each owned partition's event time, as far as its calls are final (calls that ended before it
   * minus the allowed lateness are), of `topic`.
   */
  readonly partitionWatermarks?: {
    readonly topic: string;
    readonly watermarks: ReadonlyMap<number, number>;
  };
  readonly consumerGroup: string;
}

/** A message as consumed: what the dead-letter topic needs to carry the original bytes. */
export interface IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Kafka timestamp (ms): when the switch produced it. */
  readonly timestamp: number;
}

export interface DeadLetter {
  readonly message: IncomingMessage;
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

/** What the store holds of some calls. */
export interface StoredCalls {
  /** Their accepted call-state events. */
  readonly history: CallEvent[];
  /** Those with stored facts (finalised by some processor); the others are still live. */
  readonly final: Set<string>;
}

/** The fact store: ClickHouse in production. */
export interface FactSink {
  write(batch: SinkBatch): Promise<void>;
  /**
   * The processor's partitions changed (a group join): whatever the sink derived in memory from
   * the facts of a partition may no longer match the store, where another processor may have
   * written since.
   */
  ownershipChanged(): void;
  /** What is stored of calls no longer in memory, for late events that arrive after their call was released. */
  loadStoredCalls(callIds: readonly string[]): Promise<StoredCalls>;
  loadCallbackHistory(callbackIds: readonly string[]): Promise<CallEvent[]>;
  /** A partition's open callbacks requested at or before `beforeMs` (past the horizon), streamed. */
  streamOpenCallbacksBefore(partition: number, beforeMs: number): AsyncIterable<ReleasedCallback>;
  /** The requests of a partition's open callbacks requested after `afterMs` (all when undefined), streamed. */
  streamOpenCallbackRequests(partition: number, afterMs: number | undefined): AsyncIterable<CallEvent>;
  /**
   * The completions of a partition's callbacks whose request is not stored (it may still come),
   * streamed.
   */
  streamUnrequestedCompletions(partition: number): AsyncIterable<CallEvent>;
  /**
   * The Kafka offset of the last callback event of a partition in the ledger (undefined when none
   * is): a previous owner may have handled the ones up to it without storing all they changed.
   */
  lastCallbackOffset(partition: number): Promise<number | undefined>;
  existingSurveyIds(eventIds: readonly string[]): Promise<Set<string>>;
}

/** The dead-letter topic. */
export interface DeadLetterSink {
  send(deadLetters: readonly DeadLetter[]): Promise<void>;
}

export type ReadResult = { ok: true; event: CallEvent } | ({ ok: false } & Rejection);

/**
 * The edge: a message's bytes to a validated event (caller number pseudonymised, gemeente and
 * queue known) or the reason it is a dead letter. Throws only when the answer may change on a
 * retry (the schema registry cannot be reached); the processor waits that out.
 */
export interface EventReader {
  /** The message read without waiting, or undefined when reading it needs `read` (a registry lookup). */
  readKnown(value: Buffer | null, nowMs: number): ReadResult | undefined;
  read(value: Buffer | null, nowMs: number): Promise<ReadResult>;
}

/**
 * The live counters (Prometheus in production): final facts counted as they become final, a
 * correction retracting what it replaces, and the gauges of "now".
 */
export interface LiveCounters {
  countCall(
    legs: readonly LegFact[],
    call: CallFact,
    previous: { legs: readonly LegFact[]; call: CallFact } | undefined,
  ): void;
  countCallStart(fact: CallStartFact, previous: CallStartFact | undefined): void;
  countSurvey(fact: SurveyFact): void;
  countCallback(fact: CallbackFact, previous: CallbackFact | undefined): void;
  /** Open queues, open and overdue callbacks per `gemeente|queue`, this year's targets. */
  refreshGauges(
    nowMs: number,
    callbacks: ReadonlyMap<string, { open: number; overdue: number }>,
    targets: Targets,
  ): void;
}

/** What the consumer loop drives: the processor. */
export interface MessageHandler {
  /** Partitions owned now. */
  readonly partitions: readonly number[];
  /** Messages whose effect the sinks acknowledged, since start. */
  readonly acknowledgedCount: number;
  /** Consumed messages of one partition, in offset order; `position` when the fetch said where it ends. */
  handle(
    messages: readonly IncomingMessage[],
    position?: { partition: number; highWatermark: number },
  ): Promise<void>;
  /** A rebalance began. */
  rebalancing(): void;
  /** The partitions owned after a group join. */
  assign(partitions: readonly number[]): void;
  /** Evidence of where a partition ends, from a probe started at `probedAt`. */
  observeEnd(partition: number, end: { highWatermark: number; startOffset: number; probedAt: number }): void;
  /** The offset after the latest one received of a partition. */
  nextToRead(partition: number): number | undefined;
  /** On a timer: lets event time follow the clock for partitions read to their end. */
  tick(): void;
  needsFlush(): boolean;
  /** Far behind the end of its partitions (a replay): a flush may wait for the next batch. */
  readonly catchingUp: boolean;
  /** Writes what is buffered (waiting out outages) and returns the offsets now committable. */
  flush(): Promise<Map<number, number>>;
  /**
   * Takes what is buffered and starts writing it; `written` resolves with the offsets committable
   * once it is stored. Messages handled meanwhile wait for the next flush.
   */
  startFlush(): Promise<{ written: Promise<Map<number, number>> }>;
}

export function emptyBatch(consumerGroup: string): SinkBatch {
  return {
    events: [],
    legs: [],
    legTombstones: [],
    calls: [],
    callStarts: [],
    surveys: [],
    callbacks: [],
    callPartitions: new Map(),
    consumerGroup,
  };
}
