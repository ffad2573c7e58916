/**
 * The business metrics in Prometheus: what operations see live. Counters per gemeente, queue and
 * result from which PromQL computes reachability, service level and the rest over any range
 * (docs/metrics.md has the queries). Labels only take values from the configuration, and every
 * series exists from the start (at 0), so ratios and differences never miss a side.
 *
 * Facts are counted when final. A correction of facts counted before adds the new facts to the
 * `_total` counters and the replaced ones to the matching `_retracted_total` counters: Prometheus
 * counters cannot go down, so the net count is `increase(x_total) - increase(x_retracted_total)`.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Targets } from '../../config/targets.ts';
import type { Topology } from '../../config/topology.ts';
import { localDateOf } from '../../domain/amsterdam-time.ts';
import type { CallFact, CallStartFact, CallbackFact, LegFact, SurveyFact } from '../../events/facts.ts';

/** A leg's result: its category, and for offered legs the outcome (answered split by the service level). */
export const legResults = [
  'out_of_hours',
  'short_abandoned',
  'answered_within_sl',
  'answered_late',
  'abandoned',
  'timed_out',
] as const;
/** A leg's place in transfers: `in` = created by a transfer, `out` = answered and transferred on, `through` = both. */
export const legTransfers = ['none', 'in', 'out', 'through'] as const;
export const callResults = ['last_offered_answered', 'last_offered_unanswered', 'no_offered_leg'] as const;
export const callerKinds = ['first', 'repeat', 'withheld'] as const;

export type LegResult = (typeof legResults)[number];

export function legResultOf(leg: LegFact): LegResult {
  if (leg.category !== 'offered') return leg.category;
  if (leg.outcome === 'answered') return leg.withinServiceLevel ? 'answered_within_sl' : 'answered_late';
  return leg.outcome;
}

export function legTransferOf(leg: LegFact): (typeof legTransfers)[number] {
  const fromTransfer = leg.transferredFromLegId !== null;
  return fromTransfer ? (leg.transferredOut ? 'through' : 'in') : leg.transferredOut ? 'out' : 'none';
}

function callResultOf(call: CallFact): (typeof callResults)[number] {
  return call.lastOfferedAnswered === null
    ? 'no_offered_leg'
    : call.lastOfferedAnswered
      ? 'last_offered_answered'
      : 'last_offered_unanswered';
}

/** A completion is counted under its queue, so only once its request (which names the queue) is known too. */
function completionKnown(f: CallbackFact | undefined): boolean {
  return f !== undefined && f.completedAt !== null && f.queue !== null;
}

function callerKindOf(start: CallStartFact): (typeof callerKinds)[number] {
  return start.repeat === null ? 'withheld' : start.repeat ? 'repeat' : 'first';
}

/** Wait buckets in seconds: around the 5 s short-abandon and 20/25/30 s service-level norms. */
const waitBuckets = [5, 10, 15, 20, 25, 30, 45, 60, 90, 120, 180, 300, 600, 1200];

export class BusinessMetrics {
  readonly #topology: Topology;
  readonly legs: Counter<'gemeente' | 'queue' | 'kind' | 'result' | 'transfer'>;
  readonly legsRetracted: Counter<'gemeente' | 'queue' | 'kind' | 'result' | 'transfer'>;
  readonly wait: Histogram<'gemeente' | 'queue' | 'kind' | 'outcome'>;
  readonly calls: Counter<'gemeente' | 'result'>;
  readonly callsRetracted: Counter<'gemeente' | 'result'>;
  readonly callsStarted: Counter<'gemeente' | 'caller'>;
  readonly callsStartedRetracted: Counter<'gemeente' | 'caller'>;
  readonly surveyAnswers: Counter<'gemeente' | 'score'>;
  readonly callbacksRequested: Counter<'gemeente' | 'queue'>;
  readonly callbacksCompleted: Counter<'gemeente' | 'queue' | 'outcome'>;
  readonly callbacksJudged: Counter<'gemeente' | 'queue' | 'on_time'>;
  readonly callbacksOpen: Gauge<'gemeente' | 'queue'>;
  readonly callbacksOverdue: Gauge<'gemeente' | 'queue'>;
  readonly queueOpen: Gauge<'gemeente' | 'queue' | 'kind'>;
  readonly queueInfo: Gauge<'gemeente' | 'gemeente_name' | 'queue' | 'queue_name' | 'kind'>;
  readonly target: Gauge<'gemeente' | 'queue' | 'kind' | 'metric'>;

  constructor(registry: Registry, topology: Topology) {
    this.#topology = topology;
    const registers = [registry];
    const legLabels = ['gemeente', 'queue', 'kind', 'result', 'transfer'] as const;
    this.legs = new Counter({
      name: 'bereik_legs_total',
      help: 'Legs (visits of a call to a queue), final, by the result that counts in docs/metrics.md, counted when final.',
      labelNames: legLabels,
      registers,
    });
    this.legsRetracted = new Counter({
      name: 'bereik_legs_retracted_total',
      help: 'Legs counted in bereik_legs_total before and replaced by a correction; subtract from bereik_legs_total.',
      labelNames: legLabels,
      registers,
    });
    this.wait = new Histogram({
      name: 'bereik_leg_wait_seconds',
      help: 'Wait of offered legs from entering the queue to answer or abandon, seconds (first count; corrections not re-observed).',
      labelNames: ['gemeente', 'queue', 'kind', 'outcome'],
      buckets: waitBuckets,
      registers,
    });
    this.calls = new Counter({
      name: 'bereik_calls_total',
      help: 'Calls, final, by whether their last offered leg was answered (end-to-end reachability).',
      labelNames: ['gemeente', 'result'],
      registers,
    });
    this.callsRetracted = new Counter({
      name: 'bereik_calls_retracted_total',
      help: 'Calls counted in bereik_calls_total before and replaced by a correction.',
      labelNames: ['gemeente', 'result'],
      registers,
    });
    this.callsStarted = new Counter({
      name: 'bereik_calls_started_total',
      help: 'Calls started, by caller: first call in 168 h, repeat, or withheld number.',
      labelNames: ['gemeente', 'caller'],
      registers,
    });
    this.callsStartedRetracted = new Counter({
      name: 'bereik_calls_started_retracted_total',
      help: 'Started calls counted before under another caller kind (a late earlier call made them repeats).',
      labelNames: ['gemeente', 'caller'],
      registers,
    });
    this.surveyAnswers = new Counter({
      name: 'bereik_survey_answers_total',
      help: 'Satisfaction answers by score (1-5); satisfied = 4 or 5.',
      labelNames: ['gemeente', 'score'],
      registers,
    });
    this.callbacksRequested = new Counter({
      name: 'bereik_callbacks_requested_total',
      help: 'Terugbelverzoeken requested, by the queue they are owed to.',
      labelNames: ['gemeente', 'queue'],
      registers,
    });
    this.callbacksCompleted = new Counter({
      name: 'bereik_callbacks_completed_total',
      help: 'Terugbelverzoeken completed, by outcome (REACHED, NOT_REACHED).',
      labelNames: ['gemeente', 'queue', 'outcome'],
      registers,
    });
    this.callbacksJudged = new Counter({
      name: 'bereik_callbacks_judged_total',
      help: 'Completed terugbelverzoeken whose request is known, by whether they were completed before their due moment.',
      labelNames: ['gemeente', 'queue', 'on_time'],
      registers,
    });
    this.callbacksOpen = new Gauge({
      name: 'bereik_callbacks_open',
      help: 'Terugbelverzoeken requested and not completed, now.',
      labelNames: ['gemeente', 'queue'],
      registers,
    });
    this.callbacksOverdue = new Gauge({
      name: 'bereik_callbacks_overdue',
      help: 'Open terugbelverzoeken past their due moment (end of the 2nd werkdag), now.',
      labelNames: ['gemeente', 'queue'],
      registers,
    });
    this.queueOpen = new Gauge({
      name: 'bereik_queue_open',
      help: 'Whether the queue is open now by its opening hours, holidays and closing days (1) or not (0).',
      labelNames: ['gemeente', 'queue', 'kind'],
      registers,
    });
    this.queueInfo = new Gauge({
      name: 'bereik_queue_info',
      help: 'Display names and kind of each configured queue (always 1).',
      labelNames: ['gemeente', 'gemeente_name', 'queue', 'queue_name', 'kind'],
      registers,
    });
    this.target = new Gauge({
      name: 'bereik_target_ratio',
      help: 'The configured streefcijfer for this year, as a ratio (0.8 = 80%).',
      labelNames: ['gemeente', 'queue', 'kind', 'metric'],
      registers,
    });
    this.#initialise();
  }

  /** Creates every series at 0, so queries see each configured queue before its first leg. */
  #initialise(): void {
    for (const g of this.#topology.gemeenten.values()) {
      for (const result of callResults) {
        this.calls.inc({ gemeente: g.code, result }, 0);
        this.callsRetracted.inc({ gemeente: g.code, result }, 0);
      }
      for (const caller of callerKinds) {
        this.callsStarted.inc({ gemeente: g.code, caller }, 0);
        this.callsStartedRetracted.inc({ gemeente: g.code, caller }, 0);
      }
      for (const score of ['1', '2', '3', '4', '5']) this.surveyAnswers.inc({ gemeente: g.code, score }, 0);
      for (const q of g.queues.values()) {
        const base = { gemeente: g.code, queue: q.id, kind: q.kind };
        for (const result of legResults) {
          for (const transfer of legTransfers) {
            this.legs.inc({ ...base, result, transfer }, 0);
            this.legsRetracted.inc({ ...base, result, transfer }, 0);
          }
        }
        for (const outcome of ['answered', 'abandoned']) this.wait.zero({ ...base, outcome });
        const gq = { gemeente: g.code, queue: q.id };
        this.callbacksRequested.inc(gq, 0);
        for (const outcome of ['REACHED', 'NOT_REACHED']) this.callbacksCompleted.inc({ ...gq, outcome }, 0);
        for (const onTime of ['true', 'false']) this.callbacksJudged.inc({ ...gq, on_time: onTime }, 0);
        this.callbacksOpen.set(gq, 0);
        this.callbacksOverdue.set(gq, 0);
        this.queueInfo.set(
          { gemeente: g.code, gemeente_name: g.name, queue: q.id, queue_name: q.name, kind: q.kind },
          1,
        );
      }
    }
  }

  #kind(gemeente: string, queue: string): string {
    return this.#topology.gemeenten.get(gemeente)?.queues.get(queue)?.kind ?? 'unknown';
  }

  /** Counts a call's final facts; for a correction, retracts the facts it replaces. */
  countCall(
    legs: readonly LegFact[],
    call: CallFact,
    previous: { legs: readonly LegFact[]; call: CallFact } | undefined,
  ): void {
    for (const leg of legs) {
      const kind = this.#kind(leg.gemeente, leg.queue);
      const labels = { gemeente: leg.gemeente, queue: leg.queue, kind };
      this.legs.inc({ ...labels, result: legResultOf(leg), transfer: legTransferOf(leg) });
      if (previous === undefined && leg.category === 'offered' && leg.outcome !== 'timed_out') {
        this.wait.observe({ ...labels, outcome: leg.outcome }, leg.waitMs / 1000);
      }
    }
    this.calls.inc({ gemeente: call.gemeente, result: callResultOf(call) });
    if (previous !== undefined) {
      for (const leg of previous.legs) {
        const labels = {
          gemeente: leg.gemeente,
          queue: leg.queue,
          kind: this.#kind(leg.gemeente, leg.queue),
        };
        this.legsRetracted.inc({ ...labels, result: legResultOf(leg), transfer: legTransferOf(leg) });
      }
      this.callsRetracted.inc({ gemeente: previous.call.gemeente, result: callResultOf(previous.call) });
    }
  }

  countCallStart(fact: CallStartFact, previous: CallStartFact | undefined): void {
    this.callsStarted.inc({ gemeente: fact.gemeente, caller: callerKindOf(fact) });
    if (previous !== undefined)
      this.callsStartedRetracted.inc({ gemeente: previous.gemeente, caller: callerKindOf(previous) });
  }

  countSurvey(fact: SurveyFact): void {
    this.surveyAnswers.inc({ gemeente: fact.gemeente, score: String(fact.score) });
  }

  /** Counts what a callback fact adds to the one before it (knowledge only grows: request, completion, judgement). */
  countCallback(fact: CallbackFact, previous: CallbackFact | undefined): void {
    const queue = fact.queue ?? 'unknown';
    if (fact.requestedAt !== null && previous?.requestedAt == null)
      this.callbacksRequested.inc({ gemeente: fact.gemeente, queue });
    if (fact.outcome !== null && completionKnown(fact) && !completionKnown(previous)) {
      this.callbacksCompleted.inc({ gemeente: fact.gemeente, queue, outcome: fact.outcome });
    }
    if (fact.onTime !== null && previous?.onTime == null) {
      this.callbacksJudged.inc({ gemeente: fact.gemeente, queue, on_time: String(fact.onTime) });
    }
  }

  /** Sets the "now" gauges: open queues, open and overdue callbacks, this year's targets. */
  refreshGauges(
    nowMs: number,
    callbacks: ReadonlyMap<string, { open: number; overdue: number }>,
    targets: Targets,
  ): void {
    const year = Number(localDateOf(nowMs).slice(0, 4));
    for (const g of this.#topology.gemeenten.values()) {
      for (const q of g.queues.values()) {
        this.queueOpen.set(
          { gemeente: g.code, queue: q.id, kind: q.kind },
          this.#topology.isQueueOpen(g.code, q.id, nowMs) ? 1 : 0,
        );
        const counts = callbacks.get(`${g.code}|${q.id}`);
        this.callbacksOpen.set({ gemeente: g.code, queue: q.id }, counts?.open ?? 0);
        this.callbacksOverdue.set({ gemeente: g.code, queue: q.id }, counts?.overdue ?? 0);
        for (const metric of ['reachability', 'callbacksOnTime'] as const) {
          const labels = { gemeente: g.code, queue: q.id, kind: q.kind, metric };
          const target = targets.targetFor({ gemeente: g.code, queue: q.id, kind: q.kind, metric, year });
          if (target === null) this.target.remove(labels);
          else this.target.set(labels, target);
        }
      }
    }
  }
}
