/**
 * The expected metrics of a simulation run: what the processor must report, counted from the
 * simulator's own decisions (this leg was answered after 12 s, this callback was done on day 3),
 * never from its events and never with the processor's call-state code.
 *
 * In: CallPlans in start order, and the fault injector's log of extra messages. Out: a
 * `GroundTruth`, plain JSON-serialisable data (a test process may receive it from a child
 * process), plus roll-ups to hour / local day / total and the open and overdue callbacks at an
 * instant.
 *
 * Every count follows docs/metrics.md. The calendar rules (opening hours, werkdagen, the callback due
 * moment) are the domain's: they are pinned by their own hand-worked tests. The wait thresholds are
 * the configured norm's, compared here directly. Attribution:
 * - a leg: its queue and the minute it entered, whatever happened later. Out of hours if its queue
 *   was closed then; else a short abandon if the caller left (by an ABANDONED, or by leaving it open
 *   until the call was closed) after waiting less than the norm; else offered. A leg without
 *   outcome is abandoned when its call closes: at CALL_ENDED, or at the call's last event + the
 *   call timeout when the switch never reported the end;
 * - end to end: the minute of the call's first offered leg; success = its last offered leg (by
 *   entry) was answered;
 * - repeat callers: the minute of CALL_STARTED; withheld numbers in neither count; a repeat when
 *   the same number started a call to the same gemeente at most 168 h before;
 * - satisfaction: the minute of the answer;
 * - callbacks: requested and completed by the minute of each; on time by the local due date.
 */
import { localDateOf, type LocalDate } from '../domain/amsterdam-time.ts';
import { callbackDueAt, dueLocalDate } from '../domain/callback-due.ts';
import {
  zeroLegCounts,
  type CallbackOnTimeCounts,
  type EndToEndCounts,
  type LegCounts,
  type MutableLegCounts,
  type RepeatCounts,
  type SatisfactionCounts,
} from '../domain/kpi.ts';
import type { Topology } from '../config/topology.ts';
import { deadLetterReasons, type DeadLetterReason } from '../events/dead-letter.ts';
import { callClosedAt, type CallPlan } from './call-plan.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const REPEAT_WINDOW_MS = 168 * HOUR_MS;

/** Callbacks requested and completed in one gemeente x queue x minute. */
export interface CallbackCounts {
  readonly requested: number;
  readonly completed: number;
}

/**
 * One callback as the ledger keeps it, for the open and overdue gauges at any instant:
 * `[gemeente, queue, requestedAt, dueAt, completedAt or null]` (a tuple keeps a year's JSON small).
 */
export type CallbackRecord = readonly [
  gemeente: string,
  queue: string,
  requestedAt: number,
  dueAt: number,
  completedAt: number | null,
];

/** How the run's messages were delivered: what the processor should see besides the real events. */
export interface DeliveryCounts {
  /** Messages produced, all kinds. */
  readonly messages: number;
  /** Distinct real events (call and callback events of simulated calls). */
  readonly events: number;
  /** Extra deliveries of a real event with the same eventId (the processor drops them as duplicates). */
  readonly duplicates: number;
  /** Real events delivered late but within the allowed lateness. */
  readonly lateWithinLateness: number;
  /** Real events delivered far beyond the allowed lateness (applied as corrections). */
  readonly lateBeyondLateness: number;
  /** Calls whose events were delivered shuffled. */
  readonly outOfOrderCalls: number;
  /** Calls whose CALL_ENDED was never sent (closed by the call timeout). */
  readonly neverEndedCalls: number;
  /** Extra messages the processor must dead-letter (malformed bytes and invalid events). */
  readonly deadLetters: number;
}

/**
 * The expected metrics of a run. Keys join their parts with '|':
 * - `legs`, `callbacks`: `${gemeente}|${queue}|${minuteStartMs}`;
 * - `endToEnd`, `repeats`, `satisfaction`: `${gemeente}|${minuteStartMs}`;
 * - `callbacksOnTime`: `${gemeente}|${queue}|${dueLocalDate}` (Europe/Amsterdam 'YYYY-MM-DD').
 * A minute start is UTC epoch ms, a multiple of 60 000. Windows without anything are absent.
 */
export interface GroundTruth {
  readonly format: 'bereik-simulator-ground-truth/1';
  readonly seed: number;
  readonly runId: string;
  readonly fromMs: number;
  /** Null for an endless run. */
  readonly toMs: number | null;
  /** The norm the leg categories were judged by. */
  readonly norm: {
    readonly id: string;
    readonly shortAbandonBelowMs: number;
    readonly serviceLevelWithinMs: number;
  };
  /** processing.callTimeoutSeconds in ms: when a call whose end was never reported is closed. */
  readonly callTimeoutMs: number;
  /** The simulated gemeenten and their queue ids. */
  readonly gemeenten: Readonly<Record<string, readonly string[]>>;
  /** Calls started, per gemeente. */
  readonly calls: Readonly<Record<string, number>>;
  readonly legs: Readonly<Record<string, LegCounts>>;
  readonly endToEnd: Readonly<Record<string, EndToEndCounts>>;
  readonly repeats: Readonly<Record<string, RepeatCounts>>;
  readonly satisfaction: Readonly<Record<string, SatisfactionCounts>>;
  readonly callbacks: Readonly<Record<string, CallbackCounts>>;
  readonly callbacksOnTime: Readonly<Record<string, CallbackOnTimeCounts>>;
  /** Every callback of the run, in request order. */
  readonly callbackLedger: readonly CallbackRecord[];
  /** Messages the processor must dead-letter, per reason (every reason present, 0 when none). */
  readonly deadLetters: Readonly<Record<DeadLetterReason, number>>;
  readonly delivery: DeliveryCounts;
}

/** What the fault injector reports while it schedules messages. */
export interface DeliveryLog {
  message(): void;
  realEvent(): void;
  duplicate(): void;
  late(beyondLateness: boolean): void;
  outOfOrderCall(): void;
  deadLetter(reason: DeadLetterReason): void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

function counter<T extends object>(
  map: Map<string, Mutable<T>>,
  key: string,
  fresh: () => Mutable<T>,
): Mutable<T> {
  let value = map.get(key);
  if (value === undefined) {
    value = fresh();
    map.set(key, value);
  }
  return value;
}

const zeroEndToEnd = (): Mutable<EndToEndCounts> => ({
  callsWithOfferedLeg: 0,
  callsLastOfferedLegAnswered: 0,
});
const zeroRepeats = (): Mutable<RepeatCounts> => ({ calls: 0, repeatCalls: 0 });
const zeroSatisfaction = (): Mutable<SatisfactionCounts> => ({ answers: 0, scores4or5: 0 });
const zeroCallbacks = (): Mutable<CallbackCounts> => ({ requested: 0, completed: 0 });
const zeroOnTime = (): Mutable<CallbackOnTimeCounts> => ({ dueInWindow: 0, completedOnTime: 0 });

export interface GroundTruthMeta {
  readonly seed: number;
  readonly runId: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly callTimeoutMs: number;
  /** The simulated gemeenten and their queue ids. */
  readonly gemeenten: Readonly<Record<string, readonly string[]>>;
}

/** Counts a run's decisions into a GroundTruth. Feed it every call, in start order per gemeente. */
export class GroundTruthRecorder implements DeliveryLog {
  readonly #topology: Topology;
  readonly #meta: GroundTruthMeta;
  readonly #calls = new Map<string, number>();
  readonly #legs = new Map<string, MutableLegCounts>();
  readonly #endToEnd = new Map<string, Mutable<EndToEndCounts>>();
  readonly #repeats = new Map<string, Mutable<RepeatCounts>>();
  readonly #satisfaction = new Map<string, Mutable<SatisfactionCounts>>();
  readonly #callbacks = new Map<string, Mutable<CallbackCounts>>();
  readonly #onTime = new Map<string, Mutable<CallbackOnTimeCounts>>();
  readonly #ledger: CallbackRecord[] = [];
  readonly #deadLetters = Object.fromEntries(Object.keys(deadLetterReasons).map((r) => [r, 0])) as Record<
    DeadLetterReason,
    number
  >;
  readonly #delivery: Mutable<DeliveryCounts> = {
    messages: 0,
    events: 0,
    duplicates: 0,
    lateWithinLateness: 0,
    lateBeyondLateness: 0,
    outOfOrderCalls: 0,
    neverEndedCalls: 0,
    deadLetters: 0,
  };
  /** Per gemeente: caller number -> start of that caller's latest call, for repeat callers. */
  readonly #lastCallOf = new Map<string, Map<string, number>>();
  readonly #lastStartOf = new Map<string, number>();
  readonly #lastPruneOf = new Map<string, number>();

  constructor(topology: Topology, meta: GroundTruthMeta) {
    this.#topology = topology;
    this.#meta = meta;
  }

  /** Counts one call: its legs, end to end, repeat, survey and callbacks. */
  recordCall(plan: CallPlan): void {
    const g = plan.gemeente;
    const previousStart = this.#lastStartOf.get(g) ?? Number.NEGATIVE_INFINITY;
    if (plan.startedAt < previousStart) {
      throw new RangeError(
        `ground truth needs calls in start order: ${plan.callId} starts before the previous call of ${g}`,
      );
    }
    this.#lastStartOf.set(g, plan.startedAt);
    this.#calls.set(g, (this.#calls.get(g) ?? 0) + 1);
    if (!plan.endReported) this.#delivery.neverEndedCalls++;
    this.#recordLegs(plan);
    this.#recordRepeat(plan);
    if (plan.survey !== null) {
      const s = counter(this.#satisfaction, `${g}|${minuteOf(plan.survey.answeredAt)}`, zeroSatisfaction);
      s.answers++;
      if (plan.survey.score >= 4) s.scores4or5++;
    }
    for (const cb of plan.callbacks) {
      counter(this.#callbacks, `${g}|${cb.queue}|${minuteOf(cb.requestedAt)}`, zeroCallbacks).requested++;
      if (cb.completedAt !== null)
        counter(this.#callbacks, `${g}|${cb.queue}|${minuteOf(cb.completedAt)}`, zeroCallbacks).completed++;
      const calendar = this.#topology.calendarOf(g);
      const dueAt = callbackDueAt(cb.requestedAt, calendar);
      const onTime = counter(
        this.#onTime,
        `${g}|${cb.queue}|${dueLocalDate(cb.requestedAt, calendar)}`,
        zeroOnTime,
      );
      onTime.dueInWindow++;
      if (cb.completedAt !== null && cb.completedAt < dueAt) onTime.completedOnTime++;
      this.#ledger.push([g, cb.queue, cb.requestedAt, dueAt, cb.completedAt]);
    }
  }

  #recordLegs(plan: CallPlan): void {
    const g = plan.gemeente;
    const { shortAbandonBelowMs, serviceLevelWithinMs } = this.#topology.norm;
    const closedAt = callClosedAt(plan, this.#meta.callTimeoutMs);
    let firstOfferedAt = Number.NaN;
    let lastOfferedAt = Number.NEGATIVE_INFINITY;
    let lastOfferedAnswered = false;
    for (const leg of plan.legs) {
      const counts = counter(this.#legs, `${g}|${leg.queue}|${minuteOf(leg.enteredAt)}`, zeroLegCounts);
      if (!this.#topology.isQueueOpen(g, leg.queue, leg.enteredAt)) {
        counts.outOfHours++;
        continue;
      }
      // A leg the switch gave no outcome is abandoned when its call closes.
      const leftAt = leg.outcomeAt ?? closedAt;
      const wait = leftAt - leg.enteredAt;
      const abandoned = leg.outcome === 'ABANDONED' || leg.outcome === null;
      if (abandoned && wait < shortAbandonBelowMs) {
        counts.shortAbandoned++;
        continue;
      }
      counts.offered++;
      const fromTransfer = leg.transferredFromLegId !== null;
      if (fromTransfer) counts.offeredFromTransfer++;
      if (leg.outcome === 'ANSWERED') {
        counts.answered++;
        counts.answeredWaitMsSum += wait;
        if (wait <= serviceLevelWithinMs) counts.answeredWithinSl++;
        if (fromTransfer) counts.answeredFromTransfer++;
        if (plan.legs.some((other) => other.transferredFromLegId === leg.legId)) counts.transferredOut++;
      } else if (leg.outcome === 'TIMED_OUT') {
        counts.timedOut++;
      } else {
        counts.abandoned++;
        counts.abandonedWaitMsSum += wait;
      }
      if (Number.isNaN(firstOfferedAt)) firstOfferedAt = leg.enteredAt;
      if (leg.enteredAt >= lastOfferedAt) {
        lastOfferedAt = leg.enteredAt;
        lastOfferedAnswered = leg.outcome === 'ANSWERED';
      }
    }
    if (!Number.isNaN(firstOfferedAt)) {
      const e2e = counter(this.#endToEnd, `${g}|${minuteOf(firstOfferedAt)}`, zeroEndToEnd);
      e2e.callsWithOfferedLeg++;
      if (lastOfferedAnswered) e2e.callsLastOfferedLegAnswered++;
    }
  }

  #recordRepeat(plan: CallPlan): void {
    if (plan.callerNumber === null) return;
    const g = plan.gemeente;
    let lastCall = this.#lastCallOf.get(g);
    if (lastCall === undefined) {
      lastCall = new Map();
      this.#lastCallOf.set(g, lastCall);
    }
    // Forget callers silent for more than the repeat window, once a simulated day, so a year stays small.
    const lastPrune = this.#lastPruneOf.get(g) ?? plan.startedAt;
    if (plan.startedAt - lastPrune > 24 * HOUR_MS) {
      for (const [number, at] of lastCall)
        if (plan.startedAt - at > REPEAT_WINDOW_MS) lastCall.delete(number);
      this.#lastPruneOf.set(g, plan.startedAt);
    } else if (!this.#lastPruneOf.has(g)) {
      this.#lastPruneOf.set(g, plan.startedAt);
    }
    const previous = lastCall.get(plan.callerNumber);
    const r = counter(this.#repeats, `${g}|${minuteOf(plan.startedAt)}`, zeroRepeats);
    r.calls++;
    if (previous !== undefined && plan.startedAt - previous <= REPEAT_WINDOW_MS) r.repeatCalls++;
    lastCall.set(plan.callerNumber, plan.startedAt);
  }

  message(): void {
    this.#delivery.messages++;
  }
  realEvent(): void {
    this.#delivery.events++;
  }
  duplicate(): void {
    this.#delivery.duplicates++;
  }
  late(beyondLateness: boolean): void {
    if (beyondLateness) this.#delivery.lateBeyondLateness++;
    else this.#delivery.lateWithinLateness++;
  }
  outOfOrderCall(): void {
    this.#delivery.outOfOrderCalls++;
  }
  deadLetter(reason: DeadLetterReason): void {
    this.#deadLetters[reason]++;
    this.#delivery.deadLetters++;
  }

  /** The ground truth so far, as plain data. */
  snapshot(): GroundTruth {
    const m = this.#meta;
    const calls = Object.fromEntries(Object.keys(m.gemeenten).map((g) => [g, this.#calls.get(g) ?? 0]));
    return {
      format: 'bereik-simulator-ground-truth/1',
      seed: m.seed,
      runId: m.runId,
      fromMs: m.fromMs,
      toMs: Number.isFinite(m.toMs) ? m.toMs : null,
      norm: {
        id: this.#topology.norm.id,
        shortAbandonBelowMs: this.#topology.norm.shortAbandonBelowMs,
        serviceLevelWithinMs: this.#topology.norm.serviceLevelWithinMs,
      },
      callTimeoutMs: m.callTimeoutMs,
      gemeenten: m.gemeenten,
      calls,
      legs: Object.fromEntries(this.#legs),
      endToEnd: Object.fromEntries(this.#endToEnd),
      repeats: Object.fromEntries(this.#repeats),
      satisfaction: Object.fromEntries(this.#satisfaction),
      callbacks: Object.fromEntries(this.#callbacks),
      callbacksOnTime: Object.fromEntries(this.#onTime),
      callbackLedger: [...this.#ledger],
      deadLetters: { ...this.#deadLetters },
      delivery: { ...this.#delivery },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Roll-ups and gauges over a GroundTruth (also one read back from JSON).

/** The windows a roll-up sums into: UTC hour start (ms), local date (Europe/Amsterdam), or the whole run. */
export type RollupGrain = 'hour' | 'day' | 'month' | 'total';

/** The bucket of a minute start in a grain: an hour start in ms, a local date, or '' for the whole run. */
function bucketOf(minuteStartMs: number, grain: RollupGrain): string {
  switch (grain) {
    case 'hour':
      return String(Math.floor(minuteStartMs / HOUR_MS) * HOUR_MS);
    case 'day':
      return localDateOf(minuteStartMs);
    case 'month':
      return localDateOf(minuteStartMs).slice(0, 7);
    case 'total':
      return '';
  }
}

/** Splits `a|b|minute` into its prefix `a|b` and the minute. */
function splitKey(key: string): { prefix: string; minute: number } {
  const bar = key.lastIndexOf('|');
  return { prefix: key.slice(0, bar), minute: Number(key.slice(bar + 1)) };
}

function rollup<T extends object>(
  source: Readonly<Record<string, T>>,
  grain: RollupGrain,
  add: (into: T | undefined, value: T) => T,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(source)) {
    const { prefix, minute } = splitKey(key);
    const bucket = bucketOf(minute, grain);
    const target = grain === 'total' ? prefix : `${prefix}|${bucket}`;
    out[target] = add(out[target], value);
  }
  return out;
}

function addFields<T extends object>(into: T | undefined, value: T): T {
  const result = { ...(into ?? value) } as Record<string, number>;
  if (into !== undefined)
    for (const [k, v] of Object.entries(value as Record<string, number>)) result[k] = (result[k] ?? 0) + v;
  return result as T;
}

/**
 * Leg counts summed per gemeente x queue and hour (`g|q|hourStartMs`), local day (`g|q|YYYY-MM-DD`)
 * or the whole run (`g|q`).
 */
export function rollupLegs(truth: GroundTruth, grain: RollupGrain): Record<string, LegCounts> {
  return rollup(truth.legs, grain, addFields);
}

/** End-to-end counts per gemeente and hour / local day (`g|bucket`) or the whole run (`g`). */
export function rollupEndToEnd(truth: GroundTruth, grain: RollupGrain): Record<string, EndToEndCounts> {
  return rollup(truth.endToEnd, grain, addFields);
}

/** Repeat-caller counts per gemeente and hour / local day, or the whole run. */
export function rollupRepeats(truth: GroundTruth, grain: RollupGrain): Record<string, RepeatCounts> {
  return rollup(truth.repeats, grain, addFields);
}

/** Satisfaction counts per gemeente and hour / local day, or the whole run. */
export function rollupSatisfaction(
  truth: GroundTruth,
  grain: RollupGrain,
): Record<string, SatisfactionCounts> {
  return rollup(truth.satisfaction, grain, addFields);
}

/** Callbacks requested / completed per gemeente x queue and hour / local day, or the whole run. */
export function rollupCallbacks(truth: GroundTruth, grain: RollupGrain): Record<string, CallbackCounts> {
  return rollup(truth.callbacks, grain, addFields);
}

/** Callbacks on time per gemeente x queue over the whole run (`g|q`); per due date it is `truth.callbacksOnTime`. */
export function totalCallbacksOnTime(truth: GroundTruth): Record<string, CallbackOnTimeCounts> {
  const out: Record<string, CallbackOnTimeCounts> = {};
  for (const [key, value] of Object.entries(truth.callbacksOnTime)) {
    const prefix = key.slice(0, key.lastIndexOf('|'));
    out[prefix] = addFields(out[prefix], value);
  }
  return out;
}

/** Callbacks on time per gemeente x queue for the due dates of one local month ('YYYY-MM'). */
export function callbacksOnTimeInMonth(
  truth: GroundTruth,
  month: string,
): Record<string, CallbackOnTimeCounts> {
  const out: Record<string, CallbackOnTimeCounts> = {};
  for (const [key, value] of Object.entries(truth.callbacksOnTime)) {
    const bar = key.lastIndexOf('|');
    const date: LocalDate = key.slice(bar + 1);
    if (!date.startsWith(`${month}-`)) continue;
    const prefix = key.slice(0, bar);
    out[prefix] = addFields(out[prefix], value);
  }
  return out;
}

/** Callbacks by due month as the on-time rate sees them at one instant. */
export interface JudgedCallbackCounts {
  /** Callbacks whose due date falls in the month. */
  readonly due: number;
  /** Of those, the ones the rate counts: completed by `nowMs`, or past their due moment. */
  readonly judged: number;
  /** Of those, completed before their due moment. */
  readonly onTime: number;
}

/**
 * Callbacks per `gemeente|queue|YYYY-MM` (local month of the due date) at `nowMs`: a callback not
 * completed whose due moment is still ahead is open, neither on time nor late, and not judged.
 */
export function judgedCallbacksByMonth(
  truth: GroundTruth,
  nowMs: number,
): Record<string, JudgedCallbackCounts> {
  const out: Record<string, { due: number; judged: number; onTime: number }> = {};
  for (const [gemeente, queue, , dueAt, completedAt] of truth.callbackLedger) {
    // The due moment is midnight after the due date, so the due date is the local date just before it.
    const key = `${gemeente}|${queue}|${localDateOf(dueAt - 1).slice(0, 7)}`;
    const counts = (out[key] ??= { due: 0, judged: 0, onTime: 0 });
    counts.due++;
    const completedByNow = completedAt !== null && completedAt <= nowMs;
    if (completedByNow || nowMs >= dueAt) counts.judged++;
    if (completedByNow && completedAt < dueAt) counts.onTime++;
  }
  return out;
}

/** Every leg count of the run summed, over all gemeenten and queues (or those `keep` accepts). */
export function sumLegs(
  truth: GroundTruth,
  keep: (gemeente: string, queue: string) => boolean = () => true,
): LegCounts {
  let total: LegCounts = zeroLegCounts();
  for (const [key, value] of Object.entries(truth.legs)) {
    const [gemeente = '', queue = ''] = key.split('|');
    if (keep(gemeente, queue)) total = addFields(total, value);
  }
  return total;
}

function countCallbacks(truth: GroundTruth, nowMs: number, overdueOnly: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [gemeente, queue, requestedAt, dueAt, completedAt] of truth.callbackLedger) {
    const open = requestedAt <= nowMs && (completedAt === null || completedAt > nowMs);
    if (!open || (overdueOnly && nowMs < dueAt)) continue;
    const key = `${gemeente}|${queue}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/**
 * Callbacks open at `nowMs` per `gemeente|queue`: requested at or before it and not completed by
 * then (a callback completed exactly at `nowMs` is no longer open). Queues with none are absent.
 */
export function openCallbacksAt(truth: GroundTruth, nowMs: number): Record<string, number> {
  return countCallbacks(truth, nowMs, false);
}

/** Callbacks open at `nowMs` whose due moment has come (`nowMs >= dueAt`), per `gemeente|queue`. */
export function overdueCallbacksAt(truth: GroundTruth, nowMs: number): Record<string, number> {
  return countCallbacks(truth, nowMs, true);
}
