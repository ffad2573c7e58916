// The Cao Gemeenten holidays, pinned against hand-worked dates (Easter from the Gregorian computus,
// then Easter + 1, + 39 and + 50 days; Koningsdag moved to Saturday when 27 April is a Sunday), so an
// update of date-holidays that changes any of them fails here first.
import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';

import { caoHolidayName, caoHolidays, isCaoHoliday } from '../../../src/domain/holidays.ts';

describe('caoHolidays', () => {
  it('2026: exactly the 8 Cao holidays, in date order, with their Dutch names', () => {
    expect([...caoHolidays(2026)]).toEqual([
      ['2026-01-01', 'Nieuwjaarsdag'],
      ['2026-04-06', 'Tweede Paasdag'],
      ['2026-04-27', 'Koningsdag'],
      ['2026-05-05', 'Bevrijdingsdag'],
      ['2026-05-14', 'Hemelvaartsdag'],
      ['2026-05-25', 'Tweede Pinksterdag'],
      ['2026-12-25', 'Eerste Kerstdag'],
      ['2026-12-26', 'Tweede Kerstdag'],
    ]);
  });

  it('2025: Koningsdag on Saturday 26 April because the 27th is a Sunday', () => {
    expect([...caoHolidays(2025)]).toEqual([
      ['2025-01-01', 'Nieuwjaarsdag'],
      ['2025-04-21', 'Tweede Paasdag'],
      ['2025-04-26', 'Koningsdag'],
      ['2025-05-05', 'Bevrijdingsdag'],
      ['2025-05-29', 'Hemelvaartsdag'],
      ['2025-06-09', 'Tweede Pinksterdag'],
      ['2025-12-25', 'Eerste Kerstdag'],
      ['2025-12-26', 'Tweede Kerstdag'],
    ]);
  });

  // year: [Tweede Paasdag, Koningsdag, Hemelvaartsdag, Tweede Pinksterdag], worked out by hand.
  const movable: Record<number, readonly [string, string, string, string]> = {
    2024: ['2024-04-01', '2024-04-27', '2024-05-09', '2024-05-20'], // Easter 31 March
    2025: ['2025-04-21', '2025-04-26', '2025-05-29', '2025-06-09'], // Easter 20 April; 27 April a Sunday
    2026: ['2026-04-06', '2026-04-27', '2026-05-14', '2026-05-25'], // Easter 5 April
    2027: ['2027-03-29', '2027-04-27', '2027-05-06', '2027-05-17'], // Easter 28 March
    2028: ['2028-04-17', '2028-04-27', '2028-05-25', '2028-06-05'], // Easter 16 April
    2029: ['2029-04-02', '2029-04-27', '2029-05-10', '2029-05-21'], // Easter 1 April
    2030: ['2030-04-22', '2030-04-27', '2030-05-30', '2030-06-10'], // Easter 21 April
    2031: ['2031-04-14', '2031-04-26', '2031-05-22', '2031-06-02'], // Easter 13 April; 27 April a Sunday
  };
  for (const [year, [paas, koning, hemelvaart, pinkster]] of Object.entries(movable)) {
    it(`${year}: the movable feasts`, () => {
      const holidays = caoHolidays(Number(year));
      expect(holidays.get(paas)).toBe('Tweede Paasdag');
      expect(holidays.get(koning)).toBe('Koningsdag');
      expect(holidays.get(hemelvaart)).toBe('Hemelvaartsdag');
      expect(holidays.get(pinkster)).toBe('Tweede Pinksterdag');
      expect(holidays.size).toBe(8);
    });
  }

  it('Bevrijdingsdag is a holiday every year, not only in lustrum years', () => {
    for (const year of [2024, 2025, 2026, 2027, 2028, 2029, 2030]) {
      expect(caoHolidays(year).get(`${year}-05-05`)).toBe('Bevrijdingsdag');
    }
  });

  it('before 2014 the day is Koninginnedag, 30 April (Saturday 29th when the 30th is a Sunday)', () => {
    expect(caoHolidays(2013).get('2013-04-30')).toBe('Koningsdag');
    expect(caoHolidays(2006).get('2006-04-29')).toBe('Koningsdag');
  });

  it('is computed once per year', () => {
    expect(caoHolidays(2026)).toBe(caoHolidays(2026));
  });

  it('rejects years it cannot answer for', () => {
    expect(() => caoHolidays(1969)).toThrow(/1970 to 9999/);
    expect(() => caoHolidays(2026.5)).toThrow(RangeError);
  });
});

describe('isCaoHoliday / caoHolidayName', () => {
  it('the 8 holidays are holidays', () => {
    expect(isCaoHoliday('2026-01-01')).toBe(true);
    expect(isCaoHoliday('2026-05-05')).toBe(true);
    expect(isCaoHoliday('2026-12-26')).toBe(true);
    expect(caoHolidayName('2026-05-14')).toBe('Hemelvaartsdag');
  });

  it('days date-holidays lists but the Cao does not are no holidays', () => {
    expect(isCaoHoliday('2026-04-03')).toBe(false); // Goede Vrijdag: a closing day only where configured
    expect(isCaoHoliday('2026-04-05')).toBe(false); // Eerste Paasdag, always a Sunday
    expect(isCaoHoliday('2026-05-24')).toBe(false); // Eerste Pinksterdag, always a Sunday
    expect(isCaoHoliday('2026-05-04')).toBe(false); // Nationale Dodenherdenking
    expect(isCaoHoliday('2026-05-15')).toBe(false); // Friday after Hemelvaart: a closing day only where configured
    expect(isCaoHoliday('2026-12-31')).toBe(false); // Oudejaarsdag
    expect(isCaoHoliday('2026-12-15')).toBe(false); // Koninkrijksdag
    expect(caoHolidayName('2026-06-01')).toBeUndefined();
  });

  it('rejects an invalid date', () => {
    expect(() => isCaoHoliday('2026-02-30')).toThrow(/invalid date "2026-02-30"/);
    expect(() => isCaoHoliday('26-01-01')).toThrow(RangeError);
  });
});

describe('date-holidays NL behaviour that holidays.ts corrects', () => {
  // If one of these changes after an update, the correction in holidays.ts may no longer be needed,
  // or may need rethinking; the Cao dates above are what must not change.
  const library = new Holidays('NL', { languages: ['nl'] });
  const typeOf = (date: string): string | undefined =>
    library.getHolidays(Number(date.slice(0, 4)), 'nl').find((h) => h.date.startsWith(date))?.type;

  it('types Bevrijdingsdag "school", also in lustrum years, so holidays.ts adds it itself', () => {
    expect(typeOf('2025-05-05')).toBe('school');
    expect(typeOf('2026-05-05')).toBe('school');
  });

  it('lists Goede Vrijdag and the Sunday feasts, which holidays.ts leaves out', () => {
    expect(typeOf('2026-04-03')).toBe('school');
    expect(typeOf('2026-04-05')).toBe('public');
    expect(typeOf('2026-05-24')).toBe('public');
  });
});
