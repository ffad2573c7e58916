/**
 * The facts the trackers derive from switch events, as the sinks store and count them: one
 * LegFact per leg and one CallFact per call (already classified: out of hours, short abandon,
 * offered, service level, transfers), a CallbackFact per terugbelverzoek, a CallStartFact per call
 * (repeat callers) and a SurveyFact per answer. Every rollup is derived from these rows. A fact's
 * `version` grows with what is known of it, so a store that keeps the highest version per key
 * (ClickHouse's replacing tables) ends with the same row whatever order they were written in.
 */
import type { CallbackOutcome } from './call-event.ts';

/** How a leg left its queue. A leg without an outcome event counts as abandoned (see `outcomeSource`). */
export type LegOutcome = 'answered' | 'abandoned' | 'timed_out';

/**
 * Where the outcome comes from: the leg's own event, the call's CALL_ENDED (the caller hung up
 * while the leg was open), or the call timeout (the call never ended).
 */
export type OutcomeSource = 'event' | 'call_ended' | 'call_timeout';

/** docs/metrics.md's first split of a leg: only offered legs enter reachability and service level. */
export type LegCategory = 'out_of_hours' | 'short_abandoned' | 'offered';

export interface LegFact {
  readonly legId: string;
  readonly callId: string;
  readonly gemeente: string;
  readonly queue: string;
  /** When the leg entered the queue; the leg's window. */
  readonly enteredAt: number;
  readonly outcome: LegOutcome;
  readonly outcomeSource: OutcomeSource;
  readonly outcomeAt: number;
  /** Milliseconds from entering the queue to the outcome. */
  readonly waitMs: number;
  readonly category: LegCategory;
  /** Offered, answered, and waited at most the norm's service-level time. */
  readonly withinServiceLevel: boolean;
  /** The answered leg an agent transferred this one from; null for a first leg. */
  readonly transferredFromLegId: string | null;
  /** This leg was offered and answered, and an agent transferred the call on to another queue (DOMAIN's transferred_out). */
  readonly transferredOut: boolean;
  readonly agentId: string | null;
  /** The norm the classification used. */
  readonly normId: string;
  /** The number of distinct events the call's facts were computed from: a correction, knowing more, has a higher version. */
  readonly version: number;
}

export interface CallFact {
  readonly callId: string;
  readonly gemeente: string;
  /** CALL_STARTED's time; null when that event never arrived. */
  readonly startedAt: number | null;
  readonly endedAt: number;
  readonly endSource: 'call_ended' | 'call_timeout';
  /** The caller's pseudonym; null when the number was withheld or CALL_STARTED is missing. */
  readonly callerKey: string | null;
  readonly dialledNumber: string | null;
  readonly legs: number;
  readonly offeredLegs: number;
  /** When the call's first offered leg entered its queue: the call's end-to-end window. */
  readonly firstOfferedAt: number | null;
  /** Whether the call's last offered leg was answered; null without offered legs. */
  readonly lastOfferedAnswered: boolean | null;
  readonly version: number;
}

export interface CallbackFact {
  readonly callbackId: string;
  readonly gemeente: string;
  /** The queue the callback is owed to; null until the request is known. */
  readonly queue: string | null;
  readonly callId: string | null;
  readonly requestedAt: number | null;
  /** End of the 2nd werkdag after the request's local date; null until the request is known. */
  readonly dueAt: number | null;
  readonly completedAt: number | null;
  readonly outcome: CallbackOutcome | null;
  /** Completed before the due moment; null while either side is unknown. */
  readonly onTime: boolean | null;
  /** 1 = request known, 2 = completion known, 3 = both: grows with knowledge, so replays never go back. */
  readonly version: number;
}

export interface CallStartFact {
  readonly callId: string;
  readonly gemeente: string;
  readonly startedAt: number;
  readonly callerKey: string | null;
  /** Null for a withheld number: such calls are in neither count of the repeat rate. */
  readonly repeat: boolean | null;
  readonly version: number;
}

export interface SurveyFact {
  readonly eventId: string;
  readonly callId: string;
  readonly gemeente: string;
  readonly answeredAt: number;
  readonly score: 1 | 2 | 3 | 4 | 5;
}

/** An open callback past the memory horizon: still counted open (and overdue), no longer held. */
export interface ReleasedCallback {
  readonly callbackId: string;
  readonly gemeente: string;
  readonly queue: string;
}
