/**
 * How one call goes: the decisions of the simulated switch, its agents and its caller, written down
 * as a CallPlan (./call-plan.ts).
 *
 * In: the gemeente's configuration (queues, opening hours via the Topology), behaviour options, a
 * random stream, and per call its id, start and caller. Out: the call's plan.
 *
 * The story of a call: after the menu the caller waits in the KCC queue. Outside opening hours
 * they hear the closed message and hang up. Otherwise an agent answers (after a wait), or the
 * caller gives up (some within 5 s), or the queue's maximum wait passes. An answered caller is
 * helped, or transferred to a vakafdeling (about a fifth); if that department is closed the agent
 * mostly files a callback instead. In the department the same can happen, plus hanging up while
 * being transferred; an unanswered transfer often gets a callback. Some callers answer the
 * satisfaction question afterwards.
 *
 * Waits are drawn from skewed distributions, with a share of them exactly on the norm's boundaries
 * (a wait of exactly 5 s, exactly 25 s) and just beside them, so the processor's boundary rules
 * are exercised every day.
 */
import type { Topology } from '../config/topology.ts';
import type { GemeenteConfig } from '../config/schema.ts';
import type { WorkCalendar } from '../domain/werkdag.ts';
import type { CallbackPlan, CallPlan, LegPlan, SurveyPlan } from './call-plan.ts';
import { scheduleCallback } from './callback-schedule.ts';
import { targetReachability, type BehaviourOptions } from './options.ts';
import { cumulativeWeights, type Random } from './random.ts';

/** Of the unanswered legs that do not time out, the share that are short abandons (below the norm). */
const SHORT_ABANDON_SHARE = 0.14;
/** Talk time of an answered call, ms: median and log-normal spread. */
const TALK_MEDIAN_MS = 200_000;
const TALK_SIGMA = 0.6;
/** Satisfaction score weights 1..5 after a call that ended answered, and after one that did not. */
const SCORES_HELPED = cumulativeWeights([0.04, 0.06, 0.12, 0.36, 0.42]);
const SCORES_NOT_HELPED = cumulativeWeights([0.3, 0.25, 0.2, 0.15, 0.1]);

/** What the planner knows about one queue. */
interface QueueModel {
  readonly id: string;
  readonly kind: 'kcc' | 'vakafdeling';
  /** Probability that a leg of an open queue is answered, chosen so answered / offered meets the target. */
  readonly answerProbability: number;
  readonly answerMedianMs: number;
  readonly maxWaitMs: number;
  readonly agents: readonly string[];
}

/** The wait thresholds the boundary cases aim at: the norm's. */
export interface WaitBoundaries {
  readonly shortAbandonBelowMs: number;
  readonly serviceLevelWithinMs: number;
}

interface LegResult {
  readonly leg: LegPlan;
  /** When the caller leaves the queue (answer, abandon, time-out). */
  readonly at: number;
}

export class CallPlanner {
  readonly #gemeente: string;
  readonly #dialledNumber: string;
  readonly #topology: Topology;
  readonly #calendar: WorkCalendar;
  readonly #behaviour: BehaviourOptions;
  readonly #random: Random;
  readonly #untilMs: number;
  readonly #bounds: WaitBoundaries;
  readonly #kcc: QueueModel;
  readonly #departments: readonly QueueModel[];
  readonly #departmentWeights: readonly number[];

  /**
   * @param untilMs the end of the run: callbacks done at or after it stay open
   */
  constructor(
    gemeente: GemeenteConfig,
    topology: Topology,
    behaviour: BehaviourOptions,
    random: Random,
    bounds: WaitBoundaries,
    untilMs: number,
  ) {
    this.#gemeente = gemeente.code;
    this.#dialledNumber = gemeente.dialledNumber;
    this.#topology = topology;
    this.#calendar = topology.calendarOf(gemeente.code);
    this.#behaviour = behaviour;
    this.#random = random;
    this.#untilMs = untilMs;
    this.#bounds = bounds;
    const models = gemeente.queues.map((q) => this.#model(q.id, q.kind));
    const kcc = models.find((q) => q.kind === 'kcc');
    if (kcc === undefined) throw new Error(`gemeente ${gemeente.code} has no KCC queue`);
    this.#kcc = kcc;
    this.#departments = models.filter((q) => q.kind === 'vakafdeling');
    // Departments listed first get more transfers: Burgerzaken more than Wmo, say.
    this.#departmentWeights = cumulativeWeights(this.#departments.map((_, i) => 1 / (i + 1.5)));
  }

  #model(id: string, kind: 'kcc' | 'vakafdeling'): QueueModel {
    const b = this.#behaviour;
    const target = targetReachability(b, this.#gemeente, id, kind);
    // Short abandons leave the denominator, so answer with p such that p / (p + (1-p)(1-s)) = target,
    // where s is the short-abandon share of unanswered legs.
    const s = (1 - b.timedOutShare) * SHORT_ABANDON_SHARE;
    const answerProbability = target >= 1 ? 1 : (target * (1 - s)) / (1 - target * s);
    const agents = Array.from(
      { length: kind === 'kcc' ? 24 : 8 },
      (_, i) => `${id}-a${String(i + 1).padStart(2, '0')}`,
    );
    return {
      id,
      kind,
      answerProbability,
      answerMedianMs: kind === 'kcc' ? 13_000 : 30_000,
      maxWaitMs: kind === 'kcc' ? b.kccMaxWaitMs : b.vakafdelingMaxWaitMs,
      agents,
    };
  }

  /** Plans one call that starts at `startedAt`. `nextCallbackId` hands out callback ids. */
  plan(
    callId: string,
    startedAt: number,
    callerNumber: string | null,
    endReported: boolean,
    nextCallbackId: () => string,
  ): CallPlan {
    const r = this.#random;
    const b = this.#behaviour;
    const legs: LegPlan[] = [];
    const callbacks: CallbackPlan[] = [];
    const fileCallback = (queue: string, requestedAt: number) => {
      const done = scheduleCallback(r, requestedAt, this.#calendar, b, this.#untilMs);
      callbacks.push({ callbackId: nextCallbackId(), queue, requestedAt, ...done });
    };

    const kccLegId = `${callId}-l1`;
    const kccEntered = startedAt + r.int(3000, 25_000); // the menu
    let endedAt: number;
    if (!this.#isOpen(this.#kcc, kccEntered)) {
      endedAt = this.#closedLeg(legs, kccLegId, this.#kcc.id, kccEntered, null);
    } else {
      const first = this.#queueLeg(kccLegId, this.#kcc, kccEntered, null);
      legs.push(first.leg);
      if (first.leg.outcome !== 'ANSWERED') {
        endedAt = first.at + r.int(0, 1500);
      } else {
        const talkEnd = first.at + this.#talkMs();
        if (this.#departments.length > 0 && r.chance(b.transferRate)) {
          const department = this.#departments[r.weightedIndex(this.#departmentWeights)] as QueueModel;
          const open = this.#isOpen(department, talkEnd);
          if (!open && r.chance(0.7)) {
            // The department is closed: the agent files a callback instead of transferring.
            endedAt = talkEnd + r.int(5000, 60_000);
            fileCallback(department.id, endedAt + r.int(30_000, 600_000));
          } else {
            const legId = `${callId}-l2`;
            if (!open) {
              endedAt = this.#closedLeg(legs, legId, department.id, talkEnd, kccLegId);
            } else if (r.chance(b.hangUpDuringTransferRate)) {
              // The caller hangs up while being transferred: the leg never gets an outcome.
              legs.push(this.#leg(legId, department.id, talkEnd, kccLegId, null, null, null));
              endedAt = talkEnd + r.int(300, 40_000);
              if (r.chance(b.callbackOnNoAnswerRate))
                fileCallback(department.id, endedAt + r.int(30_000, 900_000));
            } else {
              const second = this.#queueLeg(legId, department, talkEnd, kccLegId);
              legs.push(second.leg);
              if (second.leg.outcome === 'ANSWERED') {
                endedAt = second.at + this.#talkMs();
              } else {
                endedAt = second.at + r.int(0, 2000);
                if (r.chance(b.callbackOnNoAnswerRate))
                  fileCallback(department.id, endedAt + r.int(30_000, 900_000));
              }
            }
          }
        } else {
          endedAt = talkEnd;
          if (this.#departments.length > 0 && r.chance(b.callbackOnRequestRate)) {
            const department = this.#departments[r.weightedIndex(this.#departmentWeights)] as QueueModel;
            fileCallback(department.id, endedAt + r.int(30_000, 600_000));
          }
        }
      }
    }

    return {
      gemeente: this.#gemeente,
      callId,
      callerNumber,
      dialledNumber: this.#dialledNumber,
      startedAt,
      legs,
      endedAt,
      endReported,
      callbacks,
      survey: this.#survey(legs, endedAt),
    };
  }

  #isOpen(queue: QueueModel, atMs: number): boolean {
    return this.#topology.isQueueOpen(this.#gemeente, queue.id, atMs);
  }

  #leg(
    legId: string,
    queue: string,
    enteredAt: number,
    transferredFromLegId: string | null,
    outcome: LegPlan['outcome'],
    outcomeAt: number | null,
    agentId: string | null,
  ): LegPlan {
    return { legId, queue, enteredAt, transferredFromLegId, outcome, outcomeAt, agentId };
  }

  /** A leg that entered a closed queue: the caller hears the closed message and hangs up. Returns the call's end. */
  #closedLeg(legs: LegPlan[], legId: string, queue: string, enteredAt: number, from: string | null): number {
    const r = this.#random;
    const listenMs = r.int(6000, 45_000);
    if (r.chance(0.7)) {
      legs.push(this.#leg(legId, queue, enteredAt, from, 'ABANDONED', enteredAt + listenMs, null));
      return enteredAt + listenMs + r.int(0, 1500);
    }
    // The switch reports no outcome for this leg; the call just ends.
    legs.push(this.#leg(legId, queue, enteredAt, from, null, null, null));
    return enteredAt + listenMs;
  }

  /** A leg in an open queue: answered, abandoned or timed out, after a wait. */
  #queueLeg(legId: string, queue: QueueModel, enteredAt: number, from: string | null): LegResult {
    const r = this.#random;
    if (r.chance(queue.answerProbability)) {
      const at = enteredAt + this.#answerWaitMs(queue);
      return { leg: this.#leg(legId, queue.id, enteredAt, from, 'ANSWERED', at, r.pick(queue.agents)), at };
    }
    if (r.chance(this.#behaviour.timedOutShare)) {
      const at = enteredAt + queue.maxWaitMs;
      return { leg: this.#leg(legId, queue.id, enteredAt, from, 'TIMED_OUT', at, null), at };
    }
    const at = enteredAt + this.#abandonWaitMs(queue);
    return { leg: this.#leg(legId, queue.id, enteredAt, from, 'ABANDONED', at, null), at };
  }

  #answerWaitMs(queue: QueueModel): number {
    const r = this.#random;
    const sl = this.#bounds.serviceLevelWithinMs;
    const u = r.float();
    if (u < 0.03) return sl; // exactly on the service-level boundary: within
    if (u < 0.04) return sl - 1;
    if (u < 0.05) return sl + 1;
    if (u < 0.055) return this.#bounds.shortAbandonBelowMs; // the short-abandon boundary, but answered
    const wait = Math.round(r.logNormal(queue.answerMedianMs, 0.85));
    return Math.min(Math.max(wait, 1500), queue.maxWaitMs - 1000);
  }

  #abandonWaitMs(queue: QueueModel): number {
    const r = this.#random;
    const short = this.#bounds.shortAbandonBelowMs;
    const u = r.float();
    if (u < 0.13) return r.int(Math.min(300, short), Math.max(0, short - 1)); // a short abandon
    if (u < 0.14) return Math.max(0, short - 1);
    if (u < 0.16) return short; // exactly the boundary: not short
    if (u < 0.17) return short + 1;
    const wait = Math.round(r.logNormal(50_000, 0.8));
    return Math.min(Math.max(wait, short + 2), queue.maxWaitMs - 1000);
  }

  #talkMs(): number {
    const talk = Math.round(this.#random.logNormal(TALK_MEDIAN_MS, TALK_SIGMA));
    return Math.min(Math.max(talk, 20_000), 40 * 60_000);
  }

  #survey(legs: readonly LegPlan[], endedAt: number): SurveyPlan | null {
    const r = this.#random;
    if (!legs.some((l) => l.outcome === 'ANSWERED') || !r.chance(this.#behaviour.surveyRate)) return null;
    const helped = legs[legs.length - 1]?.outcome === 'ANSWERED';
    const score = 1 + r.weightedIndex(helped ? SCORES_HELPED : SCORES_NOT_HELPED);
    return { answeredAt: endedAt + r.int(10_000, 90_000), score };
  }
}
