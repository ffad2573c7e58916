/**
 * Queue opening hours: when a queue takes calls. A leg that enters a closed queue is out_of_hours and
 * not offered, so this decides the denominator of reachability.
 *
 * In: a queue's weekly wall-clock intervals (Europe/Amsterdam), whether it stays open on holidays and
 * closing days, the gemeente's WorkCalendar and an instant (epoch ms, UTC). Out: open or not; and the
 * parser for the 'HH:MM-HH:MM' interval notation of the configuration.
 *
 * Hours are wall-clock: on the spring DST day 02:00-03:00 does not exist, so no leg enters then; on
 * the autumn day it is lived twice and the queue is open (or closed) both times.
 */

import { localPartsOf } from './amsterdam-time.ts';
import type { WorkCalendar } from './werkdag.ts';

/** Minutes from local midnight, [start, end): open at `startMinute`, closed again at `endMinute`. */
export interface OpenInterval {
  /** 0..1439 */
  readonly startMinute: number;
  /** startMinute+1..1440; 1440 is 24:00, the end of the day. */
  readonly endMinute: number;
}

/** Index 1..7 = ISO weekday Monday..Sunday; index 0 unused. A missing or empty day is closed. */
export type WeeklyHours = readonly (readonly OpenInterval[])[];

/** When a queue is open. */
export interface QueueSchedule {
  readonly weekly: WeeklyHours;
  /**
   * Stay open on Cao holidays and the gemeente's closing days (a 24/7 line).
   * @default false
   */
  readonly openOnClosingDays: boolean;
}

const ALL_DAY: readonly OpenInterval[] = Object.freeze([Object.freeze({ startMinute: 0, endMinute: 1440 })]);

/** A queue open every minute of every day, holidays included. */
export const ALWAYS_OPEN: QueueSchedule = Object.freeze({
  weekly: Object.freeze([[], ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY, ALL_DAY]),
  openOnClosingDays: true,
});

const INTERVAL_PATTERN = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/**
 * Parses an opening interval written 'HH:MM-HH:MM' (24-hour clock, local time), e.g. '08:30-17:00'.
 * '24:00' is allowed as the end only, meaning the end of the day. The end must be after the start:
 * an interval over midnight is written as two, one on each day.
 * @throws RangeError that says what is wrong with the text and what is expected.
 */
export function parseInterval(text: string): OpenInterval {
  const match = INTERVAL_PATTERN.exec(text.trim());
  if (match === null) {
    throw new RangeError(`opening interval "${text}" must be written HH:MM-HH:MM, e.g. 08:30-17:00`);
  }
  const [, startHour = '', startMin = '', endHour = '', endMin = ''] = match;
  const startMinute = clockMinute(text, startHour, startMin, false);
  const endMinute = clockMinute(text, endHour, endMin, true);
  if (endMinute <= startMinute) {
    throw new RangeError(
      `opening interval "${text}" ends before it starts; write an interval over midnight as two, ` +
        'e.g. 22:00-24:00 on one day and 00:00-02:00 on the next',
    );
  }
  return { startMinute, endMinute };
}

function clockMinute(text: string, hourText: string, minuteText: string, isEnd: boolean): number {
  const hour = Number(hourText);
  const minute = Number(minuteText);
  if (minute > 59) throw new RangeError(`opening interval "${text}": minutes must be 00 to 59`);
  if (hour === 24 && minute === 0 && isEnd) return 1440;
  if (hour > 23) {
    throw new RangeError(
      `opening interval "${text}": hours must be 00 to 23${isEnd ? ', or 24:00 for the end of the day' : ''}`,
    );
  }
  return hour * 60 + minute;
}

/** Writes an interval back as 'HH:MM-HH:MM', the inverse of parseInterval. */
export function formatInterval(interval: OpenInterval): string {
  return `${clock(interval.startMinute)}-${clock(interval.endMinute)}`;
}

function clock(minuteOfDay: number): string {
  const hour = Math.floor(minuteOfDay / 60);
  const minute = minuteOfDay % 60;
  return `${hour < 10 ? '0' : ''}${hour}:${minute < 10 ? '0' : ''}${minute}`;
}

/**
 * True when a queue is open at an instant: that local weekday's intervals include the local wall-clock
 * minute, and the local date is no Cao holiday or closing day of the gemeente (unless the queue is
 * configured to stay open on those). A holiday closes the queue on any weekday, Saturday included.
 */
export function isQueueOpen(schedule: QueueSchedule, calendar: WorkCalendar, epochMs: number): boolean {
  const { date, isoWeekday, minuteOfDay } = localPartsOf(epochMs);
  const intervals = schedule.weekly[isoWeekday];
  if (intervals === undefined) return false;
  let withinHours = false;
  for (const interval of intervals) {
    if (interval.startMinute <= minuteOfDay && minuteOfDay < interval.endMinute) {
      withinHours = true;
      break;
    }
  }
  if (!withinHours) return false;
  return schedule.openOnClosingDays || !calendar.isClosedDay(date);
}
