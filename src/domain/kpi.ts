/**
 * The metric formulas of the domain contract (docs/metrics.md, "Formulas"), as pure functions over
 * additive counts, plus the raw leg counters per gemeente x queue x window they are computed from.
 *
 * In: counts (numbers of legs, calls, callbacks, answers; sums of waits in ms). Out: a ratio as a
 * fraction 0..1, or a mean wait in seconds; null when the denominator is 0, because a ratio over
 * nothing has no value: never 0% and never 100%.
 *
 * Counters are additive, so windows and queues roll up by adding counts (addLegCounts) and computing
 * the ratio afterwards; averaging ratios would weigh a quiet hour like a busy one.
 */

/** A call is a repeat when the same caller called the same gemeente at most this long before (168 h). */
export const REPEAT_WINDOW_MS = 168 * 3600 * 1000;

/**
 * The raw additive leg counters of one gemeente x queue x window. Every leg is counted in the window
 * it entered the queue.
 */
export interface LegCounts {
  /** Legs that entered within opening hours, minus short abandons. */
  readonly offered: number;
  /** Offered legs answered by a person of the queue. */
  readonly answered: number;
  /** Answered legs that waited at most the norm's service-level wait (25 s). */
  readonly answeredWithinSl: number;
  /** Offered legs the caller left while waiting (for at least the short-abandon wait, 5 s). */
  readonly abandoned: number;
  /** Offered legs that reached the queue's maximum wait. */
  readonly timedOut: number;
  /** Legs abandoned after waiting less than the short-abandon wait (5 s); not offered. */
  readonly shortAbandoned: number;
  /** Legs that entered outside the queue's opening hours; not offered. */
  readonly outOfHours: number;
  /** Answered legs that an agent transferred to another queue. */
  readonly transferredOut: number;
  /** Offered legs created by a transfer into this queue. */
  readonly offeredFromTransfer: number;
  /** Answered legs among offeredFromTransfer. */
  readonly answeredFromTransfer: number;
  /** Sum of the waits of answered legs, ms (for ASA). */
  readonly answeredWaitMsSum: number;
  /** Sum of the waits of abandoned (offered) legs, ms. */
  readonly abandonedWaitMsSum: number;
}

/** LegCounts that a counting stage may update in place. */
export type MutableLegCounts = { -readonly [K in keyof LegCounts]: LegCounts[K] };

/** Fresh counters, all zero. */
export function zeroLegCounts(): MutableLegCounts {
  return {
    offered: 0,
    answered: 0,
    answeredWithinSl: 0,
    abandoned: 0,
    timedOut: 0,
    shortAbandoned: 0,
    outOfHours: 0,
    transferredOut: 0,
    offeredFromTransfer: 0,
    answeredFromTransfer: 0,
    answeredWaitMsSum: 0,
    abandonedWaitMsSum: 0,
  };
}

/** The field-by-field sum of two sets of counters (a new object; the inputs are untouched). */
export function addLegCounts(a: LegCounts, b: LegCounts): MutableLegCounts {
  return {
    offered: a.offered + b.offered,
    answered: a.answered + b.answered,
    answeredWithinSl: a.answeredWithinSl + b.answeredWithinSl,
    abandoned: a.abandoned + b.abandoned,
    timedOut: a.timedOut + b.timedOut,
    shortAbandoned: a.shortAbandoned + b.shortAbandoned,
    outOfHours: a.outOfHours + b.outOfHours,
    transferredOut: a.transferredOut + b.transferredOut,
    offeredFromTransfer: a.offeredFromTransfer + b.offeredFromTransfer,
    answeredFromTransfer: a.answeredFromTransfer + b.answeredFromTransfer,
    answeredWaitMsSum: a.answeredWaitMsSum + b.answeredWaitMsSum,
    abandonedWaitMsSum: a.abandonedWaitMsSum + b.abandonedWaitMsSum,
  };
}

/** numerator / denominator, or null when the denominator is 0. */
function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Reachability (bereikbaarheid): answered / offered. */
export function reachability(c: Pick<LegCounts, 'answered' | 'offered'>): number | null {
  return ratio(c.answered, c.offered);
}

/** Service level: answeredWithinSl / offered (offered, not answered, is bereik's denominator). */
export function serviceLevel(c: Pick<LegCounts, 'answeredWithinSl' | 'offered'>): number | null {
  return ratio(c.answeredWithinSl, c.offered);
}

/** First-line resolution (KCC): (answered - transferredOut) / answered. */
export function firstLineResolution(c: Pick<LegCounts, 'answered' | 'transferredOut'>): number | null {
  return ratio(c.answered - c.transferredOut, c.answered);
}

/** Transfer success (vakafdeling): answered / offered over legs created by a transfer. */
export function transferSuccess(
  c: Pick<LegCounts, 'answeredFromTransfer' | 'offeredFromTransfer'>,
): number | null {
  return ratio(c.answeredFromTransfer, c.offeredFromTransfer);
}

/** ASA, average speed of answer: the mean wait of answered legs, in seconds. */
export function averageSpeedOfAnswerSeconds(
  c: Pick<LegCounts, 'answeredWaitMsSum' | 'answered'>,
): number | null {
  return c.answered === 0 ? null : c.answeredWaitMsSum / c.answered / 1000;
}

/** The mean wait of abandoned (offered) legs, in seconds. */
export function averageAbandonedWaitSeconds(
  c: Pick<LegCounts, 'abandonedWaitMsSum' | 'abandoned'>,
): number | null {
  return c.abandoned === 0 ? null : c.abandonedWaitMsSum / c.abandoned / 1000;
}

/** Per-gemeente call counts for end-to-end reachability, in the window of each call's first offered leg. */
export interface EndToEndCounts {
  /** Calls with at least one offered leg. */
  readonly callsWithOfferedLeg: number;
  /** Of those, calls whose last offered leg was answered. */
  readonly callsLastOfferedLegAnswered: number;
}

/** End-to-end reachability (per gemeente): callsLastOfferedLegAnswered / callsWithOfferedLeg. */
export function endToEndReachability(c: EndToEndCounts): number | null {
  return ratio(c.callsLastOfferedLegAnswered, c.callsWithOfferedLeg);
}

/** Callback counts for the on-time rate, per gemeente x queue owed to, in a day or coarser window. */
export interface CallbackOnTimeCounts {
  /** Callbacks whose due date falls in the window. */
  readonly dueInWindow: number;
  /** Of those, callbacks completed before their due moment. */
  readonly completedOnTime: number;
}

/** Callbacks on time: completedOnTime / dueInWindow (leave out open callbacks not yet due first: docs/metrics.md). */
export function callbacksOnTimeRate(c: CallbackOnTimeCounts): number | null {
  return ratio(c.completedOnTime, c.dueInWindow);
}

/** Per-gemeente call counts for the repeat rate; calls with a withheld number are in neither. */
export interface RepeatCounts {
  /** Calls started in the window. */
  readonly calls: number;
  /** Of those, calls from a caller who started another call to the same gemeente in the 168 h before. */
  readonly repeatCalls: number;
}

/** Repeat rate: repeatCalls / calls. */
export function repeatRate(c: RepeatCounts): number | null {
  return ratio(c.repeatCalls, c.calls);
}

/** Per-gemeente satisfaction counts, in the window of the answer. */
export interface SatisfactionCounts {
  /** Satisfaction answers given. */
  readonly answers: number;
  /** Of those, answers with score 4 or 5. */
  readonly scores4or5: number;
}

/** True when a satisfaction score counts as satisfied: 4 or 5 (on the 1..5 scale). */
export function isSatisfiedScore(score: number): boolean {
  return score >= 4;
}

/** Satisfaction: the share of answers with score 4 or 5. */
export function satisfaction(c: SatisfactionCounts): number | null {
  return ratio(c.scores4or5, c.answers);
}

/**
 * The KPIs of the yearly report (kpi_per_jaar, kpi_per_maand), each with the direction that is
 * better: a streefcijfer is met (gehaald) when the realisation is at least it, or for the repeat
 * rate at most it.
 */
export const REPORT_KPIS = {
  reachability: 'higher',
  serviceLevel: 'higher',
  firstLineResolution: 'higher',
  callbacksOnTime: 'higher',
  endToEndReachability: 'higher',
  repeatRate: 'lower',
  satisfaction: 'higher',
} as const satisfies Record<string, 'higher' | 'lower'>;

/** One KPI of the yearly report. */
export type ReportKpi = keyof typeof REPORT_KPIS;

/** The KPI names analysts see (streefcijfers, kpi_per_jaar, kpi_per_maand): snake_case. */
export const KPI_METRIC_NAMES: Readonly<Record<ReportKpi, string>> = {
  reachability: 'reachability',
  serviceLevel: 'service_level',
  firstLineResolution: 'first_line_resolution',
  callbacksOnTime: 'callbacks_on_time',
  endToEndReachability: 'end_to_end_reachability',
  repeatRate: 'repeat_rate',
  satisfaction: 'satisfaction',
};

/** Every report KPI, in the order the report prints them. */
export const reportKpis = Object.keys(REPORT_KPIS) as ReportKpi[];

/** Where a KPI is reported: for a KCC queue, a vakafdeling queue, or the gemeente as a whole. */
export type KpiScope = 'kcc' | 'vakafdeling' | 'gemeente';

/**
 * The scopes each report KPI has a row for. Leg KPIs exist per queue and for all queues of a
 * gemeente together; first-line resolution only for the KCC; the call, survey and repeat KPIs only
 * per gemeente (they are counted per call, not per leg).
 */
export const KPI_SCOPES: Readonly<Record<ReportKpi, readonly KpiScope[]>> = {
  reachability: ['kcc', 'vakafdeling', 'gemeente'],
  serviceLevel: ['kcc', 'vakafdeling', 'gemeente'],
  firstLineResolution: ['kcc'],
  callbacksOnTime: ['kcc', 'vakafdeling', 'gemeente'],
  endToEndReachability: ['gemeente'],
  repeatRate: ['gemeente'],
  satisfaction: ['gemeente'],
};
