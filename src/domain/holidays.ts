/**
 * The 8 holidays of the Cao Gemeenten, the days no gemeente counts as a werkdag: Nieuwjaarsdag,
 * Tweede Paasdag, Koningsdag, Bevrijdingsdag (5 May, every year), Hemelvaartsdag, Tweede Pinksterdag,
 * Eerste en Tweede Kerstdag.
 *
 * In: a year, or a local date 'YYYY-MM-DD'. Out: the year's holidays as date -> Dutch name, or a yes/no.
 *
 * The movable feasts (Easter-based, and Koningsdag with its Sunday rule and its dependence on the
 * monarch) come from the maintained `date-holidays` library (country NL); the fixed dates are written
 * here, because the library's list is not the Cao's list:
 * - it types Bevrijdingsdag 'school' (a day off only in some sectors, or only in lustrum years), but
 *   the Cao Gemeenten gives it every year, so it is added here for every year;
 * - it also lists days that are no Cao holiday (Goede Vrijdag as 'school', Moederdag, Prinsjesdag,
 *   Oudejaarsavond ...) and Eerste Paas- en Pinksterdag, which are always Sundays; none are taken.
 * Only the entries named below are picked, so a library update cannot silently add or drop a holiday:
 * a missing one throws, and test/unit/domain/holidays.test.ts pins the dates of several years.
 */

import Holidays, { type HolidaysTypes } from 'date-holidays';

import { isLocalDate, type LocalDate } from './amsterdam-time.ts';

/** The first and last year this module answers for (Koningsdag/Koninginnedag rules checked from 1970). */
const FIRST_YEAR = 1970;
const LAST_YEAR = 9999;

/** Cao holidays on the same date every year, as 'MM-DD'. */
const FIXED_HOLIDAYS: readonly { readonly monthDay: string; readonly name: string }[] = [
  { monthDay: '01-01', name: 'Nieuwjaarsdag' },
  { monthDay: '05-05', name: 'Bevrijdingsdag' },
  { monthDay: '12-25', name: 'Eerste Kerstdag' },
  { monthDay: '12-26', name: 'Tweede Kerstdag' },
];

/** Cao holidays whose date the library computes, and how to recognise each in its NL list. */
const LIBRARY_HOLIDAYS: readonly {
  readonly name: string;
  readonly matches: (holiday: HolidaysTypes.Holiday) => boolean;
}[] = [
  { name: 'Tweede Paasdag', matches: (h) => h.rule === 'easter 1' },
  // By name, not by rule: the rule (27 April, Saturday when that is a Sunday; 30 April before 2014)
  // follows the monarch's birthday and will change with the next one, the name much less likely.
  { name: 'Koningsdag', matches: (h) => h.name === 'Koningsdag' || h.name === 'Koninginnedag' },
  { name: 'Hemelvaartsdag', matches: (h) => h.rule === 'easter 39' },
  { name: 'Tweede Pinksterdag', matches: (h) => h.rule === 'easter 50' },
];

let library: Holidays | undefined;
const holidaysByYear = new Map<number, ReadonlyMap<LocalDate, string>>();

function libraryHolidays(year: number): HolidaysTypes.Holiday[] {
  library ??= new Holidays('NL', { languages: ['nl'] });
  return library.getHolidays(year, 'nl');
}

function computeCaoHolidays(year: number): ReadonlyMap<LocalDate, string> {
  const yyyy = String(year).padStart(4, '0');
  const found: [LocalDate, string][] = FIXED_HOLIDAYS.map(({ monthDay, name }) => [
    `${yyyy}-${monthDay}`,
    name,
  ]);
  const fromLibrary = libraryHolidays(year);
  for (const { name, matches } of LIBRARY_HOLIDAYS) {
    const hits = fromLibrary.filter(matches);
    const hit = hits[0];
    if (hit === undefined || hits.length > 1) {
      throw new Error(
        `date-holidays (NL) gives ${hits.length} entries for ${name} in ${year}, expected 1: its data changed; ` +
          'check the update against test/unit/domain/holidays.test.ts',
      );
    }
    // The library writes local dates as 'YYYY-MM-DD 00:00:00'.
    const date = hit.date.slice(0, 10);
    if (!isLocalDate(date))
      throw new Error(`date-holidays (NL) gives an unreadable date for ${name}: ${hit.date}`);
    found.push([date, name]);
  }
  found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(found);
}

/**
 * The Cao Gemeenten holidays of a calendar year, as local date -> Dutch name, in date order.
 * Computed once per year.
 * @throws RangeError for a year outside 1970..9999.
 */
export function caoHolidays(year: number): ReadonlyMap<LocalDate, string> {
  let holidays = holidaysByYear.get(year);
  if (holidays === undefined) {
    if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
      throw new RangeError(`Cao holidays are known for the years ${FIRST_YEAR} to ${LAST_YEAR}, not ${year}`);
    }
    holidays = computeCaoHolidays(year);
    holidaysByYear.set(year, holidays);
  }
  return holidays;
}

/** The year of an already validated 'YYYY-MM-DD' date, without slicing a string per call. */
function yearOfValidDate(date: LocalDate): number {
  return (
    (date.charCodeAt(0) - 48) * 1000 +
    (date.charCodeAt(1) - 48) * 100 +
    (date.charCodeAt(2) - 48) * 10 +
    (date.charCodeAt(3) - 48)
  );
}

/** The Dutch name of the Cao holiday on a local date, or undefined when it is none. */
export function caoHolidayName(date: LocalDate): string | undefined {
  if (!isLocalDate(date)) {
    throw new RangeError(`invalid date "${date}": expected a real calendar date as YYYY-MM-DD`);
  }
  return caoHolidays(yearOfValidDate(date)).get(date);
}

/** True when a local date is one of the 8 Cao Gemeenten holidays. */
export function isCaoHoliday(date: LocalDate): boolean {
  return caoHolidayName(date) !== undefined;
}
