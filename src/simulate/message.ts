/**
 * What the simulator hands to a producer: one Kafka message at a time, in delivery order, with the
 * moment to send it and, for messages the processor must reject, the dead-letter reason expected.
 *
 * In: nothing (types only). Out: `SimMessage`, produced by simulator.ts, consumed by produce.ts
 * and by tests.
 */
import type { RawCallEvent } from '../events/call-event.ts';
import type { DeadLetterReason } from '../events/dead-letter.ts';

/** Bytes that are no valid Avro message in the Confluent wire format; produce.ts makes them. */
export type MalformedFault = 'wrong-magic-byte' | 'unknown-schema-id' | 'undecodable';

export const malformedFaultKinds: readonly MalformedFault[] = [
  'wrong-magic-byte',
  'unknown-schema-id',
  'undecodable',
];

/** A message's value: a switch event to encode, or a malformed value to fabricate. */
export type SimPayload =
  | { readonly kind: 'event'; readonly event: RawCallEvent }
  | { readonly kind: 'malformed'; readonly fault: MalformedFault };

/** One Kafka message of the simulated switch topic. */
export interface SimMessage {
  /** The Kafka key: the callId for call events, the callbackId for callback events (SWITCH.md). */
  readonly key: string;
  /**
   * When to send it, epoch ms: the event's occurredAt, or later for a late, redelivered or shuffled
   * event. Messages come in increasing deliverAt; a real-time producer sleeps until it.
   */
  readonly deliverAt: number;
  readonly payload: SimPayload;
  /** Set on messages the processor must dead-letter, with the reason it must give. */
  readonly expectedDeadLetter?: DeadLetterReason;
}
