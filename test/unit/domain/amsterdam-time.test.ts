// Europe/Amsterdam local time, pinned against hand-worked instants: the DST days of 2026 (29 March,
// 23 h; 25 October, 25 h), year ends, ISO weeks around New Year, and an hour-by-hour check of a whole
// year against Intl itself (the cache must agree with the time-zone database it caches).
import { describe, expect, it } from 'vitest';

import {
  addDays,
  dateOfDayNumber,
  dayNumberOf,
  endOfLocalDay,
  epochOfLocal,
  isLocalDate,
  isoWeekdayOf,
  isoWeekLabel,
  isoWeekOf,
  localDateOf,
  localPartsOf,
  startOfLocalDay,
  utcOffsetMsAt,
} from '../../../src/domain/amsterdam-time.ts';

const utc = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

describe('localDateOf', () => {
  it('takes the date in Amsterdam, not in UTC (winter, UTC+1)', () => {
    expect(localDateOf(utc('2026-01-15T12:00:00Z'))).toBe('2026-01-15');
    expect(localDateOf(utc('2026-01-15T22:59:59.999Z'))).toBe('2026-01-15');
    expect(localDateOf(utc('2026-01-15T23:00:00Z'))).toBe('2026-01-16');
  });

  it('takes the date in Amsterdam, not in UTC (summer, UTC+2)', () => {
    expect(localDateOf(utc('2026-07-15T21:59:59.999Z'))).toBe('2026-07-15');
    expect(localDateOf(utc('2026-07-15T22:00:00Z'))).toBe('2026-07-16');
  });

  it('crosses the year end at 23:00 UTC', () => {
    expect(localDateOf(utc('2025-12-31T22:59:59.999Z'))).toBe('2025-12-31');
    expect(localDateOf(utc('2025-12-31T23:00:00Z'))).toBe('2026-01-01');
    expect(localDateOf(utc('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });

  it('knows leap days', () => {
    expect(localDateOf(utc('2028-02-28T23:00:00Z'))).toBe('2028-02-29');
    expect(localDateOf(utc('2028-02-29T23:00:00Z'))).toBe('2028-03-01');
    expect(localDateOf(utc('2026-02-28T23:00:00Z'))).toBe('2026-03-01');
  });

  it('handles instants before 1970', () => {
    expect(localDateOf(utc('1969-12-31T23:00:00Z'))).toBe('1970-01-01');
    expect(localDateOf(utc('1969-12-31T22:59:59.999Z'))).toBe('1969-12-31');
  });

  it('rejects an instant that is not a finite number', () => {
    expect(() => localDateOf(Number.NaN)).toThrow(RangeError);
    expect(() => localDateOf(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('utcOffsetMsAt', () => {
  it('is +1 h in winter and +2 h in summer, switching at 01:00 UTC', () => {
    expect(utcOffsetMsAt(utc('2026-01-15T12:00:00Z'))).toBe(1 * HOUR);
    expect(utcOffsetMsAt(utc('2026-07-15T12:00:00Z'))).toBe(2 * HOUR);
    expect(utcOffsetMsAt(utc('2026-03-29T00:59:59.999Z'))).toBe(1 * HOUR);
    expect(utcOffsetMsAt(utc('2026-03-29T01:00:00Z'))).toBe(2 * HOUR);
    expect(utcOffsetMsAt(utc('2026-10-25T00:59:59.999Z'))).toBe(2 * HOUR);
    expect(utcOffsetMsAt(utc('2026-10-25T01:00:00Z'))).toBe(1 * HOUR);
  });
});

describe('localPartsOf', () => {
  it('gives date, ISO weekday and wall-clock minute', () => {
    // Monday 5 January 2026, 10:00 CET.
    expect(localPartsOf(utc('2026-01-05T09:00:00Z'))).toEqual({
      date: '2026-01-05',
      isoWeekday: 1,
      minuteOfDay: 600,
    });
    // Sunday 12 July 2026, 23:59:59.999 CEST.
    expect(localPartsOf(utc('2026-07-12T21:59:59.999Z'))).toEqual({
      date: '2026-07-12',
      isoWeekday: 7,
      minuteOfDay: 1439,
    });
  });

  it('spring forward, Sunday 29 March 2026: 02:00-03:00 never happens', () => {
    expect(localPartsOf(utc('2026-03-28T23:00:00Z'))).toEqual({
      date: '2026-03-29',
      isoWeekday: 7,
      minuteOfDay: 0,
    });
    // 01:59:59.999 CET, then straight to 03:00 CEST.
    expect(localPartsOf(utc('2026-03-29T00:59:59.999Z')).minuteOfDay).toBe(119);
    expect(localPartsOf(utc('2026-03-29T01:00:00Z')).minuteOfDay).toBe(180);
    // The day ends at 22:00 UTC, after 23 hours.
    expect(localPartsOf(utc('2026-03-29T21:59:59.999Z'))).toEqual({
      date: '2026-03-29',
      isoWeekday: 7,
      minuteOfDay: 1439,
    });
    expect(localPartsOf(utc('2026-03-29T22:00:00Z'))).toEqual({
      date: '2026-03-30',
      isoWeekday: 1,
      minuteOfDay: 0,
    });
  });

  it('fall back, Sunday 25 October 2026: 02:00-03:00 happens twice with the same wall-clock minutes', () => {
    expect(localPartsOf(utc('2026-10-24T22:00:00Z'))).toEqual({
      date: '2026-10-25',
      isoWeekday: 7,
      minuteOfDay: 0,
    });
    expect(localPartsOf(utc('2026-10-25T00:00:00Z')).minuteOfDay).toBe(120); // 02:00 CEST
    expect(localPartsOf(utc('2026-10-25T00:30:00Z')).minuteOfDay).toBe(150); // 02:30 CEST
    expect(localPartsOf(utc('2026-10-25T00:59:59.999Z')).minuteOfDay).toBe(179); // 02:59 CEST
    expect(localPartsOf(utc('2026-10-25T01:00:00Z')).minuteOfDay).toBe(120); // 02:00 CET
    expect(localPartsOf(utc('2026-10-25T01:30:00Z')).minuteOfDay).toBe(150); // 02:30 CET
    expect(localPartsOf(utc('2026-10-25T02:00:00Z')).minuteOfDay).toBe(180); // 03:00 CET
    // The day ends at 23:00 UTC, after 25 hours.
    expect(localPartsOf(utc('2026-10-25T22:59:59.999Z'))).toEqual({
      date: '2026-10-25',
      isoWeekday: 7,
      minuteOfDay: 1439,
    });
    expect(localPartsOf(utc('2026-10-25T23:00:00Z'))).toEqual({
      date: '2026-10-26',
      isoWeekday: 1,
      minuteOfDay: 0,
    });
  });

  it('agrees with Intl at the start and the last millisecond of every UTC hour of 2026', () => {
    const intl = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Amsterdam',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    const fromIntl = (epochMs: number): string => {
      const p = Object.fromEntries(intl.formatToParts(epochMs).map((x) => [x.type, x.value]));
      return `${p['year'] ?? ''}-${p['month'] ?? ''}-${p['day'] ?? ''} ${p['hour'] ?? ''}:${p['minute'] ?? ''}`;
    };
    const ours = (epochMs: number): string => {
      const { date, minuteOfDay } = localPartsOf(epochMs);
      const h = Math.floor(minuteOfDay / 60);
      const m = minuteOfDay % 60;
      return `${date} ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    };
    const mismatches: string[] = [];
    for (let t = utc('2026-01-01T00:00:00Z'); t < utc('2027-01-01T00:00:00Z'); t += HOUR) {
      for (const instant of [t, t + HOUR - 1]) {
        if (ours(instant) !== fromIntl(instant)) mismatches.push(new Date(instant).toISOString());
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('startOfLocalDay / endOfLocalDay', () => {
  it('an ordinary winter and summer day: 24 hours', () => {
    expect(startOfLocalDay('2026-01-15')).toBe(utc('2026-01-14T23:00:00Z'));
    expect(endOfLocalDay('2026-01-15')).toBe(utc('2026-01-15T23:00:00Z'));
    expect(startOfLocalDay('2026-07-01')).toBe(utc('2026-06-30T22:00:00Z'));
    expect(endOfLocalDay('2026-07-01')).toBe(utc('2026-07-01T22:00:00Z'));
  });

  it('29 March 2026 has 23 hours', () => {
    expect(startOfLocalDay('2026-03-29')).toBe(utc('2026-03-28T23:00:00Z'));
    expect(endOfLocalDay('2026-03-29')).toBe(utc('2026-03-29T22:00:00Z'));
    expect(endOfLocalDay('2026-03-29') - startOfLocalDay('2026-03-29')).toBe(23 * HOUR);
  });

  it('25 October 2026 has 25 hours', () => {
    expect(startOfLocalDay('2026-10-25')).toBe(utc('2026-10-24T22:00:00Z'));
    expect(endOfLocalDay('2026-10-25')).toBe(utc('2026-10-25T23:00:00Z'));
    expect(endOfLocalDay('2026-10-25') - startOfLocalDay('2026-10-25')).toBe(25 * HOUR);
  });

  it('the end of a day is the start of the next, also over the year end', () => {
    expect(endOfLocalDay('2025-12-31')).toBe(utc('2025-12-31T23:00:00Z'));
    expect(startOfLocalDay('2026-01-01')).toBe(utc('2025-12-31T23:00:00Z'));
    expect(endOfLocalDay('2026-03-28')).toBe(startOfLocalDay('2026-03-29'));
  });
});

describe('epochOfLocal', () => {
  it('maps ordinary wall times', () => {
    expect(epochOfLocal('2026-01-05', 600)).toBe(utc('2026-01-05T09:00:00Z'));
    expect(epochOfLocal('2026-07-06', 8 * 60 + 30)).toBe(utc('2026-07-06T06:30:00Z'));
    expect(epochOfLocal('2026-07-06', 1440)).toBe(utc('2026-07-06T22:00:00Z'));
  });

  it('spring gap: a wall time that does not exist is read with the winter offset (moves forward)', () => {
    expect(epochOfLocal('2026-03-29', 119)).toBe(utc('2026-03-29T00:59:00Z')); // 01:59 CET
    expect(epochOfLocal('2026-03-29', 120)).toBe(utc('2026-03-29T01:00:00Z')); // "02:00" = 03:00 CEST
    expect(epochOfLocal('2026-03-29', 150)).toBe(utc('2026-03-29T01:30:00Z')); // "02:30" = 03:30 CEST
    expect(epochOfLocal('2026-03-29', 180)).toBe(utc('2026-03-29T01:00:00Z')); // 03:00 CEST
  });

  it('autumn overlap: a wall time lived twice maps to the earlier instant (summer time)', () => {
    expect(epochOfLocal('2026-10-25', 119)).toBe(utc('2026-10-24T23:59:00Z')); // 01:59 CEST
    expect(epochOfLocal('2026-10-25', 120)).toBe(utc('2026-10-25T00:00:00Z')); // 02:00 CEST, not CET
    expect(epochOfLocal('2026-10-25', 150)).toBe(utc('2026-10-25T00:30:00Z')); // 02:30 CEST, not CET
    expect(epochOfLocal('2026-10-25', 180)).toBe(utc('2026-10-25T02:00:00Z')); // 03:00 CET
  });

  it('rejects minutes outside 0..1440 and invalid dates', () => {
    expect(() => epochOfLocal('2026-01-05', -1)).toThrow(/0 to 1440/);
    expect(() => epochOfLocal('2026-01-05', 1441)).toThrow(/0 to 1440/);
    expect(() => epochOfLocal('2026-01-05', 1.5)).toThrow(/0 to 1440/);
    expect(() => epochOfLocal('2026-02-29', 0)).toThrow(/invalid date "2026-02-29"/);
    expect(() => epochOfLocal('2026-2-01', 0)).toThrow(RangeError);
  });
});

describe('local dates', () => {
  it('isLocalDate accepts only real dates written YYYY-MM-DD', () => {
    expect(isLocalDate('2026-01-01')).toBe(true);
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2000-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2100-02-29')).toBe(false);
    expect(isLocalDate('2026-04-31')).toBe(false);
    expect(isLocalDate('2026-00-10')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-1-1')).toBe(false);
    expect(isLocalDate(' 2026-01-01')).toBe(false);
    expect(isLocalDate('2026-01-01T00:00')).toBe(false);
    expect(isLocalDate('2026/01/01')).toBe(false);
    expect(isLocalDate('')).toBe(false);
  });

  it('day numbers count days since 1970-01-01', () => {
    expect(dayNumberOf('1970-01-01')).toBe(0);
    expect(dayNumberOf('1969-12-31')).toBe(-1);
    expect(dayNumberOf('2000-03-01')).toBe(11_017);
    expect(dateOfDayNumber(11_017)).toBe('2000-03-01');
    expect(dateOfDayNumber(-1)).toBe('1969-12-31');
  });

  it('addDays moves over month, leap-day and year boundaries', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-01-01', 365)).toBe('2027-01-01');
    expect(addDays('2026-05-13', 0)).toBe('2026-05-13');
    expect(() => addDays('2026-01-01', 0.5)).toThrow(RangeError);
  });

  it('isoWeekdayOf: 1 = Monday .. 7 = Sunday', () => {
    expect(isoWeekdayOf('1970-01-01')).toBe(4); // Thursday
    expect(isoWeekdayOf('2000-02-29')).toBe(2); // Tuesday
    expect(isoWeekdayOf('2026-01-01')).toBe(4); // Thursday
    expect(isoWeekdayOf('2026-03-29')).toBe(7); // Sunday
    expect(isoWeekdayOf('2026-05-15')).toBe(5); // Friday
    expect(isoWeekdayOf('2025-04-26')).toBe(6); // Saturday
    expect(isoWeekdayOf('2026-04-27')).toBe(1); // Monday
  });

  it('isoWeekOf: the first days of January can be in the previous ISO year and vice versa', () => {
    expect(isoWeekOf('2024-12-30')).toEqual({ isoYear: 2025, isoWeek: 1 }); // Monday
    expect(isoWeekOf('2025-12-29')).toEqual({ isoYear: 2026, isoWeek: 1 }); // Monday
    expect(isoWeekOf('2026-01-01')).toEqual({ isoYear: 2026, isoWeek: 1 }); // Thursday
    expect(isoWeekOf('2026-03-29')).toEqual({ isoYear: 2026, isoWeek: 13 });
    expect(isoWeekOf('2026-10-25')).toEqual({ isoYear: 2026, isoWeek: 43 });
    expect(isoWeekOf('2026-12-31')).toEqual({ isoYear: 2026, isoWeek: 53 }); // 2026 has 53 weeks
    expect(isoWeekOf('2027-01-01')).toEqual({ isoYear: 2026, isoWeek: 53 }); // Friday
    expect(isoWeekOf('2027-01-03')).toEqual({ isoYear: 2026, isoWeek: 53 }); // Sunday
    expect(isoWeekOf('2027-01-04')).toEqual({ isoYear: 2027, isoWeek: 1 }); // Monday
    expect(isoWeekOf('2021-01-03')).toEqual({ isoYear: 2020, isoWeek: 53 });
    expect(isoWeekOf('2029-12-31')).toEqual({ isoYear: 2030, isoWeek: 1 });
  });

  it('isoWeekLabel', () => {
    expect(isoWeekLabel('2026-01-01')).toBe('2026-W01');
    expect(isoWeekLabel('2027-01-01')).toBe('2026-W53');
    expect(isoWeekLabel('2026-10-25')).toBe('2026-W43');
  });
});
