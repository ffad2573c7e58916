/**
 * bereik's own published schema: nl.bereik.v1.DeadLetter (schemas/nl.bereik.v1.DeadLetter.avsc),
 * the machine-readable reason that travels with a dead letter. It is registered in the Schema
 * Registry and encoded in the Confluent wire format, so consumers of the dead-letter topic read it
 * with the writer's schema and it can evolve (new fields with defaults, reasons falling back to
 * OTHER for older readers).
 */
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { DeadLetterReason } from './dead-letter.ts';

export const deadLetterSchemaText = readFileSync(
  new URL('../../schemas/nl.bereik.v1.DeadLetter.avsc', import.meta.url),
  'utf8',
);
export const deadLetterSubject = 'nl.bereik.v1.DeadLetter';
export const deadLetterType: avro.Type = avro.Type.forSchema(JSON.parse(deadLetterSchemaText) as avro.Schema);

export interface DeadLetterRecord {
  reason: string;
  detail: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  failedAt: number;
  processor: string;
}

/** The Avro enum symbol of a reason: `unknown-queue` -> `UNKNOWN_QUEUE`. */
export function reasonSymbol(reason: DeadLetterReason): string {
  return reason.toUpperCase().replaceAll('-', '_');
}
