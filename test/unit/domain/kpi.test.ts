// The metric formulas over counts, with hand-worked values, and null (never 0 or 1) for an empty
// denominator.
import { describe, expect, it } from 'vitest';

import {
  addLegCounts,
  averageAbandonedWaitSeconds,
  averageSpeedOfAnswerSeconds,
  callbacksOnTimeRate,
  endToEndReachability,
  firstLineResolution,
  isSatisfiedScore,
  reachability,
  repeatRate,
  satisfaction,
  serviceLevel,
  transferSuccess,
  zeroLegCounts,
  type LegCounts,
} from '../../../src/domain/kpi.ts';

const hour: LegCounts = {
  offered: 40,
  answered: 36,
  answeredWithinSl: 30,
  abandoned: 3,
  timedOut: 1,
  shortAbandoned: 2,
  outOfHours: 5,
  transferredOut: 9,
  offeredFromTransfer: 8,
  answeredFromTransfer: 6,
  answeredWaitMsSum: 540_000,
  abandonedWaitMsSum: 45_000,
};

describe('LegCounts', () => {
  it('zeroLegCounts is all zero, and a fresh object each time', () => {
    expect(zeroLegCounts()).toEqual({
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
    });
    const a = zeroLegCounts();
    a.offered += 1;
    expect(zeroLegCounts().offered).toBe(0);
  });

  it('addLegCounts adds field by field and leaves its inputs alone', () => {
    const other: LegCounts = {
      offered: 10,
      answered: 4,
      answeredWithinSl: 2,
      abandoned: 5,
      timedOut: 1,
      shortAbandoned: 1,
      outOfHours: 0,
      transferredOut: 1,
      offeredFromTransfer: 2,
      answeredFromTransfer: 0,
      answeredWaitMsSum: 160_000,
      abandonedWaitMsSum: 105_000,
    };
    expect(addLegCounts(hour, other)).toEqual({
      offered: 50,
      answered: 40,
      answeredWithinSl: 32,
      abandoned: 8,
      timedOut: 2,
      shortAbandoned: 3,
      outOfHours: 5,
      transferredOut: 10,
      offeredFromTransfer: 10,
      answeredFromTransfer: 6,
      answeredWaitMsSum: 700_000,
      abandonedWaitMsSum: 150_000,
    });
    expect(hour.offered).toBe(40);
    expect(addLegCounts(hour, zeroLegCounts())).toEqual(hour);
  });

  it('ratios of summed counts are not averages of ratios', () => {
    // 9 of 10 in a busy hour, 0 of 1 in a quiet one: 9/11, not (0.9 + 0) / 2.
    const busy = { ...zeroLegCounts(), offered: 10, answered: 9 };
    const quiet = { ...zeroLegCounts(), offered: 1, answered: 0 };
    expect(reachability(addLegCounts(busy, quiet))).toBe(9 / 11);
  });
});

describe('leg ratios', () => {
  it('reachability = answered / offered', () => {
    expect(reachability(hour)).toBe(0.9); // 36 / 40
    expect(reachability({ answered: 10, offered: 10 })).toBe(1);
    expect(reachability({ answered: 0, offered: 7 })).toBe(0);
    expect(reachability({ answered: 0, offered: 0 })).toBeNull();
  });

  it('service level = answered within SL / offered', () => {
    expect(serviceLevel(hour)).toBe(0.75); // 30 / 40
    expect(serviceLevel({ answeredWithinSl: 0, offered: 0 })).toBeNull();
  });

  it('first-line resolution = (answered - transferred out) / answered', () => {
    expect(firstLineResolution(hour)).toBe(0.75); // (36 - 9) / 36
    expect(firstLineResolution({ answered: 4, transferredOut: 4 })).toBe(0);
    expect(firstLineResolution({ answered: 0, transferredOut: 0 })).toBeNull();
  });

  it('transfer success = answered from transfer / offered from transfer', () => {
    expect(transferSuccess(hour)).toBe(0.75); // 6 / 8
    expect(transferSuccess({ answeredFromTransfer: 0, offeredFromTransfer: 0 })).toBeNull();
  });

  it('ASA = mean wait of answered legs, in seconds', () => {
    expect(averageSpeedOfAnswerSeconds(hour)).toBe(15); // 540 000 ms / 36 / 1000
    expect(averageSpeedOfAnswerSeconds({ answeredWaitMsSum: 12_000 + 18_000 + 30_000, answered: 3 })).toBe(
      20,
    );
    expect(averageSpeedOfAnswerSeconds({ answeredWaitMsSum: 0, answered: 0 })).toBeNull();
  });

  it('mean wait of abandoned legs, in seconds', () => {
    expect(averageAbandonedWaitSeconds(hour)).toBe(15); // 45 000 ms / 3 / 1000
    expect(averageAbandonedWaitSeconds({ abandonedWaitMsSum: 0, abandoned: 0 })).toBeNull();
  });
});

describe('call, callback, repeat and satisfaction ratios', () => {
  it('end-to-end reachability = calls whose last offered leg was answered / calls with an offered leg', () => {
    expect(endToEndReachability({ callsWithOfferedLeg: 200, callsLastOfferedLegAnswered: 170 })).toBe(0.85);
    expect(endToEndReachability({ callsWithOfferedLeg: 0, callsLastOfferedLegAnswered: 0 })).toBeNull();
  });

  it('callbacks on time = completed on time / due in the window', () => {
    expect(callbacksOnTimeRate({ dueInWindow: 20, completedOnTime: 19 })).toBe(0.95);
    expect(callbacksOnTimeRate({ dueInWindow: 0, completedOnTime: 0 })).toBeNull();
  });

  it('repeat rate = repeat calls / calls', () => {
    expect(repeatRate({ calls: 400, repeatCalls: 50 })).toBe(0.125);
    expect(repeatRate({ calls: 0, repeatCalls: 0 })).toBeNull();
  });

  it('satisfaction = answers with score 4 or 5 / answers', () => {
    expect(satisfaction({ answers: 8, scores4or5: 6 })).toBe(0.75);
    expect(satisfaction({ answers: 0, scores4or5: 0 })).toBeNull();
  });

  it('a score of 4 or 5 is satisfied, 3 or lower is not', () => {
    expect(isSatisfiedScore(5)).toBe(true);
    expect(isSatisfiedScore(4)).toBe(true);
    expect(isSatisfiedScore(3)).toBe(false);
    expect(isSatisfiedScore(1)).toBe(false);
  });
});
