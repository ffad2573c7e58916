/**
 * The callback (terugbelverzoek) due rule: a callback is due at the end (24:00 Europe/Amsterdam) of the
 * 2nd werkdag after the local date of its request, and is on time when completed before that moment.
 *
 * In: the request instant (epoch ms, UTC) and the gemeente's WorkCalendar; for the on-time and
 * overdue checks also the completion instant or "now", always passed in.
 * Out: the due local date, the due instant (epoch ms), yes/no.
 *
 * Only the local date of the request matters, not its time nor its UTC date: Monday 23:30 and Monday
 * 08:00 are both due at the end of Wednesday, while Tuesday 00:30 local (still Monday in UTC) is due
 * at the end of Thursday.
 */

import { endOfLocalDay, localDateOf, type LocalDate } from './amsterdam-time.ts';
import type { WorkCalendar } from './werkdag.ts';

/** Werkdagen between the request date and the due date. */
export const CALLBACK_DUE_WERKDAGEN = 2;

/** The local date ('YYYY-MM-DD') a callback requested at `requestedAtMs` is due on, by its end. */
export function dueLocalDate(requestedAtMs: number, calendar: WorkCalendar): LocalDate {
  return calendar.addWerkdagen(localDateOf(requestedAtMs), CALLBACK_DUE_WERKDAGEN);
}

/**
 * The due moment of a callback requested at `requestedAtMs`: the instant the due date ends, i.e.
 * 00:00 Europe/Amsterdam of the day after it (the instant differs by an hour between winter and
 * summer time, and is that of the due date's offset, not the request's).
 */
export function callbackDueAt(requestedAtMs: number, calendar: WorkCalendar): number {
  return endOfLocalDay(dueLocalDate(requestedAtMs, calendar));
}

/**
 * True when a callback was completed on time: strictly before its due moment. The due moment is
 * 24:00 of the due date, the first instant of the next day, so "completed on or before the due date
 * (local)" and "before the due moment" are the same rule; completed exactly at it is late.
 */
export function isCompletedOnTime(completedAtMs: number, dueAtMs: number): boolean {
  return completedAtMs < dueAtMs;
}

/**
 * True when an open callback is overdue at `nowMs`: its due moment has come (the exact due instant
 * counts as overdue, since completing it then would no longer be on time).
 */
export function isCallbackOverdue(dueAtMs: number, nowMs: number): boolean {
  return nowMs >= dueAtMs;
}
