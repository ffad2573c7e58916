/**
 * What the switch says about a planned call: the call's events (CALL_STARTED, one QUEUE_ENTERED
 * per leg and its outcome, CALL_ENDED unless the plan says the switch never reports it, the survey
 * answer), and each callback's CALLBACK_REQUESTED and CALLBACK_COMPLETED.
 *
 * In: a CallPlan. Out: RawCallEvents exactly as the Avro record (SWITCH.md), in time order, with
 * deterministic event ids: `<callId>-e<n>` for call events, `<callbackId>-e<n>` for callback events.
 */
import type { CallEventType, RawCallEvent } from '../events/call-event.ts';
import type { CallbackPlan, CallPlan } from './call-plan.ts';

/** A RawCallEvent with every optional field null; one shape for every event (keeps V8 monomorphic). */
export function switchEvent(
  eventId: string,
  type: CallEventType,
  occurredAt: number,
  gemeente: string,
  fields: Partial<Omit<RawCallEvent, 'eventId' | 'type' | 'occurredAt' | 'gemeente'>>,
): RawCallEvent {
  return {
    eventId,
    type,
    occurredAt,
    gemeente,
    callId: fields.callId ?? null,
    legId: fields.legId ?? null,
    queue: fields.queue ?? null,
    transferredFromLegId: fields.transferredFromLegId ?? null,
    callerNumber: fields.callerNumber ?? null,
    dialledNumber: fields.dialledNumber ?? null,
    agentId: fields.agentId ?? null,
    callbackId: fields.callbackId ?? null,
    callbackOutcome: fields.callbackOutcome ?? null,
    surveyScore: fields.surveyScore ?? null,
  };
}

/** The events keyed by the call id, in time order (ties keep the call's natural order). */
export function callEvents(plan: CallPlan): RawCallEvent[] {
  const { callId, gemeente } = plan;
  const events: RawCallEvent[] = [];
  events.push(
    switchEvent('', 'CALL_STARTED', plan.startedAt, gemeente, {
      callId,
      callerNumber: plan.callerNumber,
      dialledNumber: plan.dialledNumber,
    }),
  );
  for (const leg of plan.legs) {
    events.push(
      switchEvent('', 'QUEUE_ENTERED', leg.enteredAt, gemeente, {
        callId,
        legId: leg.legId,
        queue: leg.queue,
        transferredFromLegId: leg.transferredFromLegId,
      }),
    );
    if (leg.outcome !== null && leg.outcomeAt !== null) {
      events.push(
        switchEvent('', leg.outcome, leg.outcomeAt, gemeente, {
          callId,
          legId: leg.legId,
          agentId: leg.agentId,
        }),
      );
    }
  }
  if (plan.endReported) events.push(switchEvent('', 'CALL_ENDED', plan.endedAt, gemeente, { callId }));
  if (plan.survey !== null) {
    events.push(
      switchEvent('', 'SURVEY_ANSWERED', plan.survey.answeredAt, gemeente, {
        callId,
        surveyScore: plan.survey.score,
      }),
    );
  }
  // Array#sort is stable: events at the same instant keep the order above.
  events.sort((a, b) => a.occurredAt - b.occurredAt);
  for (let i = 0; i < events.length; i++) (events[i] as { eventId: string }).eventId = `${callId}-e${i + 1}`;
  return events;
}

/** A callback's events, keyed by its callback id: the request, and the completion when it is done. */
export function callbackEvents(plan: CallPlan, callback: CallbackPlan): RawCallEvent[] {
  const { gemeente, callId } = plan;
  const { callbackId } = callback;
  const requested = switchEvent(`${callbackId}-e1`, 'CALLBACK_REQUESTED', callback.requestedAt, gemeente, {
    callbackId,
    queue: callback.queue,
    callId,
  });
  if (callback.completedAt === null || callback.outcome === null) return [requested];
  return [
    requested,
    switchEvent(`${callbackId}-e2`, 'CALLBACK_COMPLETED', callback.completedAt, gemeente, {
      callbackId,
      callbackOutcome: callback.outcome,
    }),
  ];
}
