/**
 * What one flush hands to the sinks: the accepted events for the ledger, the facts (new and
 * corrected), tombstones for legs a correction removed, and the watermark for restart recovery.
 * The interfaces the processor needs from its sinks are here too, so the engine does not depend
 * on ClickHouse or Kafka types.
 */
import type { CallEvent } from '../events/call-event.ts';
import type { DeadLetterReason } from '../events/dead-letter.ts';
import type { CallFact, CallStartFact, CallbackFact, LegFact, SurveyFact } from '../events/facts.ts';
import type { ReleasedCallback } from '../events/facts.ts';

/** An accepted event with where it came from. */
export type LedgerRow = CallEvent & { readonly kafkaPartition: number; readonly kafkaOffset: number };

export interface SinkBatch {
  readonly events: LedgerRow[];
  readonly legs: LegFact[];
  /** Legs a correction removed: stored as deleted, with the correction's version. */
  readonly legTombstones: LegFact[];
  readonly calls: CallFact[];
  readonly callStarts: CallStartFact[];
  readonly surveys: SurveyFact[];
  readonly callbacks: CallbackFact[];
  readonly watermarkMs?: number;
  /** The partitions the watermark covers (those owned when it was written), of `topic`. */
  readonly watermarkPartitions?: { readonly topic: string; readonly partitions: readonly number[] };
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

/** The fact store: ClickHouse in production. */
export interface FactSink {
  write(batch: SinkBatch): Promise<void>;
  /** Accepted events of calls no longer in memory, for late events that arrive after their call was released. */
  loadCallHistory(callIds: readonly string[]): Promise<CallEvent[]>;
  /** Which of these calls have stored facts (were finalised by some processor); the others are still live. */
  loadFinalCallIds(callIds: readonly string[]): Promise<Set<string>>;
  loadCallbackHistory(callbackIds: readonly string[]): Promise<CallEvent[]>;
  /** A partition's open callbacks requested at or before `beforeMs` (past the horizon), streamed. */
  streamOpenCallbacksBefore(partition: number, beforeMs: number): AsyncIterable<ReleasedCallback>;
  /** The requests of a partition's open callbacks requested after `afterMs` (all when undefined), streamed. */
  streamOpenCallbackRequests(partition: number, afterMs: number | undefined): AsyncIterable<CallEvent>;
  existingSurveyIds(eventIds: readonly string[]): Promise<Set<string>>;
}

/** The dead-letter topic. */
export interface DeadLetterSink {
  send(deadLetters: readonly DeadLetter[]): Promise<void>;
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
    consumerGroup,
  };
}
