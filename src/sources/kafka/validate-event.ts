/**
 * Turns a decoded Avro record into a validated CallEvent, or a Rejection naming what is wrong.
 * This is the edge: after it, the transforms trust the types. The caller number is pseudonymised
 * here (the raw number goes no further) and the gemeente and queue must be configured.
 */
import type { CallEvent, RawCallEvent } from '../../events/call-event.ts';
import type { Rejection } from '../../events/dead-letter.ts';

/** The configured gemeenten and their queue ids. */
export type QueueIdsByGemeente = ReadonlyMap<string, ReadonlySet<string>>;

export interface ValidationContext {
  readonly queueIds: QueueIdsByGemeente;
  /** Keyed HMAC of a caller number. */
  readonly pseudonymise: (callerNumber: string) => string;
  /** The consumer's clock, only to reject timestamps in the future. */
  readonly nowMs: number;
  /**
   * How far ahead of the consumer's clock an event may be (processing.maxFutureSkewSeconds): a
   * switch clock a little fast is fine, an event from far ahead would hold its call open and its
   * partition's commit for that long.
   */
  readonly maxFutureSkewMs: number;
}

const earliestPlausible = Date.UTC(2000, 0, 1);

export type ValidationResult = { ok: true; event: CallEvent } | ({ ok: false } & Rejection);

function reject(reason: Rejection['reason'], detail: string): ValidationResult {
  return { ok: false, reason, detail };
}

function present(value: string | null): value is string {
  return value !== null && value !== '';
}

/** How a rejection names the event: built only for a rejection, never for the events that pass. */
function what(raw: RawCallEvent): string {
  return `${raw.type} ${raw.eventId}`;
}

function missing(raw: RawCallEvent, field: keyof RawCallEvent): ValidationResult {
  return reject('missing-field', `${what(raw)}: ${field} is required on ${raw.type}`);
}

function unknownQueue(raw: RawCallEvent, queue: string): ValidationResult {
  return reject('unknown-queue', `${what(raw)}: queue '${queue}' is not configured for ${raw.gemeente}`);
}

// Runs once for every message: no closures or intermediate objects, each event one literal.
export function validateCallEvent(raw: RawCallEvent, context: ValidationContext): ValidationResult {
  const { eventId, type, occurredAt, gemeente } = raw;
  if (!present(eventId)) return reject('missing-field', `${type} event without eventId`);
  if (
    !Number.isSafeInteger(occurredAt) ||
    occurredAt < earliestPlausible ||
    occurredAt > context.nowMs + context.maxFutureSkewMs
  ) {
    const ahead =
      Number.isSafeInteger(occurredAt) && occurredAt > context.nowMs
        ? `, ${Math.round((occurredAt - context.nowMs) / 1000)} s ahead of this processor's clock (at most ${context.maxFutureSkewMs / 1000} s allowed: processing.maxFutureSkewSeconds)`
        : '';
    return reject(
      'impossible-timestamp',
      `${what(raw)}: occurredAt ${String(occurredAt)} (${describeTime(occurredAt)})${ahead}`,
    );
  }
  const queues = context.queueIds.get(gemeente);
  if (queues === undefined)
    return reject('unknown-gemeente', `${what(raw)}: gemeente '${gemeente}' is not configured`);

  switch (type) {
    case 'CALL_STARTED': {
      const { callId } = raw;
      if (!present(callId)) return missing(raw, 'callId');
      const callerKey = present(raw.callerNumber) ? context.pseudonymise(raw.callerNumber) : null;
      return {
        ok: true,
        event: { eventId, occurredAt, gemeente, type, callId, callerKey, dialledNumber: raw.dialledNumber },
      };
    }
    case 'QUEUE_ENTERED': {
      const { callId, legId, queue } = raw;
      if (!present(callId)) return missing(raw, 'callId');
      if (!present(legId)) return missing(raw, 'legId');
      if (!present(queue)) return missing(raw, 'queue');
      if (!queues.has(queue)) return unknownQueue(raw, queue);
      const transferredFromLegId = present(raw.transferredFromLegId) ? raw.transferredFromLegId : null;
      if (transferredFromLegId === legId)
        return reject('contradicts-call-state', `${what(raw)}: leg ${legId} is transferred from itself`);
      return {
        ok: true,
        event: { eventId, occurredAt, gemeente, type, callId, legId, queue, transferredFromLegId },
      };
    }
    case 'ANSWERED':
    case 'ABANDONED':
    case 'TIMED_OUT': {
      const { callId, legId } = raw;
      if (!present(callId)) return missing(raw, 'callId');
      if (!present(legId)) return missing(raw, 'legId');
      const agentId = type === 'ANSWERED' && present(raw.agentId) ? raw.agentId : null;
      return { ok: true, event: { eventId, occurredAt, gemeente, type, callId, legId, agentId } };
    }
    case 'CALLBACK_REQUESTED': {
      const { callbackId, queue } = raw;
      if (!present(callbackId)) return missing(raw, 'callbackId');
      if (!present(queue)) return missing(raw, 'queue');
      if (!queues.has(queue)) return unknownQueue(raw, queue);
      const callId = present(raw.callId) ? raw.callId : null;
      return { ok: true, event: { eventId, occurredAt, gemeente, type, callbackId, queue, callId } };
    }
    case 'CALLBACK_COMPLETED': {
      const { callbackId } = raw;
      if (!present(callbackId)) return missing(raw, 'callbackId');
      if (raw.callbackOutcome === null) return missing(raw, 'callbackOutcome');
      return {
        ok: true,
        event: { eventId, occurredAt, gemeente, type, callbackId, outcome: raw.callbackOutcome },
      };
    }
    case 'CALL_ENDED': {
      const { callId } = raw;
      if (!present(callId)) return missing(raw, 'callId');
      return { ok: true, event: { eventId, occurredAt, gemeente, type, callId } };
    }
    case 'SURVEY_ANSWERED': {
      const { callId } = raw;
      if (!present(callId)) return missing(raw, 'callId');
      const score = raw.surveyScore;
      if (score === null) return missing(raw, 'surveyScore');
      if (score !== 1 && score !== 2 && score !== 3 && score !== 4 && score !== 5) {
        return reject('invalid-value', `${what(raw)}: surveyScore ${score} is not 1 to 5`);
      }
      return { ok: true, event: { eventId, occurredAt, gemeente, type, callId, score } };
    }
  }
}

function describeTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : 'not a time';
}
