/**
 * Facts and ledger events as row objects for the tables of schema.ts, as row-binary.ts writes
 * them: snake_case keys, instants as epoch milliseconds (a DateTime column stores the second, its
 * `*_ms` twin the millisecond), local dates as 'YYYY-MM-DD', booleans as 0/1, unknown values as null.
 *
 * One derivation happens here: the call's end-to-end attribution (first offered leg, last offered
 * leg answered) is put on the call's first offered leg, so gemeente rollups are computed from
 * leg rows, whose window (entered_at) never changes; see writer.ts.
 */
import { isSatisfiedScore, localDateOf } from '../../domain/index.ts';
import { isCallStateEvent, type CallEvent } from '../../events/call-event.ts';
import type { LedgerRow } from '../../pipeline/contracts.ts';
import type { CallFact, CallStartFact, CallbackFact, LegFact, SurveyFact } from '../../events/facts.ts';

const flag = (value: boolean): 0 | 1 => (value ? 1 : 0);
const nullableFlag = (value: boolean | null): 0 | 1 | null => (value === null ? null : flag(value));

/** The local date a callback is due on: the date whose end (24:00 Europe/Amsterdam) is the due moment. */
export function dueDateOf(dueAtMs: number): string {
  return localDateOf(dueAtMs - 1);
}

export interface CallEventRow {
  event_id: string;
  type: CallEvent['type'];
  occurred_at: number;
  occurred_at_ms: number;
  gemeente: string;
  call_id: string;
  leg_id: string | null;
  queue: string | null;
  transferred_from_leg_id: string | null;
  caller_key: string | null;
  dialled_number: string | null;
  agent_id: string | null;
  callback_id: string;
  callback_outcome: string | null;
  survey_score: number | null;
  kafka_partition: number;
  kafka_offset: number;
}

export interface LedgerCallRow {
  call_id: string;
  occurred_at: number;
}

const DAY_MS = 86_400_000;

/**
 * The ledger index's rows (ledger_calls) for ledger rows: at least one per call and UTC day it has
 * call-state events on, so each month of call_events that holds events of a call holds an index
 * row of it too, and the two lose that month together. A call's events mostly come in order, so
 * a row is written when its day differs from the call's previous event's; a day the events go back
 * to is written again (the table keeps one).
 */
export function encodeLedgerCalls(ledgerRows: readonly LedgerRow[]): LedgerCallRow[] {
  // Keyed by the event's own call id string: no key built per event, on the hot path.
  const dayOfCall = new Map<string, number>();
  const rows: LedgerCallRow[] = [];
  for (const { event } of ledgerRows) {
    if (!isCallStateEvent(event)) continue;
    const day = Math.floor(event.occurredAt / DAY_MS);
    if (dayOfCall.get(event.callId) === day) continue;
    dayOfCall.set(event.callId, day);
    rows.push({ call_id: event.callId, occurred_at: event.occurredAt });
  }
  return rows;
}

/** A ledger row; `call_id` and `callback_id` are '' when the event has none (they are sort-key columns). */
export function encodeCallEvent(ledgerRow: LedgerRow): CallEventRow {
  const { event } = ledgerRow;
  const row: CallEventRow = {
    event_id: event.eventId,
    type: event.type,
    occurred_at: event.occurredAt,
    occurred_at_ms: event.occurredAt,
    gemeente: event.gemeente,
    call_id: '',
    leg_id: null,
    queue: null,
    transferred_from_leg_id: null,
    caller_key: null,
    dialled_number: null,
    agent_id: null,
    callback_id: '',
    callback_outcome: null,
    survey_score: null,
    kafka_partition: ledgerRow.kafkaPartition,
    kafka_offset: ledgerRow.kafkaOffset,
  };
  // Filled in place, not spread into a copy: one row object per event on the hot path.
  switch (event.type) {
    case 'CALL_STARTED':
      row.call_id = event.callId;
      row.caller_key = event.callerKey;
      row.dialled_number = event.dialledNumber;
      return row;
    case 'QUEUE_ENTERED':
      row.call_id = event.callId;
      row.leg_id = event.legId;
      row.queue = event.queue;
      row.transferred_from_leg_id = event.transferredFromLegId;
      return row;
    case 'ANSWERED':
    case 'ABANDONED':
    case 'TIMED_OUT':
      row.call_id = event.callId;
      row.leg_id = event.legId;
      row.agent_id = event.agentId;
      return row;
    case 'CALL_ENDED':
      row.call_id = event.callId;
      return row;
    case 'SURVEY_ANSWERED':
      row.call_id = event.callId;
      row.survey_score = event.score;
      return row;
    case 'CALLBACK_REQUESTED':
      row.call_id = event.callId ?? '';
      row.callback_id = event.callbackId;
      row.queue = event.queue;
      return row;
    case 'CALLBACK_COMPLETED':
      row.callback_id = event.callbackId;
      row.callback_outcome = event.outcome;
      return row;
  }
}

export interface LegRow {
  leg_id: string;
  call_id: string;
  gemeente: string;
  queue: string;
  entered_at: number;
  entered_at_ms: number;
  outcome: LegFact['outcome'];
  outcome_source: LegFact['outcomeSource'];
  outcome_at: number;
  outcome_at_ms: number;
  wait_ms: number;
  category: LegFact['category'];
  within_service_level: 0 | 1;
  transferred_from_leg_id: string | null;
  transferred_out: 0 | 1;
  agent_id: string | null;
  norm_id: string;
  first_offered_in_call: 0 | 1;
  call_last_offered_answered: 0 | 1;
  is_deleted: 0 | 1;
  version: number;
  kafka_partition: number;
}

function encodeLeg(
  leg: LegFact,
  firstOffered: boolean,
  lastOfferedAnswered: boolean,
  isDeleted: boolean,
  partition: number,
): LegRow {
  return {
    leg_id: leg.legId,
    call_id: leg.callId,
    gemeente: leg.gemeente,
    queue: leg.queue,
    entered_at: leg.enteredAt,
    entered_at_ms: leg.enteredAt,
    outcome: leg.outcome,
    outcome_source: leg.outcomeSource,
    outcome_at: leg.outcomeAt,
    outcome_at_ms: leg.outcomeAt,
    wait_ms: leg.waitMs,
    category: leg.category,
    within_service_level: flag(leg.withinServiceLevel),
    transferred_from_leg_id: leg.transferredFromLegId,
    transferred_out: flag(leg.transferredOut),
    agent_id: leg.agentId,
    norm_id: leg.normId,
    first_offered_in_call: flag(firstOffered),
    call_last_offered_answered: flag(lastOfferedAnswered),
    is_deleted: flag(isDeleted),
    version: leg.version,
    kafka_partition: partition,
  };
}

const byEntry = (a: LegFact, b: LegFact): number =>
  a.enteredAt - b.enteredAt || (a.legId < b.legId ? -1 : a.legId > b.legId ? 1 : 0);

/**
 * Leg rows for a batch: live legs with the end-to-end attribution of their call, and tombstones.
 * The legs of one call version are grouped (gemeente, call, version); within a group the first
 * offered leg (by entry time, then leg id: the call tracker's order) gets `first_offered_in_call = 1`
 * and, on that row only, whether the call's last offered leg was answered. Computed from the legs
 * rather than the CallFact because the CallFact is computed from exactly these legs.
 * `partitionOf` gives the Kafka partition of a call's events.
 */
export function encodeLegs(
  legs: readonly LegFact[],
  tombstones: readonly LegFact[],
  partitionOf: (callId: string) => number,
): LegRow[] {
  const groups = new Map<string, LegFact[]>();
  for (const leg of legs) {
    const key = `${leg.gemeente}\u0000${leg.callId}\u0000${leg.version}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [leg]);
    else group.push(leg);
  }
  const rows: LegRow[] = [];
  for (const group of groups.values()) {
    const offered = group.filter((l) => l.category === 'offered').sort(byEntry);
    const first = offered[0];
    const lastAnswered = offered.at(-1)?.outcome === 'answered';
    for (const leg of group) {
      const isFirst = first !== undefined && leg.legId === first.legId;
      rows.push(encodeLeg(leg, isFirst, isFirst && lastAnswered, false, partitionOf(leg.callId)));
    }
  }
  for (const leg of tombstones) {
    rows.push(encodeLeg(leg, false, false, true, partitionOf(leg.callId)));
  }
  return rows;
}

export interface CallRow {
  call_id: string;
  gemeente: string;
  started_at: number | null;
  started_at_ms: number | null;
  ended_at: number;
  ended_at_ms: number;
  end_source: CallFact['endSource'];
  caller_key: string | null;
  dialled_number: string | null;
  legs: number;
  offered_legs: number;
  first_offered_at: number | null;
  first_offered_at_ms: number | null;
  last_offered_answered: 0 | 1 | null;
  version: number;
}

export function encodeCall(call: CallFact): CallRow {
  return {
    call_id: call.callId,
    gemeente: call.gemeente,
    started_at: call.startedAt,
    started_at_ms: call.startedAt,
    ended_at: call.endedAt,
    ended_at_ms: call.endedAt,
    end_source: call.endSource,
    caller_key: call.callerKey,
    dialled_number: call.dialledNumber,
    legs: call.legs,
    offered_legs: call.offeredLegs,
    first_offered_at: call.firstOfferedAt,
    first_offered_at_ms: call.firstOfferedAt,
    last_offered_answered: nullableFlag(call.lastOfferedAnswered),
    version: call.version,
  };
}

export interface CallStartRow {
  call_id: string;
  gemeente: string;
  started_at: number;
  started_at_ms: number;
  caller_key: string | null;
  is_repeat: 0 | 1 | null;
  version: number;
}

export function encodeCallStart(start: CallStartFact): CallStartRow {
  return {
    call_id: start.callId,
    gemeente: start.gemeente,
    started_at: start.startedAt,
    started_at_ms: start.startedAt,
    caller_key: start.callerKey,
    is_repeat: nullableFlag(start.repeat),
    version: start.version,
  };
}

export interface SurveyRow {
  event_id: string;
  call_id: string;
  gemeente: string;
  answered_at: number;
  answered_at_ms: number;
  score: number;
  satisfied: 0 | 1;
  kafka_partition: number;
}

/** A survey answer's row; `partition` is the Kafka partition of its call's events. */
export function encodeSurvey(survey: SurveyFact, partition: number): SurveyRow {
  return {
    event_id: survey.eventId,
    call_id: survey.callId,
    gemeente: survey.gemeente,
    answered_at: survey.answeredAt,
    answered_at_ms: survey.answeredAt,
    score: survey.score,
    satisfied: flag(isSatisfiedScore(survey.score)),
    kafka_partition: partition,
  };
}

export interface CallbackRow {
  callback_id: string;
  gemeente: string;
  queue: string | null;
  call_id: string | null;
  requested_at: number | null;
  requested_at_ms: number | null;
  due_at: number | null;
  due_at_ms: number | null;
  due_date: string | null;
  completed_at: number | null;
  completed_at_ms: number | null;
  outcome: CallbackFact['outcome'];
  on_time: 0 | 1 | null;
  earlier_due_dates: string[];
  first_event_at: number;
  version: number;
}

/**
 * A callback row. `earlierDueDates` are the due dates earlier versions of this callback had and
 * this one no longer has (a changed work calendar can move a due date); see writer.ts.
 */
export function encodeCallback(callback: CallbackFact, earlierDueDates: readonly string[] = []): CallbackRow {
  const firstEventAt = callback.requestedAt ?? callback.completedAt;
  if (firstEventAt === null) {
    throw new TypeError(`callback ${callback.callbackId} has neither a request nor a completion`);
  }
  return {
    callback_id: callback.callbackId,
    gemeente: callback.gemeente,
    queue: callback.queue,
    call_id: callback.callId,
    requested_at: callback.requestedAt,
    requested_at_ms: callback.requestedAt,
    due_at: callback.dueAt,
    due_at_ms: callback.dueAt,
    due_date: callback.dueAt === null ? null : dueDateOf(callback.dueAt),
    completed_at: callback.completedAt,
    completed_at_ms: callback.completedAt,
    outcome: callback.outcome,
    on_time: nullableFlag(callback.onTime),
    earlier_due_dates: [...earlierDueDates],
    first_event_at: firstEventAt,
    version: callback.version,
  };
}
