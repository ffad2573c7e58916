/**
 * When a department calls back: decides, for one terugbelverzoek, whether it is done on time
 * (before the end of the 2nd werkdag after the request), late, or never, and at which moment.
 *
 * In: the request instant, the gemeente's WorkCalendar, the shares from the behaviour options, a
 * random stream, and the end of the run. Out: the completion instant and outcome, or none.
 *
 * Callbacks are made during office hours (08:30-17:00 local) on werkdagen. Uses the domain's
 * calendar rules (werkdagen, the due moment), which their own tests pin by hand-worked dates; what
 * this module decides is on which werkdag and at which time the callback happens.
 */
import { epochOfLocal, localDateOf, localPartsOf } from '../domain/amsterdam-time.ts';
import { callbackDueAt } from '../domain/callback-due.ts';
import type { WorkCalendar } from '../domain/werkdag.ts';
import type { Random } from './random.ts';

const OFFICE_START_MINUTE = 8 * 60 + 30;
const OFFICE_END_MINUTE = 17 * 60;
const MINUTE_MS = 60_000;
/** A callback is not done within this time of its request. */
const MIN_DELAY_MS = 5 * MINUTE_MS;

export interface CallbackCompletion {
  readonly completedAt: number | null;
  readonly outcome: 'REACHED' | 'NOT_REACHED' | null;
}

const NEVER: CallbackCompletion = Object.freeze({ completedAt: null, outcome: null });

export interface CallbackShares {
  readonly callbackOnTimeShare: number;
  readonly callbackLateShare: number;
}

/** An instant during office hours on a local date. */
function officeMoment(random: Random, date: string): number {
  const minute = random.int(OFFICE_START_MINUTE, OFFICE_END_MINUTE - 1);
  return epochOfLocal(date, minute) + random.int(0, MINUTE_MS - 1);
}

/**
 * Decides when a callback requested at `requestedAt` is done. Completions at or after `untilMs`
 * (the end of the run) are not part of the run: the callback stays open.
 */
export function scheduleCallback(
  random: Random,
  requestedAt: number,
  calendar: WorkCalendar,
  shares: CallbackShares,
  untilMs: number,
): CallbackCompletion {
  const u = random.float();
  let completedAt: number;
  const requestDate = localDateOf(requestedAt);
  if (u < shares.callbackOnTimeShare) {
    // On time: the request day itself (when it is a werkdag with office time left), or the 1st or 2nd
    // werkdag after it; all of them end before the due moment (the end of the 2nd werkdag).
    const choice = random.float();
    const { minuteOfDay } = localPartsOf(requestedAt);
    const sameDayPossible = calendar.isWerkdag(requestDate) && minuteOfDay < OFFICE_END_MINUTE - 15;
    if (choice < 0.3 && sameDayPossible) {
      const earliest = Math.max(requestedAt + MIN_DELAY_MS, epochOfLocal(requestDate, OFFICE_START_MINUTE));
      const latest = epochOfLocal(requestDate, OFFICE_END_MINUTE);
      completedAt = random.int(earliest, Math.max(earliest, latest - 1));
    } else {
      completedAt = officeMoment(random, calendar.addWerkdagen(requestDate, choice < 0.75 ? 1 : 2));
    }
  } else if (u < shares.callbackOnTimeShare + shares.callbackLateShare) {
    // Late: a few exactly at the due moment (which is late: on time means before it), the rest on
    // the 3rd to 6th werkdag.
    completedAt = random.chance(0.03)
      ? callbackDueAt(requestedAt, calendar)
      : officeMoment(random, calendar.addWerkdagen(requestDate, random.int(3, 6)));
  } else {
    return NEVER;
  }
  if (completedAt >= untilMs) return NEVER;
  return { completedAt, outcome: random.chance(0.85) ? 'REACHED' : 'NOT_REACHED' };
}
