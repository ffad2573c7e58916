/**
 * The yearly report of one gemeente (jaarverslag telefonie) as data: what `bereik report` reads
 * from ClickHouse and what the HTML renderer draws. Every figure is an exact count or a ratio of
 * counts as the analyst views define it; nothing here is estimated or averaged over ratios.
 *
 * Months are local (Europe/Amsterdam) 'YYYY-MM'; ratios are fractions 0..1, null when the
 * denominator is 0 (shown as "–", never 0% or 100%).
 */
import type { KpiScope, LegCounts, ReportKpi } from '../domain/index.ts';

export type { KpiScope };

/** One KPI of one scope in one period (a row of kpi_per_jaar or kpi_per_maand). */
export interface KpiFigure {
  readonly numerator: number;
  readonly denominator: number;
  /** numerator / denominator; null when the denominator is 0. */
  readonly realisatie: number | null;
  /** The target for that period, null when none is configured. */
  readonly streefcijfer: number | null;
  /** Whether realisatie meets streefcijfer in the KPI's direction; null when either is null. */
  readonly gehaald: boolean | null;
  /** Whether the period has ended (a figure of a running period can still change). */
  readonly complete: boolean;
}

/** One line of the KPI table: a KPI for one queue (or the gemeente), year by year. */
export interface KpiTableRow {
  readonly kpi: ReportKpi;
  /** The queue id; null for a gemeente-wide row. */
  readonly queue: string | null;
  /** The queue's display name, or the gemeente's name for a gemeente-wide row. */
  readonly queueName: string;
  readonly scope: KpiScope;
  /** Which way is better: at least the streefcijfer ('higher') or at most it ('lower', the repeat rate). */
  readonly direction: 'higher' | 'lower';
  /** The norm the legs were judged by (service level), e.g. vng-kwaliteitshandvest-25s; null otherwise. */
  readonly normId: string | null;
  /** One entry per compared year, ascending; a year without data has `figure` null. */
  readonly years: readonly { readonly year: number; readonly figure: KpiFigure | null }[];
}

/**
 * The leg counters of one queue in one local month (the queue's legs that entered in it); ASA is
 * answeredWaitMsSum / answered. The abandoned waits are not printed in the report.
 */
export interface QueueMonth extends Omit<LegCounts, 'abandonedWaitMsSum'> {
  readonly month: string;
}

/** Answered legs of a queue in the report year by how long they waited. */
export interface WaitBucket {
  /** Waits above the previous bucket's bound up to this one (inclusive), seconds; null for the open last bucket. */
  readonly upToSeconds: number | null;
  readonly answered: number;
}

/** One queue over the report year. */
export interface QueueYear {
  readonly queue: string;
  readonly queueName: string;
  readonly kind: 'kcc' | 'vakafdeling';
  /** The 12 months of the report year, January first; a month without legs has zero counters. */
  readonly months: readonly QueueMonth[];
  /** The reachability streefcijfer of the report year, null when none is configured. */
  readonly reachabilityTarget: number | null;
  readonly waitBuckets: readonly WaitBucket[];
}

/** The per-gemeente counters of one local month. */
export interface GemeenteMonth {
  readonly month: string;
  /** Calls with at least one offered leg (by the month of the first offered leg). */
  readonly callsWithOfferedLeg: number;
  /** Of those, calls whose last offered leg was answered. */
  readonly callsLastOfferedAnswered: number;
  /** Calls started in the month, withheld numbers left out (repeat rate denominator). */
  readonly calls: number;
  readonly repeatCalls: number;
  readonly surveyAnswers: number;
  /** Answers with score 4 or 5. */
  readonly surveySatisfied: number;
  /** Callbacks whose due date falls in the month (any queue). */
  readonly callbacksDue: number;
  /** Of those, the ones counted in the on-time rate (open callbacks not yet due left out). */
  readonly callbacksJudged: number;
  readonly callbacksOnTime: number;
}

/** The norm the figures were computed with, for the appendix. */
export interface ReportNorm {
  readonly id: string;
  readonly shortAbandonBelowSeconds: number;
  readonly serviceLevelWithinSeconds: number;
}

/** Everything the report of one gemeente for one year shows. */
export interface GemeenteReport {
  readonly gemeente: { readonly code: string; readonly name: string };
  readonly year: number;
  /** The years of the KPI table, ascending, ending with `year`. */
  readonly years: readonly number[];
  /** When the report was made (ISO 8601, UTC). */
  readonly generatedAt: string;
  /** Whether the report year has ended; if not, every figure can still change. */
  readonly yearComplete: boolean;
  readonly norm: ReportNorm;
  readonly kpiTable: readonly KpiTableRow[];
  /** The KCC first, then the vakafdelingen by name. */
  readonly queues: readonly QueueYear[];
  /** The 12 months of the report year. */
  readonly months: readonly GemeenteMonth[];
  /** The gemeente-wide callbacks-on-time streefcijfer of the report year, null when none. */
  readonly callbacksOnTimeTarget: number | null;
}
