// Werkdagen: Monday to Friday, minus the Cao holidays, minus the gemeente's own closing days.
// Expected dates are worked out by hand from a 2026 calendar.
import { describe, expect, it } from 'vitest';

import { WorkCalendar } from '../../../src/domain/werkdag.ts';

const plain = new WorkCalendar();
// A gemeente closed on Goede Vrijdag and the Friday after Hemelvaart 2026.
const closing = new WorkCalendar(['2026-04-03', '2026-05-15']);

describe('isWerkdag', () => {
  it('Monday to Friday are werkdagen, the weekend is not', () => {
    expect(plain.isWerkdag('2026-03-09')).toBe(true); // Monday
    expect(plain.isWerkdag('2026-03-13')).toBe(true); // Friday
    expect(plain.isWerkdag('2026-03-14')).toBe(false); // Saturday
    expect(plain.isWerkdag('2026-03-15')).toBe(false); // Sunday
  });

  it('a Cao holiday on a weekday is no werkdag', () => {
    expect(plain.isWerkdag('2026-04-27')).toBe(false); // Koningsdag, Monday
    expect(plain.isWerkdag('2026-05-05')).toBe(false); // Bevrijdingsdag, Tuesday (not a lustrum year)
    expect(plain.isWerkdag('2026-05-14')).toBe(false); // Hemelvaartsdag, Thursday
    expect(plain.isWerkdag('2026-01-01')).toBe(false); // Nieuwjaarsdag, Thursday
  });

  it('Goede Vrijdag and the Friday after Hemelvaart are werkdagen unless the gemeente closes', () => {
    expect(plain.isWerkdag('2026-04-03')).toBe(true);
    expect(plain.isWerkdag('2026-05-15')).toBe(true);
    expect(closing.isWerkdag('2026-04-03')).toBe(false);
    expect(closing.isWerkdag('2026-05-15')).toBe(false);
    expect(closing.isWerkdag('2026-05-18')).toBe(true);
  });

  it('rejects an invalid date', () => {
    expect(() => plain.isWerkdag('2026-02-29')).toThrow(/invalid date "2026-02-29"/);
  });
});

describe('isClosedDay', () => {
  it('is true for holidays and closing days on any weekday, false for an ordinary weekend day', () => {
    expect(plain.isClosedDay('2025-04-26')).toBe(true); // Koningsdag on a Saturday
    expect(plain.isClosedDay('2026-12-26')).toBe(true); // Tweede Kerstdag, Saturday
    expect(plain.isClosedDay('2026-03-14')).toBe(false); // ordinary Saturday
    expect(plain.isClosedDay('2026-05-15')).toBe(false);
    expect(closing.isClosedDay('2026-05-15')).toBe(true);
    // Asking twice in a row (the remembered answer) gives the same.
    expect(closing.isClosedDay('2026-05-15')).toBe(true);
    expect(closing.isClosedDay('2026-05-18')).toBe(false);
    expect(closing.isClosedDay('2026-05-18')).toBe(false);
  });
});

describe('addWerkdagen', () => {
  it('counts werkdagen after the date, not the date itself', () => {
    expect(plain.addWerkdagen('2026-03-09', 1)).toBe('2026-03-10'); // Mon -> Tue
    expect(plain.addWerkdagen('2026-03-09', 2)).toBe('2026-03-11'); // Mon -> Wed
    expect(plain.addWerkdagen('2026-03-09', 5)).toBe('2026-03-16'); // Mon -> next Mon
    expect(plain.addWerkdagen('2026-03-13', 1)).toBe('2026-03-16'); // Fri -> Mon
    expect(plain.addWerkdagen('2026-03-14', 2)).toBe('2026-03-17'); // Sat -> Tue
  });

  it('0 returns the date itself, werkdag or not', () => {
    expect(plain.addWerkdagen('2026-03-09', 0)).toBe('2026-03-09');
    expect(plain.addWerkdagen('2026-03-14', 0)).toBe('2026-03-14');
  });

  it('skips holidays and closing days, over the year end too', () => {
    // Thu 30 April 2026: Fri 1 May (1), Mon 4 (2), Tue 5 Bevrijdingsdag, Wed 6 (3), Thu 7 (4), Fri 8 (5),
    // Mon 11 (6), Tue 12 (7), Wed 13 (8), Thu 14 Hemelvaart, Fri 15 (9), Mon 18 (10).
    expect(plain.addWerkdagen('2026-04-30', 10)).toBe('2026-05-18');
    // ... and with Fri 15 May closed: Mon 18 (9), Tue 19 (10).
    expect(closing.addWerkdagen('2026-04-30', 10)).toBe('2026-05-19');
    // Wed 23 Dec 2026: Thu 24 (1), Fri 25 / Sat 26 Kerst, Sun 27, Mon 28 (2).
    expect(plain.addWerkdagen('2026-12-23', 2)).toBe('2026-12-28');
    // Wed 30 Dec 2026: Thu 31 (1), Fri 1 Jan 2027 Nieuwjaarsdag, Mon 4 Jan (2).
    expect(plain.addWerkdagen('2026-12-30', 2)).toBe('2027-01-04');
  });

  it('rejects a negative or fractional count and an invalid date', () => {
    expect(() => plain.addWerkdagen('2026-03-09', -1)).toThrow(/integer >= 0/);
    expect(() => plain.addWerkdagen('2026-03-09', 1.5)).toThrow(/integer >= 0/);
    expect(() => plain.addWerkdagen('2026-3-9', 2)).toThrow(RangeError);
    expect(() => plain.addWerkdagen('2026-3-9', 0)).toThrow(RangeError);
  });
});

describe('WorkCalendar construction', () => {
  it('keeps the closing days', () => {
    expect([...closing.closingDays]).toEqual(['2026-04-03', '2026-05-15']);
    expect(plain.closingDays.size).toBe(0);
  });

  it('names the closing day that is not a valid date', () => {
    expect(() => new WorkCalendar(['2026-05-15', '2026-15-05'])).toThrow(
      'closing day "2026-15-05" is not a real calendar date written as YYYY-MM-DD',
    );
  });
});
