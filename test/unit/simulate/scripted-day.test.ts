/**
 * A hand-worked day: five scripted calls to Amersfoort on Tuesday 10 March 2026 (CET, UTC+1), the
 * simulator's events for them, and the expected metrics worked out by hand from docs/metrics.md and the
 * opening hours in deploy/config/bereik.yaml (KCC and Belastingen 08:30-17:00, Burgerzaken and Wmo
 * 09:00-12:30 and 13:30-16:30). Every number below is written out, none is computed by the code.
 */
import { describe, expect, it } from 'vitest';
import type { CallPlan } from '../../../src/simulate/call-plan.ts';
import {
  openCallbacksAt,
  overdueCallbacksAt,
  rollupEndToEnd,
  rollupLegs,
  simulateScripted,
  totalCallbacksOnTime,
} from '../../../src/simulate/index.ts';
import { zeroLegCounts } from '../../../src/domain/kpi.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';
import { must } from './helpers.ts';

const at = (iso: string) => Date.parse(iso);
const minute = (iso: string) => String(at(iso));
const A_NUMBER = '+31612345678';

/** A: answered by the KCC at exactly 25 s, transferred to Belastingen, abandoned there after 75 s; a callback done on Thursday. */
const callA: CallPlan = {
  gemeente: 'GM0307',
  callId: 'A',
  callerNumber: A_NUMBER,
  dialledNumber: '14033',
  startedAt: at('2026-03-10T09:00:00Z'),
  legs: [
    {
      legId: 'A-1',
      queue: 'kcc',
      enteredAt: at('2026-03-10T09:00:10Z'),
      transferredFromLegId: null,
      outcome: 'ANSWERED',
      outcomeAt: at('2026-03-10T09:00:35Z'),
      agentId: 'kcc-a01',
    },
    {
      legId: 'A-2',
      queue: 'belastingen',
      enteredAt: at('2026-03-10T09:03:00Z'),
      transferredFromLegId: 'A-1',
      outcome: 'ABANDONED',
      outcomeAt: at('2026-03-10T09:04:15Z'),
      agentId: null,
    },
  ],
  endedAt: at('2026-03-10T09:04:16Z'),
  endReported: true,
  callbacks: [
    {
      callbackId: 'cb-A',
      queue: 'belastingen',
      requestedAt: at('2026-03-10T09:05:00Z'),
      completedAt: at('2026-03-12T10:00:00Z'),
      outcome: 'REACHED',
    },
  ],
  survey: null,
};

/** B: withheld number; answered after 12 s, transferred to Burgerzaken during its lunch closing; hangs up there; survey 4. */
const callB: CallPlan = {
  gemeente: 'GM0307',
  callId: 'B',
  callerNumber: null,
  dialledNumber: '14033',
  startedAt: at('2026-03-10T11:45:00Z'),
  legs: [
    {
      legId: 'B-1',
      queue: 'kcc',
      enteredAt: at('2026-03-10T11:45:05Z'),
      transferredFromLegId: null,
      outcome: 'ANSWERED',
      outcomeAt: at('2026-03-10T11:45:17Z'),
      agentId: 'kcc-a02',
    },
    {
      legId: 'B-2',
      queue: 'burgerzaken',
      enteredAt: at('2026-03-10T11:50:00Z'),
      transferredFromLegId: 'B-1',
      outcome: null,
      outcomeAt: null,
      agentId: null,
    },
  ],
  endedAt: at('2026-03-10T11:50:20Z'),
  endReported: true,
  callbacks: [],
  survey: { answeredAt: at('2026-03-10T11:51:00Z'), score: 4 },
};

/**
 * C: answered after 30 s, transferred to Wmo; the leg gets no outcome and the switch never sends
 * CALL_ENDED: the call closes at its last event (Wmo QUEUE_ENTERED, 13:05:00Z) + 4 h, so the Wmo
 * leg counts as abandoned after 4 h. A callback for Wmo is never done.
 */
const callC: CallPlan = {
  gemeente: 'GM0307',
  callId: 'C',
  callerNumber: '+31331234567',
  dialledNumber: '14033',
  startedAt: at('2026-03-10T13:00:00Z'),
  legs: [
    {
      legId: 'C-1',
      queue: 'kcc',
      enteredAt: at('2026-03-10T13:00:08Z'),
      transferredFromLegId: null,
      outcome: 'ANSWERED',
      outcomeAt: at('2026-03-10T13:00:38Z'),
      agentId: 'kcc-a03',
    },
    {
      legId: 'C-2',
      queue: 'wmo',
      enteredAt: at('2026-03-10T13:05:00Z'),
      transferredFromLegId: 'C-1',
      outcome: null,
      outcomeAt: null,
      agentId: null,
    },
  ],
  endedAt: at('2026-03-10T13:05:30Z'),
  endReported: false,
  callbacks: [
    {
      callbackId: 'cb-C',
      queue: 'wmo',
      requestedAt: at('2026-03-10T13:10:00Z'),
      completedAt: null,
      outcome: null,
    },
  ],
  survey: null,
};

/** D: caller A again (a repeat); abandons the KCC after 4.999 s: a short abandon. */
const callD: CallPlan = {
  gemeente: 'GM0307',
  callId: 'D',
  callerNumber: A_NUMBER,
  dialledNumber: '14033',
  startedAt: at('2026-03-10T14:30:00Z'),
  legs: [
    {
      legId: 'D-1',
      queue: 'kcc',
      enteredAt: at('2026-03-10T14:30:06Z'),
      transferredFromLegId: null,
      outcome: 'ABANDONED',
      outcomeAt: at('2026-03-10T14:30:10.999Z'),
      agentId: null,
    },
  ],
  endedAt: at('2026-03-10T14:30:11Z'),
  endReported: true,
  callbacks: [],
  survey: null,
};

/** E: withheld; abandons the KCC after exactly 5 s: not short, so offered and abandoned. */
const callE: CallPlan = {
  gemeente: 'GM0307',
  callId: 'E',
  callerNumber: null,
  dialledNumber: '14033',
  startedAt: at('2026-03-10T15:00:00Z'),
  legs: [
    {
      legId: 'E-1',
      queue: 'kcc',
      enteredAt: at('2026-03-10T15:00:05Z'),
      transferredFromLegId: null,
      outcome: 'ABANDONED',
      outcomeAt: at('2026-03-10T15:00:10Z'),
      agentId: null,
    },
  ],
  endedAt: at('2026-03-10T15:00:11Z'),
  endReported: true,
  callbacks: [],
  survey: null,
};

const legs = (counts: Partial<ReturnType<typeof zeroLegCounts>>) => ({ ...zeroLegCounts(), ...counts });

describe('simulator: a hand-worked day', () => {
  // Given in a shuffled order: the simulator sorts calls by start.
  const { messages, truth } = simulateScripted(exampleConfig(), [callC, callA, callE, callB, callD]);

  it('counts every leg in the minute it entered, with the categories worked out by hand', () => {
    expect(truth.legs).toEqual({
      [`GM0307|kcc|${minute('2026-03-10T09:00:00Z')}`]: legs({
        offered: 1,
        answered: 1,
        answeredWithinSl: 1,
        transferredOut: 1,
        answeredWaitMsSum: 25_000,
      }),
      [`GM0307|belastingen|${minute('2026-03-10T09:03:00Z')}`]: legs({
        offered: 1,
        abandoned: 1,
        offeredFromTransfer: 1,
        abandonedWaitMsSum: 75_000,
      }),
      [`GM0307|kcc|${minute('2026-03-10T11:45:00Z')}`]: legs({
        offered: 1,
        answered: 1,
        answeredWithinSl: 1,
        transferredOut: 1,
        answeredWaitMsSum: 12_000,
      }),
      [`GM0307|burgerzaken|${minute('2026-03-10T11:50:00Z')}`]: legs({ outOfHours: 1 }),
      [`GM0307|kcc|${minute('2026-03-10T13:00:00Z')}`]: legs({
        offered: 1,
        answered: 1,
        transferredOut: 1,
        answeredWaitMsSum: 30_000,
      }),
      [`GM0307|wmo|${minute('2026-03-10T13:05:00Z')}`]: legs({
        offered: 1,
        abandoned: 1,
        offeredFromTransfer: 1,
        abandonedWaitMsSum: 4 * 3600 * 1000,
      }),
      [`GM0307|kcc|${minute('2026-03-10T14:30:00Z')}`]: legs({ shortAbandoned: 1 }),
      [`GM0307|kcc|${minute('2026-03-10T15:00:00Z')}`]: legs({
        offered: 1,
        abandoned: 1,
        abandonedWaitMsSum: 5000,
      }),
    });
  });

  it('rolls the KCC up to the local day', () => {
    expect(rollupLegs(truth, 'day')['GM0307|kcc|2026-03-10']).toEqual(
      legs({
        offered: 4,
        answered: 3,
        answeredWithinSl: 2,
        abandoned: 1,
        shortAbandoned: 1,
        transferredOut: 3,
        answeredWaitMsSum: 67_000,
        abandonedWaitMsSum: 5000,
      }),
    );
    expect(rollupLegs(truth, 'hour')[`GM0307|kcc|${at('2026-03-10T13:00:00Z')}`]?.answered).toBe(1);
    expect(Object.keys(rollupLegs(truth, 'total')).sort()).toEqual([
      'GM0307|belastingen',
      'GM0307|burgerzaken',
      'GM0307|kcc',
      'GM0307|wmo',
    ]);
  });

  it('attributes end to end to the first offered leg: only B ended answered (its last leg was out of hours)', () => {
    expect(truth.endToEnd).toEqual({
      [`GM0307|${minute('2026-03-10T09:00:00Z')}`]: {
        callsWithOfferedLeg: 1,
        callsLastOfferedLegAnswered: 0,
      },
      [`GM0307|${minute('2026-03-10T11:45:00Z')}`]: {
        callsWithOfferedLeg: 1,
        callsLastOfferedLegAnswered: 1,
      },
      [`GM0307|${minute('2026-03-10T13:00:00Z')}`]: {
        callsWithOfferedLeg: 1,
        callsLastOfferedLegAnswered: 0,
      },
      [`GM0307|${minute('2026-03-10T15:00:00Z')}`]: {
        callsWithOfferedLeg: 1,
        callsLastOfferedLegAnswered: 0,
      },
    });
    expect(rollupEndToEnd(truth, 'total')).toEqual({
      GM0307: { callsWithOfferedLeg: 4, callsLastOfferedLegAnswered: 1 },
    });
  });

  it('counts repeat callers by CALL_STARTED, leaving withheld numbers out', () => {
    expect(truth.repeats).toEqual({
      [`GM0307|${minute('2026-03-10T09:00:00Z')}`]: { calls: 1, repeatCalls: 0 },
      [`GM0307|${minute('2026-03-10T13:00:00Z')}`]: { calls: 1, repeatCalls: 0 },
      [`GM0307|${minute('2026-03-10T14:30:00Z')}`]: { calls: 1, repeatCalls: 1 },
    });
  });

  it('counts the survey answer in its own minute', () => {
    expect(truth.satisfaction).toEqual({
      [`GM0307|${minute('2026-03-10T11:51:00Z')}`]: { answers: 1, scores4or5: 1 },
    });
  });

  it('counts callbacks by request, completion and due date (Tuesday + 2 werkdagen = Thursday 12 March)', () => {
    expect(truth.callbacks).toEqual({
      [`GM0307|belastingen|${minute('2026-03-10T09:05:00Z')}`]: { requested: 1, completed: 0 },
      [`GM0307|belastingen|${minute('2026-03-12T10:00:00Z')}`]: { requested: 0, completed: 1 },
      [`GM0307|wmo|${minute('2026-03-10T13:10:00Z')}`]: { requested: 1, completed: 0 },
    });
    expect(truth.callbacksOnTime).toEqual({
      'GM0307|belastingen|2026-03-12': { dueInWindow: 1, completedOnTime: 1 },
      'GM0307|wmo|2026-03-12': { dueInWindow: 1, completedOnTime: 0 },
    });
    expect(totalCallbacksOnTime(truth)).toEqual({
      'GM0307|belastingen': { dueInWindow: 1, completedOnTime: 1 },
      'GM0307|wmo': { dueInWindow: 1, completedOnTime: 0 },
    });
  });

  it('knows which callbacks are open and overdue at any instant (due: end of Thursday = 23:00Z)', () => {
    expect(openCallbacksAt(truth, at('2026-03-10T09:04:59Z'))).toEqual({});
    expect(openCallbacksAt(truth, at('2026-03-11T12:00:00Z'))).toEqual({
      'GM0307|belastingen': 1,
      'GM0307|wmo': 1,
    });
    expect(openCallbacksAt(truth, at('2026-03-12T10:00:00Z'))).toEqual({ 'GM0307|wmo': 1 });
    expect(overdueCallbacksAt(truth, at('2026-03-12T22:59:59.999Z'))).toEqual({});
    expect(overdueCallbacksAt(truth, at('2026-03-12T23:00:00Z'))).toEqual({ 'GM0307|wmo': 1 });
  });

  it('emits the events the switch would, keyed and ordered as SWITCH.md says', () => {
    const events = messages.map((m) => (m.payload.kind === 'event' ? m.payload.event : undefined));
    expect(events.every((e) => e !== undefined)).toBe(true);
    const summary = messages.map((m) =>
      m.payload.kind === 'event'
        ? `${m.key} ${m.payload.event.type} ${m.payload.event.legId ?? ''}`.trim()
        : '',
    );
    expect(summary).toEqual([
      'A CALL_STARTED',
      'A QUEUE_ENTERED A-1',
      'A ANSWERED A-1',
      'A QUEUE_ENTERED A-2',
      'A ABANDONED A-2',
      'A CALL_ENDED',
      'cb-A CALLBACK_REQUESTED',
      'B CALL_STARTED',
      'B QUEUE_ENTERED B-1',
      'B ANSWERED B-1',
      'B QUEUE_ENTERED B-2',
      'B CALL_ENDED',
      'B SURVEY_ANSWERED',
      'C CALL_STARTED',
      'C QUEUE_ENTERED C-1',
      'C ANSWERED C-1',
      'C QUEUE_ENTERED C-2',
      'cb-C CALLBACK_REQUESTED',
      'D CALL_STARTED',
      'D QUEUE_ENTERED D-1',
      'D ABANDONED D-1',
      'D CALL_ENDED',
      'E CALL_STARTED',
      'E QUEUE_ENTERED E-1',
      'E ABANDONED E-1',
      'E CALL_ENDED',
      'cb-A CALLBACK_COMPLETED',
    ]);
    const transfer = events.find((e) => e?.legId === 'A-2' && e.type === 'QUEUE_ENTERED');
    expect(transfer).toMatchObject({ transferredFromLegId: 'A-1', queue: 'belastingen', callId: 'A' });
    expect(events.find((e) => e?.type === 'CALLBACK_REQUESTED')).toMatchObject({
      callbackId: 'cb-A',
      queue: 'belastingen',
      callId: 'A',
    });
    expect(events.find((e) => e?.type === 'SURVEY_ANSWERED')).toMatchObject({ callId: 'B', surveyScore: 4 });
    expect(
      messages.every((m) => m.deliverAt === (m.payload.kind === 'event' ? m.payload.event.occurredAt : -1)),
    ).toBe(true);
    expect(truth.delivery).toMatchObject({
      messages: 27,
      events: 27,
      duplicates: 0,
      neverEndedCalls: 1,
      deadLetters: 0,
    });
    expect(truth.calls).toEqual({ GM0307: 5 });
  });

  it('rejects an unsound plan', () => {
    const broken: CallPlan = {
      ...callE,
      callId: 'F',
      legs: [{ ...must(callE.legs[0]), legId: 'F-1', outcomeAt: at('2026-03-10T15:00:00Z') }],
    };
    expect(() => simulateScripted(exampleConfig(), [broken])).toThrow(/outcome outside/);
  });
});
