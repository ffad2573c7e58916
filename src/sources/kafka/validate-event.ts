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

export function validateCallEvent(raw: RawCallEvent, context: ValidationContext): ValidationResult {
  const { eventId, type, occurredAt, gemeente } = raw;
  const what = `${type} ${eventId}`;
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
      `${what}: occurredAt ${String(occurredAt)} (${describeTime(occurredAt)})${ahead}`,
    );
  }
  const queues = context.queueIds.get(gemeente);
  if (queues === undefined)
    return reject('unknown-gemeente', `${what}: gemeente '${gemeente}' is not configured`);
  const base = { eventId, occurredAt, gemeente };

  const need = (field: keyof RawCallEvent, value: string | null): string | Rejection => {
    if (present(value)) return value;
    return { reason: 'missing-field', detail: `${what}: ${field} is required on ${type}` };
  };
  const fail = (r: Rejection): ValidationResult => ({ ok: false, ...r });

  switch (type) {
    case 'CALL_STARTED': {
      const callId = need('callId', raw.callId);
      if (typeof callId !== 'string') return fail(callId);
      const caller = present(raw.callerNumber) ? context.pseudonymise(raw.callerNumber) : null;
      return {
        ok: true,
        event: { ...base, type, callId, callerKey: caller, dialledNumber: raw.dialledNumber },
      };
    }
    case 'QUEUE_ENTERED': {
      const callId = need('callId', raw.callId);
      if (typeof callId !== 'string') return fail(callId);
      const legId = need('legId', raw.legId);
      if (typeof legId !== 'string') return fail(legId);
      const queue = need('queue', raw.queue);
      if (typeof queue !== 'string') return fail(queue);
      if (!queues.has(queue))
        return reject('unknown-queue', `${what}: queue '${queue}' is not configured for ${gemeente}`);
      const from = present(raw.transferredFromLegId) ? raw.transferredFromLegId : null;
      if (from === legId)
        return reject('contradicts-call-state', `${what}: leg ${legId} is transferred from itself`);
      return { ok: true, event: { ...base, type, callId, legId, queue, transferredFromLegId: from } };
    }
    case 'ANSWERED':
    case 'ABANDONED':
    case 'TIMED_OUT': {
      const callId = need('callId', raw.callId);
      if (typeof callId !== 'string') return fail(callId);
      const legId = need('legId', raw.legId);
      if (typeof legId !== 'string') return fail(legId);
      const agentId = type === 'ANSWERED' && present(raw.agentId) ? raw.agentId : null;
      return { ok: true, event: { ...base, type, callId, legId, agentId } };
    }
    case 'CALLBACK_REQUESTED': {
      const callbackId = need('callbackId', raw.callbackId);
      if (typeof callbackId !== 'string') return fail(callbackId);
      const queue = need('queue', raw.queue);
      if (typeof queue !== 'string') return fail(queue);
      if (!queues.has(queue))
        return reject('unknown-queue', `${what}: queue '${queue}' is not configured for ${gemeente}`);
      return {
        ok: true,
        event: { ...base, type, callbackId, queue, callId: present(raw.callId) ? raw.callId : null },
      };
    }
    case 'CALLBACK_COMPLETED': {
      const callbackId = need('callbackId', raw.callbackId);
      if (typeof callbackId !== 'string') return fail(callbackId);
      if (raw.callbackOutcome === null)
        return reject('missing-field', `${what}: callbackOutcome is required on ${type}`);
      return { ok: true, event: { ...base, type, callbackId, outcome: raw.callbackOutcome } };
    }
    case 'CALL_ENDED': {
      const callId = need('callId', raw.callId);
      if (typeof callId !== 'string') return fail(callId);
      return { ok: true, event: { ...base, type, callId } };
    }
    case 'SURVEY_ANSWERED': {
      const callId = need('callId', raw.callId);
      if (typeof callId !== 'string') return fail(callId);
      const score = raw.surveyScore;
      if (score === null) return reject('missing-field', `${what}: surveyScore is required on ${type}`);
      if (score !== 1 && score !== 2 && score !== 3 && score !== 4 && score !== 5) {
        return reject('invalid-value', `${what}: surveyScore ${score} is not 1 to 5`);
      }
      return { ok: true, event: { ...base, type, callId, score } };
    }
  }
}

function describeTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : 'not a time';
}
