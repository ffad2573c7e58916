/**
 * Why an event went to the dead-letter topic: a closed list, so metrics, headers and docs use the
 * same words. Each reason says what the operator can do about it.
 */
export const deadLetterReasons = {
  'wrong-magic-byte':
    'the value is not in the Confluent wire format (magic byte 0 + schema id); fix the producer',
  'unknown-schema-id': 'the schema id is not in the Schema Registry; register the schema or fix the producer',
  undecodable: 'the Avro bytes do not decode with their registered schema; fix the producer',
  'wrong-schema': 'the registered schema is not a nl.veertien.switch.v1.CallEvent; fix the topic or producer',
  'missing-field': 'a field this event type requires is null or empty; fix the switch export',
  'invalid-value':
    'a field has a value outside its range (e.g. a survey score not 1-5); fix the switch export',
  'unknown-gemeente': 'the gemeente is not in the configuration; add it, then replay the dead letters',
  'unknown-queue': 'the queue is not configured for this gemeente; add it, then replay the dead letters',
  'impossible-timestamp':
    'occurredAt is before 2000 or further in the future than processing.maxFutureSkewSeconds; check the switch clock',
  'contradicts-call-state':
    "the event contradicts its call's state (e.g. a second outcome for a leg); check the switch",
} as const;

export type DeadLetterReason = keyof typeof deadLetterReasons;

/** A rejected input: the reason from the closed list and a detail naming the event and field. */
export interface Rejection {
  readonly reason: DeadLetterReason;
  readonly detail: string;
}
