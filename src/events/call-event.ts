/**
 * The switch's call events in two shapes: `RawCallEvent`, exactly the Avro record of
 * nl.veertien.switch.v1.CallEvent (what the switch and the simulator produce), and `CallEvent`,
 * the validated form the transforms work on, one variant per event type with its required
 * fields present and the caller number already pseudonymised.
 */

export const callEventTypes = [
  'CALL_STARTED',
  'QUEUE_ENTERED',
  'ANSWERED',
  'ABANDONED',
  'TIMED_OUT',
  'CALLBACK_REQUESTED',
  'CALLBACK_COMPLETED',
  'CALL_ENDED',
  'SURVEY_ANSWERED',
] as const;
export type CallEventType = (typeof callEventTypes)[number];

export type CallbackOutcome = 'REACHED' | 'NOT_REACHED';

/** The Avro record as decoded (occurredAt in epoch milliseconds, UTC). */
export interface RawCallEvent {
  eventId: string;
  type: CallEventType;
  occurredAt: number;
  gemeente: string;
  callId: string | null;
  legId: string | null;
  queue: string | null;
  transferredFromLegId: string | null;
  callerNumber: string | null;
  dialledNumber: string | null;
  agentId: string | null;
  callbackId: string | null;
  callbackOutcome: CallbackOutcome | null;
  surveyScore: number | null;
}

interface Base {
  readonly eventId: string;
  /** Event time: epoch milliseconds, UTC. */
  readonly occurredAt: number;
  readonly gemeente: string;
}

export interface CallStarted extends Base {
  readonly type: 'CALL_STARTED';
  readonly callId: string;
  /** HMAC pseudonym of the caller's number; null when the number was withheld. */
  readonly callerKey: string | null;
  readonly dialledNumber: string | null;
}
export interface QueueEntered extends Base {
  readonly type: 'QUEUE_ENTERED';
  readonly callId: string;
  readonly legId: string;
  readonly queue: string;
  readonly transferredFromLegId: string | null;
}
export interface LegEnded extends Base {
  readonly type: 'ANSWERED' | 'ABANDONED' | 'TIMED_OUT';
  readonly callId: string;
  readonly legId: string;
  /** The agent who answered; only on ANSWERED. */
  readonly agentId: string | null;
}
export interface CallbackRequested extends Base {
  readonly type: 'CALLBACK_REQUESTED';
  readonly callbackId: string;
  readonly queue: string;
  readonly callId: string | null;
}
export interface CallbackCompleted extends Base {
  readonly type: 'CALLBACK_COMPLETED';
  readonly callbackId: string;
  readonly outcome: CallbackOutcome;
}
export interface CallEnded extends Base {
  readonly type: 'CALL_ENDED';
  readonly callId: string;
}
export interface SurveyAnswered extends Base {
  readonly type: 'SURVEY_ANSWERED';
  readonly callId: string;
  readonly score: 1 | 2 | 3 | 4 | 5;
}

/** A validated call event. */
export type CallEvent =
  CallStarted | QueueEntered | LegEnded | CallbackRequested | CallbackCompleted | CallEnded | SurveyAnswered;

/** The events that belong to a call's state (callbacks and surveys are tracked apart). */
export type CallStateEvent = CallStarted | QueueEntered | LegEnded | CallEnded;

/** The types of CallStateEvent. */
export const callStateEventTypes: readonly CallEventType[] = [
  'CALL_STARTED',
  'QUEUE_ENTERED',
  'ANSWERED',
  'ABANDONED',
  'TIMED_OUT',
  'CALL_ENDED',
];

const callStateEventTypeSet: ReadonlySet<CallEventType> = new Set(callStateEventTypes);

export function isCallStateEvent(event: CallEvent): event is CallStateEvent {
  return callStateEventTypeSet.has(event.type);
}

/** The two events of a terugbelverzoek. */
export type CallbackEvent = CallbackRequested | CallbackCompleted;
