/**
 * Europe/Amsterdam local time for the domain: which local date, ISO weekday and wall-clock minute an
 * instant falls on, and which instant a local date and minute stand for.
 *
 * In: instants as epoch milliseconds (UTC) and local dates as 'YYYY-MM-DD' strings.
 * Out: the same, plus ISO weekdays (1 = Monday .. 7 = Sunday) and ISO weeks. No clock is read here.
 *
 * Why it is built this way: these functions run per event (millions of them), and
 * Intl.DateTimeFormat#formatToParts costs microseconds and allocates. The zone's UTC offset only
 * changes at whole UTC hours (every Europe/Amsterdam transition since 1946 falls on 01:00 UTC), so
 * Intl is asked once per UTC hour and the offset is cached; everything else is integer arithmetic on
 * the "day number" (days since 1970-01-01), with the date string cached per day. Intl keeps the
 * time-zone rules themselves in the hands of the maintained tz database, should they ever change.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Minutes in a wall-clock day; `minuteOfDay` 1440 (24:00) means 00:00 of the next day. */
const MINUTES_PER_DAY = 1440;
/** Caches are cleared when they reach this size, so a replay across centuries cannot grow them forever. */
const MAX_CACHE_ENTRIES = 50_000;

/** A local date, 'YYYY-MM-DD' in Europe/Amsterdam. */
export type LocalDate = string;

/** Where an instant falls in Europe/Amsterdam. */
export interface LocalParts {
  /** The local date, 'YYYY-MM-DD'. */
  readonly date: LocalDate;
  /** 1 = Monday .. 7 = Sunday. */
  readonly isoWeekday: number;
  /**
   * Wall-clock minutes since local midnight, 0..1439. On the autumn DST day the hour 02:00-03:00 is
   * lived twice and both get the same minutes; on the spring day minutes 120..179 never occur.
   */
  readonly minuteOfDay: number;
}

/** An ISO-8601 week: the week-numbering year (which can differ from the calendar year) and week 1..53. */
export interface IsoWeek {
  readonly isoYear: number;
  readonly isoWeek: number;
}

const offsetFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const offsetByUtcHour = new Map<number, number>();
// Events mostly arrive in time order, so the last hour answers nearly every call without a Map lookup.
let lastUtcHour = Number.NaN;
let lastOffsetMs = 0;

/** Asks Intl for the offset at an instant on a whole second: local wall clock minus UTC. */
function offsetFromIntl(epochMs: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of offsetFormat.formatToParts(epochMs)) {
    const value = Number(part.value);
    switch (part.type) {
      case 'year':
        year = value;
        break;
      case 'month':
        month = value;
        break;
      case 'day':
        day = value;
        break;
      case 'hour':
        hour = value;
        break;
      case 'minute':
        minute = value;
        break;
      case 'second':
        second = value;
        break;
      default:
        break;
    }
  }
  const wall = daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000;
  return wall - epochMs;
}

/**
 * The UTC offset of Europe/Amsterdam in force at an instant, in ms (3 600 000 in winter, 7 200 000 in
 * summer). Cached per UTC hour.
 */
export function utcOffsetMsAt(epochMs: number): number {
  const utcHour = Math.floor(epochMs / HOUR_MS);
  if (utcHour === lastUtcHour) return lastOffsetMs;
  let offset = offsetByUtcHour.get(utcHour);
  if (offset === undefined) {
    if (!Number.isFinite(epochMs)) throw new RangeError(`not a finite instant: ${epochMs}`);
    offset = offsetFromIntl(utcHour * HOUR_MS);
    if (offsetByUtcHour.size >= MAX_CACHE_ENTRIES) offsetByUtcHour.clear();
    offsetByUtcHour.set(utcHour, offset);
  }
  lastUtcHour = utcHour;
  lastOffsetMs = offset;
  return offset;
}

// Day number <-> civil date: Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian),
// exact integer arithmetic for any year, no Date objects.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function yearOfDayNumber(dayNumber: number): number {
  return civilFromDays(dayNumber, 0);
}

/** Returns the year, month or day (which = 0, 1, 2) of a day number, without allocating a tuple. */
function civilFromDays(dayNumber: number, which: 0 | 1 | 2): number {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  if (which === 2) return day;
  if (which === 1) return month;
  return yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Reads `length` ASCII digits at `from`, or -1 if any of them is not a digit. */
function readDigits(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Parses a 'YYYY-MM-DD' date into its day number, or returns NaN when it is no valid date. */
function tryDayNumberOf(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return Number.NaN;
  const year = readDigits(date, 0, 4);
  const month = readDigits(date, 5, 2);
  const day = readDigits(date, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  return daysFromCivil(year, month, day);
}

/** True when `value` is a real calendar date written 'YYYY-MM-DD' (so '2026-02-29' is not). */
export function isLocalDate(value: string): boolean {
  return !Number.isNaN(tryDayNumberOf(value));
}

/**
 * Days since 1970-01-01 of a 'YYYY-MM-DD' date: the domain's cheap, allocation-free date arithmetic.
 * @throws RangeError when `date` is not a real date in that format.
 */
export function dayNumberOf(date: LocalDate): number {
  const dayNumber = tryDayNumberOf(date);
  if (Number.isNaN(dayNumber)) {
    throw new RangeError(`invalid date "${date}": expected a real calendar date as YYYY-MM-DD`);
  }
  return dayNumber;
}

const dateByDayNumber = new Map<number, string>();
let lastDayNumber = Number.NaN;
let lastDate = '';

/** The 'YYYY-MM-DD' string of a day number; cached so the hot path does not build a string per event. */
export function dateOfDayNumber(dayNumber: number): LocalDate {
  if (dayNumber === lastDayNumber) return lastDate;
  let date = dateByDayNumber.get(dayNumber);
  if (date === undefined) {
    const year = civilFromDays(dayNumber, 0);
    if (year < 0 || year > 9999) throw new RangeError(`year ${year} cannot be written as YYYY-MM-DD`);
    const month = civilFromDays(dayNumber, 1);
    const day = civilFromDays(dayNumber, 2);
    date = `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
    if (dateByDayNumber.size >= MAX_CACHE_ENTRIES) dateByDayNumber.clear();
    dateByDayNumber.set(dayNumber, date);
  }
  lastDayNumber = dayNumber;
  lastDate = date;
  return date;
}

/** ISO weekday (1 = Monday .. 7 = Sunday) of a day number; day 0, 1970-01-01, was a Thursday. */
export function isoWeekdayOfDayNumber(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** The local wall-clock time of an instant, written as if it were a UTC epoch (instant + offset). */
function wallClockMs(epochMs: number): number {
  return epochMs + utcOffsetMsAt(epochMs);
}

/** The Europe/Amsterdam date ('YYYY-MM-DD') an instant falls on. */
export function localDateOf(epochMs: number): LocalDate {
  return dateOfDayNumber(Math.floor(wallClockMs(epochMs) / DAY_MS));
}

/** The local date, ISO weekday and wall-clock minute of an instant in Europe/Amsterdam. */
export function localPartsOf(epochMs: number): LocalParts {
  const wall = wallClockMs(epochMs);
  const dayNumber = Math.floor(wall / DAY_MS);
  return {
    date: dateOfDayNumber(dayNumber),
    isoWeekday: isoWeekdayOfDayNumber(dayNumber),
    minuteOfDay: Math.floor((wall - dayNumber * DAY_MS) / MINUTE_MS),
  };
}

/**
 * The instant at which the Europe/Amsterdam wall clock shows `minuteOfDay` on `date`.
 * `minuteOfDay` 1440 is 24:00, the start of the next day (the end of `date`).
 *
 * Wall times that do not map to exactly one instant follow the `compatible` choice of the
 * TC39 Temporal proposal (and of java.time):
 * - in the spring gap (02:00-03:00 on the last Sunday of March) the time is read with the winter
 *   offset, so it lands just as far past the gap: 02:30 becomes 03:30 CEST (01:30 UTC);
 * - in the autumn overlap (02:00-03:00 on the last Sunday of October, lived twice) the earlier
 *   instant wins: 02:30 becomes 02:30 CEST (00:30 UTC), not 02:30 CET.
 * Midnight, and so every start and end of a day, is never in a gap or overlap in this zone.
 * @throws RangeError for an invalid date or a minute outside 0..1440.
 */
export function epochOfLocal(date: LocalDate, minuteOfDay: number): number {
  if (!Number.isInteger(minuteOfDay) || minuteOfDay < 0 || minuteOfDay > MINUTES_PER_DAY) {
    throw new RangeError(`minute of day must be an integer from 0 to 1440 (24:00), got ${minuteOfDay}`);
  }
  const wall = dayNumberOf(date) * DAY_MS + minuteOfDay * MINUTE_MS;
  // The offsets a day either side of this wall time are the ones before and after any transition
  // near it (transitions are months apart); usually they agree and the answer is immediate.
  const offsetBefore = utcOffsetMsAt(wall - DAY_MS);
  const offsetAfter = utcOffsetMsAt(wall + DAY_MS);
  const withBefore = wall - offsetBefore;
  if (offsetBefore === offsetAfter) return withBefore;
  const withAfter = wall - offsetAfter;
  const beforeFits = utcOffsetMsAt(withBefore) === offsetBefore;
  const afterFits = utcOffsetMsAt(withAfter) === offsetAfter;
  if (beforeFits && afterFits) return Math.min(withBefore, withAfter); // overlap: the earlier instant
  if (afterFits) return withAfter;
  return withBefore; // fits, or the gap: read with the offset in force before it
}

/** The instant local `date` starts (00:00 Europe/Amsterdam). */
export function startOfLocalDay(date: LocalDate): number {
  return epochOfLocal(date, 0);
}

/** The instant local `date` ends (24:00 Europe/Amsterdam, the start of the next day); exclusive. */
export function endOfLocalDay(date: LocalDate): number {
  return epochOfLocal(date, MINUTES_PER_DAY);
}

/** The local date `days` days after `date` (before it when negative). */
export function addDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  return dateOfDayNumber(dayNumberOf(date) + days);
}

/** ISO weekday of a local date: 1 = Monday .. 7 = Sunday. */
export function isoWeekdayOf(date: LocalDate): number {
  return isoWeekdayOfDayNumber(dayNumberOf(date));
}

/**
 * The ISO-8601 week of a local date. Week 1 is the week with the year's first Thursday, so the
 * first days of January can belong to the previous ISO year and the last days of December to the next.
 */
export function isoWeekOf(date: LocalDate): IsoWeek {
  const dayNumber = dayNumberOf(date);
  // A week belongs to the ISO year its Thursday is in.
  const thursday = dayNumber - isoWeekdayOfDayNumber(dayNumber) + 4;
  const isoYear = yearOfDayNumber(thursday);
  const isoWeek = Math.floor((thursday - daysFromCivil(isoYear, 1, 1)) / 7) + 1;
  return { isoYear, isoWeek };
}

/** The ISO week of a local date as a label, e.g. '2026-W01'. */
export function isoWeekLabel(date: LocalDate): string {
  const { isoYear, isoWeek } = isoWeekOf(date);
  return `${isoYear}-W${isoWeek < 10 ? '0' : ''}${isoWeek}`;
}
