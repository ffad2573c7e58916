// The callback due rule: the end (24:00 Europe/Amsterdam) of the 2nd werkdag after the local date of
// the request. Every expected instant is worked out by hand: 24:00 local is 23:00 UTC in winter (CET)
// and 22:00 UTC in summer (CEST).
import { describe, expect, it } from 'vitest';

import {
  callbackDueAt,
  dueLocalDate,
  isCallbackOverdue,
  isCompletedOnTime,
} from '../../../src/domain/callback-due.ts';
import { WorkCalendar } from '../../../src/domain/werkdag.ts';

const utc = (iso: string): number => Date.parse(iso);
const plain = new WorkCalendar();

describe('the examples of docs/metrics.md', () => {
  it('requested Monday 10:00: due end of Wednesday', () => {
    const requested = utc('2026-03-09T09:00:00Z'); // Monday 10:00 CET
    expect(dueLocalDate(requested, plain)).toBe('2026-03-11');
    expect(callbackDueAt(requested, plain)).toBe(utc('2026-03-11T23:00:00Z'));
  });

  it('requested Friday: due end of Tuesday', () => {
    const requested = utc('2026-03-13T09:00:00Z'); // Friday 10:00 CET
    expect(dueLocalDate(requested, plain)).toBe('2026-03-17');
    expect(callbackDueAt(requested, plain)).toBe(utc('2026-03-17T23:00:00Z'));
  });

  it('requested Saturday (or Sunday): due end of Tuesday', () => {
    expect(callbackDueAt(utc('2026-03-14T10:00:00Z'), plain)).toBe(utc('2026-03-17T23:00:00Z'));
    expect(callbackDueAt(utc('2026-03-15T10:00:00Z'), plain)).toBe(utc('2026-03-17T23:00:00Z'));
  });

  it('requested the Wednesday before Hemelvaartsdag: due end of the following Monday', () => {
    // Wed 13 May 2026; Thu 14 Hemelvaart; Fri 15 (1); Mon 18 (2).
    const requested = utc('2026-05-13T12:00:00Z'); // 14:00 CEST
    expect(dueLocalDate(requested, plain)).toBe('2026-05-18');
    expect(callbackDueAt(requested, plain)).toBe(utc('2026-05-18T22:00:00Z'));
    // 2025: Wed 28 May; Thu 29 Hemelvaart; Fri 30 (1); Mon 2 June (2).
    expect(callbackDueAt(utc('2025-05-28T08:00:00Z'), plain)).toBe(utc('2025-06-02T22:00:00Z'));
  });
});

describe('the local date of the request counts, not its UTC date', () => {
  it('winter: Monday 23:30 is due end of Wednesday; Tuesday 00:30 (still Monday in UTC) end of Thursday', () => {
    const monday2330 = utc('2026-02-09T22:30:00Z');
    expect(dueLocalDate(monday2330, plain)).toBe('2026-02-11');
    expect(callbackDueAt(monday2330, plain)).toBe(utc('2026-02-11T23:00:00Z'));
    const tuesday0030 = utc('2026-02-09T23:30:00Z');
    expect(dueLocalDate(tuesday0030, plain)).toBe('2026-02-12');
    expect(callbackDueAt(tuesday0030, plain)).toBe(utc('2026-02-12T23:00:00Z'));
  });

  it('summer: Monday 23:30 CEST (21:30 UTC) is due end of Wednesday; Tuesday 01:30 CEST end of Thursday', () => {
    const monday2330 = utc('2026-07-06T21:30:00Z');
    expect(dueLocalDate(monday2330, plain)).toBe('2026-07-08');
    expect(callbackDueAt(monday2330, plain)).toBe(utc('2026-07-08T22:00:00Z'));
    // The last millisecond of Monday and the first of Tuesday, local.
    expect(dueLocalDate(utc('2026-07-06T21:59:59.999Z'), plain)).toBe('2026-07-08');
    expect(dueLocalDate(utc('2026-07-06T22:00:00Z'), plain)).toBe('2026-07-09');
    const tuesday0130 = utc('2026-07-06T23:30:00Z');
    expect(callbackDueAt(tuesday0130, plain)).toBe(utc('2026-07-09T22:00:00Z'));
  });
});

describe('DST', () => {
  // DST changes happen on Sundays, which are never werkdagen, so a due date is never a 23- or 25-hour
  // day itself; what must be right is that the due instant uses the offset of the due date.
  it('requested in winter time, due in summer time (29 March 2026)', () => {
    // Fri 27 March 10:00 CET -> Mon 30 (1), Tue 31 (2): 24:00 CEST = 22:00 UTC.
    const requested = utc('2026-03-27T09:00:00Z');
    expect(dueLocalDate(requested, plain)).toBe('2026-03-31');
    expect(callbackDueAt(requested, plain)).toBe(utc('2026-03-31T22:00:00Z'));
    // From the start of the request date (00:00 CET = 26 March 23:00 UTC): 5 days minus the lost hour.
    expect(callbackDueAt(requested, plain) - utc('2026-03-26T23:00:00Z')).toBe((5 * 24 - 1) * 3_600_000);
  });

  it('requested on the 23-hour Sunday itself', () => {
    // 01:30 CET and 03:30 CEST on Sun 29 March: Mon 30 (1), Tue 31 (2).
    expect(callbackDueAt(utc('2026-03-29T00:30:00Z'), plain)).toBe(utc('2026-03-31T22:00:00Z'));
    expect(callbackDueAt(utc('2026-03-29T01:30:00Z'), plain)).toBe(utc('2026-03-31T22:00:00Z'));
  });

  it('requested in summer time, due in winter time (25 October 2026)', () => {
    // Fri 23 October 10:00 CEST -> Mon 26 (1), Tue 27 (2): 24:00 CET = 23:00 UTC.
    const requested = utc('2026-10-23T08:00:00Z');
    expect(dueLocalDate(requested, plain)).toBe('2026-10-27');
    expect(callbackDueAt(requested, plain)).toBe(utc('2026-10-27T23:00:00Z'));
    expect(callbackDueAt(requested, plain) - utc('2026-10-22T22:00:00Z')).toBe((5 * 24 + 1) * 3_600_000);
  });

  it('requested during the hour lived twice on the 25-hour Sunday', () => {
    // 02:30 CEST (00:30 UTC) and 02:30 CET (01:30 UTC) on Sun 25 October: both due end of Tue 27.
    expect(callbackDueAt(utc('2026-10-25T00:30:00Z'), plain)).toBe(utc('2026-10-27T23:00:00Z'));
    expect(callbackDueAt(utc('2026-10-25T01:30:00Z'), plain)).toBe(utc('2026-10-27T23:00:00Z'));
  });
});

describe('holidays and closing days', () => {
  it('Christmas and New Year', () => {
    // Wed 23 Dec 2026: Thu 24 (1), Fri 25 / Sat 26 Kerst, Mon 28 (2).
    expect(callbackDueAt(utc('2026-12-23T09:00:00Z'), plain)).toBe(utc('2026-12-28T23:00:00Z'));
    // Thu 24 Dec 2026: Mon 28 (1), Tue 29 (2).
    expect(callbackDueAt(utc('2026-12-24T09:00:00Z'), plain)).toBe(utc('2026-12-29T23:00:00Z'));
    // Wed 30 Dec 2026: Thu 31 (1), Fri 1 Jan Nieuwjaarsdag, Mon 4 Jan 2027 (2).
    expect(callbackDueAt(utc('2026-12-30T09:00:00Z'), plain)).toBe(utc('2027-01-04T23:00:00Z'));
    // Thu 1 Jan 2026 00:30 local (Wed 31 Dec 23:30 UTC), a holiday: Fri 2 (1), Mon 5 (2).
    expect(dueLocalDate(utc('2025-12-31T23:30:00Z'), plain)).toBe('2026-01-05');
  });

  it('Koningsdag and Bevrijdingsdag', () => {
    // Fri 24 April 2026: Mon 27 Koningsdag, Tue 28 (1), Wed 29 (2).
    expect(callbackDueAt(utc('2026-04-24T08:00:00Z'), plain)).toBe(utc('2026-04-29T22:00:00Z'));
    // Requested on Koningsdag itself (Mon 27 April): Tue 28 (1), Wed 29 (2).
    expect(dueLocalDate(utc('2026-04-27T08:00:00Z'), plain)).toBe('2026-04-29');
    // Mon 4 May 2026: Tue 5 Bevrijdingsdag, Wed 6 (1), Thu 7 (2).
    expect(callbackDueAt(utc('2026-05-04T08:00:00Z'), plain)).toBe(utc('2026-05-07T22:00:00Z'));
  });

  it('a closing day of the gemeente moves the due date; the same day elsewhere does not', () => {
    const closedAfterHemelvaart = new WorkCalendar(['2026-05-15']);
    // Wed 13 May: Thu 14 Hemelvaart, Fri 15 closed, Mon 18 (1), Tue 19 (2).
    expect(callbackDueAt(utc('2026-05-13T12:00:00Z'), closedAfterHemelvaart)).toBe(
      utc('2026-05-19T22:00:00Z'),
    );
    const closedGoedeVrijdag = new WorkCalendar(['2026-04-03']);
    // Thu 2 April: Fri 3 Goede Vrijdag, Mon 6 Tweede Paasdag, Tue 7, Wed 8.
    expect(dueLocalDate(utc('2026-04-02T08:00:00Z'), closedGoedeVrijdag)).toBe('2026-04-08');
    expect(dueLocalDate(utc('2026-04-02T08:00:00Z'), plain)).toBe('2026-04-07');
  });
});

describe('on time and overdue', () => {
  // Requested Monday 9 March 2026, due at 24:00 on Wednesday 11 March = 23:00 UTC.
  const due = utc('2026-03-11T23:00:00Z');

  it('completed strictly before the due moment is on time; exactly at it is late', () => {
    expect(isCompletedOnTime(utc('2026-03-10T09:00:00Z'), due)).toBe(true);
    expect(isCompletedOnTime(utc('2026-03-11T22:59:59.999Z'), due)).toBe(true); // Wed 23:59:59.999
    expect(isCompletedOnTime(utc('2026-03-11T23:00:00Z'), due)).toBe(false); // Thu 00:00:00.000
    expect(isCompletedOnTime(utc('2026-03-12T08:00:00Z'), due)).toBe(false);
  });

  it('an open callback is overdue from the due moment on', () => {
    expect(isCallbackOverdue(due, utc('2026-03-11T22:59:59.999Z'))).toBe(false);
    expect(isCallbackOverdue(due, utc('2026-03-11T23:00:00Z'))).toBe(true);
    expect(isCallbackOverdue(due, utc('2026-03-12T10:00:00Z'))).toBe(true);
  });
});
