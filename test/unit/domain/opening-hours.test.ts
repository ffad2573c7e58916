// Queue opening hours: the interval parser, and isQueueOpen at its boundaries (start open, end
// closed), on DST days (wall-clock hours), on holidays and closing days, and for a 24/7 queue.
import { describe, expect, it } from 'vitest';

import {
  ALWAYS_OPEN,
  formatInterval,
  isQueueOpen,
  parseInterval,
  type OpenInterval,
  type QueueSchedule,
} from '../../../src/domain/opening-hours.ts';
import { WorkCalendar } from '../../../src/domain/werkdag.ts';

const utc = (iso: string): number => Date.parse(iso);
const plain = new WorkCalendar();

describe('parseInterval', () => {
  it('reads HH:MM-HH:MM as minutes from local midnight', () => {
    expect(parseInterval('08:30-17:00')).toEqual({ startMinute: 510, endMinute: 1020 });
    expect(parseInterval('00:00-24:00')).toEqual({ startMinute: 0, endMinute: 1440 });
    expect(parseInterval('23:59-24:00')).toEqual({ startMinute: 1439, endMinute: 1440 });
    expect(parseInterval(' 13:00-17:00 ')).toEqual({ startMinute: 780, endMinute: 1020 });
  });

  it('explains what is wrong', () => {
    expect(() => parseInterval('8:30-17:00')).toThrow('must be written HH:MM-HH:MM, e.g. 08:30-17:00');
    expect(() => parseInterval('08:30 - 17:00')).toThrow(/HH:MM-HH:MM/);
    expect(() => parseInterval('08:30')).toThrow(/HH:MM-HH:MM/);
    expect(() => parseInterval('')).toThrow(/HH:MM-HH:MM/);
    expect(() => parseInterval('08:60-17:00')).toThrow(/minutes must be 00 to 59/);
    expect(() => parseInterval('25:00-26:00')).toThrow(/hours must be 00 to 23/);
    expect(() => parseInterval('24:00-24:00')).toThrow(/hours must be 00 to 23/); // 24:00 only as the end
    expect(() => parseInterval('08:00-24:01')).toThrow(/or 24:00 for the end of the day/);
    expect(() => parseInterval('17:00-08:30')).toThrow(/ends before it starts/);
    expect(() => parseInterval('08:00-08:00')).toThrow(/ends before it starts/);
    expect(() => parseInterval('22:00-02:00')).toThrow(RangeError);
  });

  it('formatInterval writes it back', () => {
    expect(formatInterval({ startMinute: 510, endMinute: 1020 })).toBe('08:30-17:00');
    expect(formatInterval({ startMinute: 0, endMinute: 1440 })).toBe('00:00-24:00');
    expect(formatInterval({ startMinute: 5, endMinute: 605 })).toBe('00:05-10:05');
  });
});

const i = (startMinute: number, endMinute: number): OpenInterval => ({ startMinute, endMinute });

// A KCC: Monday to Thursday 08:30-17:00, Friday 08:30-12:00 and 13:00-17:00, Saturday 10:00-14:00.
const kcc: QueueSchedule = {
  weekly: [
    [],
    [i(510, 1020)],
    [i(510, 1020)],
    [i(510, 1020)],
    [i(510, 1020)],
    [i(510, 720), i(780, 1020)],
    [i(600, 840)],
    [],
  ],
  openOnClosingDays: false,
};

describe('isQueueOpen: boundaries', () => {
  it('open exactly at the start, closed exactly at the end (winter, CET = UTC+1)', () => {
    // Monday 9 March 2026.
    expect(isQueueOpen(kcc, plain, utc('2026-03-09T07:29:59.999Z'))).toBe(false); // 08:29:59.999
    expect(isQueueOpen(kcc, plain, utc('2026-03-09T07:30:00Z'))).toBe(true); // 08:30
    expect(isQueueOpen(kcc, plain, utc('2026-03-09T15:59:59.999Z'))).toBe(true); // 16:59:59.999
    expect(isQueueOpen(kcc, plain, utc('2026-03-09T16:00:00Z'))).toBe(false); // 17:00
  });

  it('the same wall-clock hours in summer (CEST = UTC+2)', () => {
    // Monday 6 July 2026.
    expect(isQueueOpen(kcc, plain, utc('2026-07-06T06:29:59.999Z'))).toBe(false);
    expect(isQueueOpen(kcc, plain, utc('2026-07-06T06:30:00Z'))).toBe(true);
    expect(isQueueOpen(kcc, plain, utc('2026-07-06T14:59:59.999Z'))).toBe(true);
    expect(isQueueOpen(kcc, plain, utc('2026-07-06T15:00:00Z'))).toBe(false);
  });

  it('several intervals a day: closed over lunch on Friday', () => {
    // Friday 13 March 2026.
    expect(isQueueOpen(kcc, plain, utc('2026-03-13T10:59:59.999Z'))).toBe(true); // 11:59:59.999
    expect(isQueueOpen(kcc, plain, utc('2026-03-13T11:00:00Z'))).toBe(false); // 12:00
    expect(isQueueOpen(kcc, plain, utc('2026-03-13T11:59:00Z'))).toBe(false); // 12:59
    expect(isQueueOpen(kcc, plain, utc('2026-03-13T12:00:00Z'))).toBe(true); // 13:00
  });

  it('a day without intervals is closed', () => {
    expect(isQueueOpen(kcc, plain, utc('2026-03-15T10:00:00Z'))).toBe(false); // Sunday 11:00
    const mondayOnly: QueueSchedule = { weekly: [[], [i(0, 1440)]], openOnClosingDays: false };
    expect(isQueueOpen(mondayOnly, plain, utc('2026-03-09T10:00:00Z'))).toBe(true);
    expect(isQueueOpen(mondayOnly, plain, utc('2026-03-10T10:00:00Z'))).toBe(false); // Tuesday: no entry
  });

  it('the local weekday counts, not the UTC one', () => {
    const weekdaysAllDay: QueueSchedule = {
      weekly: [[], [i(0, 1440)], [i(0, 1440)], [i(0, 1440)], [i(0, 1440)], [i(0, 1440)], [], []],
      openOnClosingDays: false,
    };
    expect(isQueueOpen(weekdaysAllDay, plain, utc('2026-03-08T23:00:00Z'))).toBe(true); // Mon 00:00, Sun in UTC
    expect(isQueueOpen(weekdaysAllDay, plain, utc('2026-03-08T22:59:59.999Z'))).toBe(false); // Sun 23:59
    expect(isQueueOpen(weekdaysAllDay, plain, utc('2026-03-13T22:59:59.999Z'))).toBe(true); // Fri 23:59
    expect(isQueueOpen(weekdaysAllDay, plain, utc('2026-03-13T23:00:00Z'))).toBe(false); // Sat 00:00
  });
});

describe('isQueueOpen: holidays and closing days', () => {
  it('a holiday on a weekday closes the queue', () => {
    // Koningsdag, Monday 27 April 2026, 10:00 CEST.
    expect(isQueueOpen(kcc, plain, utc('2026-04-27T08:00:00Z'))).toBe(false);
    // Bevrijdingsdag, Tuesday 5 May 2026 (not a lustrum year).
    expect(isQueueOpen(kcc, plain, utc('2026-05-05T08:00:00Z'))).toBe(false);
    expect(isQueueOpen(kcc, plain, utc('2026-04-28T08:00:00Z'))).toBe(true);
  });

  it('a holiday on a Saturday closes a queue open on Saturdays', () => {
    expect(isQueueOpen(kcc, plain, utc('2025-04-26T09:00:00Z'))).toBe(false); // Koningsdag 2025, 11:00
    expect(isQueueOpen(kcc, plain, utc('2025-04-19T09:00:00Z'))).toBe(true); // an ordinary Saturday
  });

  it('closing days are per gemeente', () => {
    const closedAfterHemelvaart = new WorkCalendar(['2026-05-15']);
    const fridayAfterHemelvaart = utc('2026-05-15T08:00:00Z'); // 10:00 CEST
    expect(isQueueOpen(kcc, closedAfterHemelvaart, fridayAfterHemelvaart)).toBe(false);
    expect(isQueueOpen(kcc, plain, fridayAfterHemelvaart)).toBe(true);
  });

  it('a queue configured to stay open on holidays and closing days does', () => {
    const openOnHolidays: QueueSchedule = { ...kcc, openOnClosingDays: true };
    expect(isQueueOpen(openOnHolidays, plain, utc('2026-04-27T08:00:00Z'))).toBe(true);
    expect(isQueueOpen(openOnHolidays, new WorkCalendar(['2026-05-15']), utc('2026-05-15T08:00:00Z'))).toBe(
      true,
    );
    // ... but still only within its hours.
    expect(isQueueOpen(openOnHolidays, plain, utc('2026-04-27T16:00:00Z'))).toBe(false); // 18:00 CEST
  });
});

describe('isQueueOpen: DST days (hours are wall-clock)', () => {
  // A night line on Sundays 01:00-04:00.
  const night: QueueSchedule = {
    weekly: [[], [], [], [], [], [], [], [i(60, 240)]],
    openOnClosingDays: false,
  };
  // A queue open only 02:00-03:00 on Sundays.
  const twoToThree: QueueSchedule = {
    weekly: [[], [], [], [], [], [], [], [i(120, 180)]],
    openOnClosingDays: false,
  };

  it('29 March 2026: 02:00-03:00 does not exist', () => {
    expect(isQueueOpen(night, plain, utc('2026-03-29T00:59:59.999Z'))).toBe(true); // 01:59 CET
    expect(isQueueOpen(night, plain, utc('2026-03-29T01:00:00Z'))).toBe(true); // 03:00 CEST
    expect(isQueueOpen(night, plain, utc('2026-03-29T01:59:59.999Z'))).toBe(true); // 03:59 CEST
    expect(isQueueOpen(night, plain, utc('2026-03-29T02:00:00Z'))).toBe(false); // 04:00 CEST
    // The queue open 02:00-03:00 is never open that night.
    expect(isQueueOpen(twoToThree, plain, utc('2026-03-29T00:59:59.999Z'))).toBe(false); // 01:59 CET
    expect(isQueueOpen(twoToThree, plain, utc('2026-03-29T01:00:00Z'))).toBe(false); // 03:00 CEST
  });

  it('25 October 2026: 02:00-03:00 happens twice and is open both times', () => {
    expect(isQueueOpen(twoToThree, plain, utc('2026-10-24T23:59:59.999Z'))).toBe(false); // 01:59 CEST
    expect(isQueueOpen(twoToThree, plain, utc('2026-10-25T00:30:00Z'))).toBe(true); // 02:30 CEST
    expect(isQueueOpen(twoToThree, plain, utc('2026-10-25T01:30:00Z'))).toBe(true); // 02:30 CET
    expect(isQueueOpen(twoToThree, plain, utc('2026-10-25T02:00:00Z'))).toBe(false); // 03:00 CET
    expect(isQueueOpen(night, plain, utc('2026-10-25T02:59:59.999Z'))).toBe(true); // 03:59 CET
    expect(isQueueOpen(night, plain, utc('2026-10-25T03:00:00Z'))).toBe(false); // 04:00 CET
  });
});

describe('ALWAYS_OPEN (24/7)', () => {
  it('is open at any moment, holidays and DST nights included', () => {
    const closedGemeente = new WorkCalendar(['2026-05-15']);
    for (const iso of [
      '2026-12-25T11:00:00Z', // Eerste Kerstdag
      '2026-01-01T00:00:00Z', // New Year's night
      '2026-03-29T01:00:00Z', // 03:00 CEST, just after the gap
      '2026-10-25T01:30:00Z', // 02:30 CET, the second time
      '2026-03-15T02:00:00Z', // an ordinary Sunday night
      '2026-05-15T08:00:00Z', // a closing day
      '2026-03-13T22:59:59.999Z', // Friday 23:59:59.999
    ]) {
      expect(isQueueOpen(ALWAYS_OPEN, closedGemeente, utc(iso))).toBe(true);
    }
  });
});
