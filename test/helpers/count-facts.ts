/**
 * Counts final facts into docs/metrics.md's event-time windows: per gemeente × queue × UTC minute the
 * leg counters (a leg in the minute it entered its queue), per gemeente × minute end-to-end
 * (window of the first offered leg), repeat (window of CALL_STARTED) and satisfaction (window of
 * the answer), callbacks requested / completed per minute of the event, and callbacks on time per
 * local date of the due moment. The in-memory twin of the ClickHouse rollups, used by the unit tests
 * to check a processor run against the simulator's ground truth; keys are `gemeente|queue|minuteMs`.
 *
 * Input facts must be final and deduplicated (the highest version per key).
 */
import { localDateOf } from '../../src/domain/amsterdam-time.ts';
import {
  zeroLegCounts,
  type CallbackOnTimeCounts,
  type EndToEndCounts,
  type MutableLegCounts,
  type RepeatCounts,
  type SatisfactionCounts,
} from '../../src/domain/kpi.ts';
import type { CallFact, CallStartFact, CallbackFact, LegFact, SurveyFact } from '../../src/events/facts.ts';

const MINUTE_MS = 60_000;
const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface WindowCounts {
  readonly legs: Map<string, MutableLegCounts>;
  readonly endToEnd: Map<string, Mutable<EndToEndCounts>>;
  readonly repeats: Map<string, Mutable<RepeatCounts>>;
  readonly satisfaction: Map<string, Mutable<SatisfactionCounts>>;
  readonly callbacks: Map<string, { requested: number; completed: number }>;
  readonly callbacksOnTime: Map<string, Mutable<CallbackOnTimeCounts>>;
}

function at<T>(map: Map<string, T>, key: string, fresh: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = fresh();
    map.set(key, value);
  }
  return value;
}

export function countFacts(facts: {
  legs: Iterable<LegFact>;
  calls: Iterable<CallFact>;
  callStarts: Iterable<CallStartFact>;
  surveys: Iterable<SurveyFact>;
  callbacks: Iterable<CallbackFact>;
}): WindowCounts {
  const counts: WindowCounts = {
    legs: new Map(),
    endToEnd: new Map(),
    repeats: new Map(),
    satisfaction: new Map(),
    callbacks: new Map(),
    callbacksOnTime: new Map(),
  };
  for (const leg of facts.legs) {
    const c = at(counts.legs, `${leg.gemeente}|${leg.queue}|${minuteOf(leg.enteredAt)}`, zeroLegCounts);
    if (leg.category === 'out_of_hours') c.outOfHours++;
    else if (leg.category === 'short_abandoned') c.shortAbandoned++;
    else {
      c.offered++;
      const fromTransfer = leg.transferredFromLegId !== null;
      if (fromTransfer) c.offeredFromTransfer++;
      if (leg.outcome === 'answered') {
        c.answered++;
        c.answeredWaitMsSum += leg.waitMs;
        if (leg.withinServiceLevel) c.answeredWithinSl++;
        if (leg.transferredOut) c.transferredOut++;
        if (fromTransfer) c.answeredFromTransfer++;
      } else if (leg.outcome === 'abandoned') {
        c.abandoned++;
        c.abandonedWaitMsSum += leg.waitMs;
      } else {
        c.timedOut++;
      }
    }
  }
  for (const call of facts.calls) {
    if (call.firstOfferedAt === null) continue;
    const c = at(counts.endToEnd, `${call.gemeente}|${minuteOf(call.firstOfferedAt)}`, () => ({
      callsWithOfferedLeg: 0,
      callsLastOfferedLegAnswered: 0,
    }));
    c.callsWithOfferedLeg++;
    if (call.lastOfferedAnswered === true) c.callsLastOfferedLegAnswered++;
  }
  for (const start of facts.callStarts) {
    if (start.repeat === null) continue;
    const c = at(counts.repeats, `${start.gemeente}|${minuteOf(start.startedAt)}`, () => ({
      calls: 0,
      repeatCalls: 0,
    }));
    c.calls++;
    if (start.repeat) c.repeatCalls++;
  }
  for (const survey of facts.surveys) {
    const c = at(counts.satisfaction, `${survey.gemeente}|${minuteOf(survey.answeredAt)}`, () => ({
      answers: 0,
      scores4or5: 0,
    }));
    c.answers++;
    if (survey.score >= 4) c.scores4or5++;
  }
  for (const cb of facts.callbacks) {
    if (cb.queue === null || cb.requestedAt === null || cb.dueAt === null) continue;
    const fresh = () => ({ requested: 0, completed: 0 });
    at(counts.callbacks, `${cb.gemeente}|${cb.queue}|${minuteOf(cb.requestedAt)}`, fresh).requested++;
    if (cb.completedAt !== null)
      at(counts.callbacks, `${cb.gemeente}|${cb.queue}|${minuteOf(cb.completedAt)}`, fresh).completed++;
    // The due moment is 24:00 of the due date, i.e. the first instant of the next day.
    const dueDate = localDateOf(cb.dueAt - 1);
    const c = at(counts.callbacksOnTime, `${cb.gemeente}|${cb.queue}|${dueDate}`, () => ({
      dueInWindow: 0,
      completedOnTime: 0,
    }));
    c.dueInWindow++;
    if (cb.onTime === true) c.completedOnTime++;
  }
  return counts;
}
