/**
 * What the simulator decides about one call, before any event exists: who calls, which queues the
 * call visits and when, how each leg ends and after how long, whether the switch reports the end
 * of the call, which callbacks are filed and when they are done, and the caller's survey answer.
 *
 * In: nothing (plain data). Out: the plan, read by call-events.ts (which turns it into the switch's
 * events) and by ground-truth.ts (which counts it). Both read the same decisions; neither parses
 * the other's output, so the ground truth never depends on how events are interpreted.
 *
 * Invariants (checked by `checkCallPlan`): times are whole epoch milliseconds; legs are listed in
 * the order they entered, each at or after the call started; a leg's outcome is at or after it
 * entered; every leg time is at or before the moment the caller hung up (`endedAt`); a transfer
 * names an earlier, answered leg of the same call.
 */

/** How a leg ended, as the switch reports it; null when the call ended first (no outcome event). */
export type LegOutcomeDecision = 'ANSWERED' | 'ABANDONED' | 'TIMED_OUT' | null;

/** One visit of the call to one queue. */
export interface LegPlan {
  readonly legId: string;
  readonly queue: string;
  /** When the caller entered the queue (QUEUE_ENTERED). */
  readonly enteredAt: number;
  /** The answered leg an agent transferred from; null for the first leg. */
  readonly transferredFromLegId: string | null;
  /** The leg's outcome event; null when the caller hung up (or the call ended) before any. */
  readonly outcome: LegOutcomeDecision;
  /** When the outcome happened; null exactly when `outcome` is null. */
  readonly outcomeAt: number | null;
  /** The agent who answered; only for ANSWERED. */
  readonly agentId: string | null;
}

/** A terugbelverzoek filed after (or during) the call. */
export interface CallbackPlan {
  readonly callbackId: string;
  /** The queue the callback is owed to. */
  readonly queue: string;
  /** CALLBACK_REQUESTED. */
  readonly requestedAt: number;
  /** CALLBACK_COMPLETED; null when it is never done within the run. */
  readonly completedAt: number | null;
  /** Null exactly when `completedAt` is null. */
  readonly outcome: 'REACHED' | 'NOT_REACHED' | null;
}

/** The caller's answer to the after-call question. */
export interface SurveyPlan {
  readonly answeredAt: number;
  /** 1 to 5. */
  readonly score: number;
}

/** Everything decided about one call. */
export interface CallPlan {
  readonly gemeente: string;
  readonly callId: string;
  /** E.164, e.g. '+31612345678'; null when withheld. */
  readonly callerNumber: string | null;
  /** The 14-number dialled, e.g. '14033'. */
  readonly dialledNumber: string;
  /** CALL_STARTED. */
  readonly startedAt: number;
  readonly legs: readonly LegPlan[];
  /** When the caller hung up: CALL_ENDED, if the switch reports it. */
  readonly endedAt: number;
  /**
   * False when the switch never reports the end of this call (a fault): the processor then closes
   * the call at its last event plus the call timeout, and counts legs without outcome as abandoned
   * at that moment.
   */
  readonly endReported: boolean;
  readonly callbacks: readonly CallbackPlan[];
  readonly survey: SurveyPlan | null;
}

/** The latest time of the events the processor's call state sees: CALL_STARTED, legs, CALL_ENDED if reported. */
export function lastCallEventAt(plan: CallPlan): number {
  let last = plan.startedAt;
  for (const leg of plan.legs) {
    if (leg.enteredAt > last) last = leg.enteredAt;
    if (leg.outcomeAt !== null && leg.outcomeAt > last) last = leg.outcomeAt;
  }
  if (plan.endReported && plan.endedAt > last) last = plan.endedAt;
  return last;
}

/**
 * The moment the call counts as over: its CALL_ENDED when reported, else its last event plus the
 * call timeout (docs/architecture.md, point 4). Legs without an outcome count as abandoned then.
 */
export function callClosedAt(plan: CallPlan, callTimeoutMs: number): number {
  return plan.endReported ? plan.endedAt : lastCallEventAt(plan) + callTimeoutMs;
}

/** Returns a description of the first broken invariant of a plan, or undefined when it is sound. */
export function checkCallPlan(plan: CallPlan): string | undefined {
  const where = `call ${plan.callId}`;
  if (!Number.isSafeInteger(plan.startedAt) || !Number.isSafeInteger(plan.endedAt))
    return `${where}: times must be whole ms`;
  if (plan.endedAt < plan.startedAt) return `${where}: ends before it starts`;
  const answered = new Set<string>();
  let previousEntered = plan.startedAt;
  for (const leg of plan.legs) {
    if (!Number.isSafeInteger(leg.enteredAt)) return `${where}, leg ${leg.legId}: enteredAt must be whole ms`;
    if (leg.enteredAt < previousEntered)
      return `${where}, leg ${leg.legId}: legs must be listed in the order they entered`;
    if (leg.enteredAt > plan.endedAt) return `${where}, leg ${leg.legId}: enters after the call ended`;
    if ((leg.outcome === null) !== (leg.outcomeAt === null))
      return `${where}, leg ${leg.legId}: outcome and outcomeAt go together`;
    if (leg.outcomeAt !== null && (leg.outcomeAt < leg.enteredAt || leg.outcomeAt > plan.endedAt)) {
      return `${where}, leg ${leg.legId}: outcome outside the leg's time in the call`;
    }
    if (leg.transferredFromLegId !== null && !answered.has(leg.transferredFromLegId)) {
      return `${where}, leg ${leg.legId}: transferred from ${leg.transferredFromLegId}, which is no earlier answered leg`;
    }
    if (leg.outcome === 'ANSWERED') answered.add(leg.legId);
    previousEntered = leg.enteredAt;
  }
  for (const cb of plan.callbacks) {
    if ((cb.completedAt === null) !== (cb.outcome === null))
      return `${where}, callback ${cb.callbackId}: completedAt and outcome go together`;
    if (cb.completedAt !== null && cb.completedAt < cb.requestedAt)
      return `${where}, callback ${cb.callbackId}: completed before requested`;
  }
  if (
    plan.survey !== null &&
    (plan.survey.score < 1 || plan.survey.score > 5 || !Number.isInteger(plan.survey.score))
  ) {
    return `${where}: survey score must be 1 to 5`;
  }
  return undefined;
}
