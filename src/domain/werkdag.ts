/**
 * A gemeente's working-day calendar: which local dates are werkdagen, and counting werkdagen forward.
 *
 * In: the gemeente's own closing days ('YYYY-MM-DD': local holidays, the Friday after Hemelvaart,
 * Goede Vrijdag where it is closed), then local dates. Out: yes/no answers and local dates.
 *
 * A werkdag is Monday to Friday, no Cao Gemeenten holiday (./holidays.ts) and no closing day of the
 * gemeente. Closed days (holiday or closing day, on any weekday) also close queues (./opening-hours.ts).
 */

import {
  addDays,
  dateOfDayNumber,
  dayNumberOf,
  isLocalDate,
  isoWeekdayOfDayNumber,
} from './amsterdam-time.ts';
import type { LocalDate } from './amsterdam-time.ts';
import { isCaoHoliday } from './holidays.ts';

/** The working days of one gemeente; its answers never change. Build one per gemeente from its configuration. */
export class WorkCalendar {
  /** The gemeente's own closing days, on top of the Cao holidays. */
  readonly closingDays: ReadonlySet<LocalDate>;

  // isQueueOpen asks about the same date for every leg of a day, so one remembered answer saves the
  // holiday lookup on the hot path.
  #lastClosedDate = '';
  #lastClosed = false;

  /**
   * @param closingDays the gemeente's closing days as 'YYYY-MM-DD'; Cao holidays need not be listed.
   * @throws RangeError naming the first closing day that is not a real date in that format.
   */
  constructor(closingDays: Iterable<LocalDate> = []) {
    const days = new Set<LocalDate>();
    for (const day of closingDays) {
      if (!isLocalDate(day)) {
        throw new RangeError(`closing day "${day}" is not a real calendar date written as YYYY-MM-DD`);
      }
      days.add(day);
    }
    this.closingDays = days;
  }

  /** True when a local date is a Cao holiday or a closing day of this gemeente, whatever its weekday. */
  isClosedDay(date: LocalDate): boolean {
    if (date === this.#lastClosedDate) return this.#lastClosed;
    const closed = isCaoHoliday(date) || this.closingDays.has(date);
    this.#lastClosedDate = date;
    this.#lastClosed = closed;
    return closed;
  }

  /** True when a local date is a werkdag: Monday to Friday, no Cao holiday, no closing day. */
  isWerkdag(date: LocalDate): boolean {
    return isoWeekdayOfDayNumber(dayNumberOf(date)) <= 5 && !this.isClosedDay(date);
  }

  /**
   * The `n`-th werkdag after a local date; the date itself is not counted and need not be a werkdag.
   * `n` = 0 returns the date unchanged.
   * @throws RangeError when `n` is not a non-negative integer.
   */
  addWerkdagen(date: LocalDate, n: number): LocalDate {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`werkdagen to add must be an integer >= 0, got ${n}`);
    if (n === 0) return addDays(date, 0); // validates the date too
    let dayNumber = dayNumberOf(date);
    let remaining = n;
    // Terminates: at most 8 holidays a year plus a finite set of closing days can be skipped.
    while (remaining > 0) {
      dayNumber += 1;
      if (isoWeekdayOfDayNumber(dayNumber) <= 5 && !this.isClosedDay(dateOfDayNumber(dayNumber)))
        remaining -= 1;
    }
    return dateOfDayNumber(dayNumber);
  }
}
