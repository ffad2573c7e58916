/**
 * When departments call back: on-time completions fall before the due moment (end of the 2nd
 * werkdag after the request), late ones at or after it, on werkdagen in office hours; the shares
 * follow the options; completions after the end of the run are left open.
 */
import { describe, expect, it } from 'vitest';
import { localPartsOf } from '../../../src/domain/amsterdam-time.ts';
import { callbackDueAt } from '../../../src/domain/callback-due.ts';
import { WorkCalendar } from '../../../src/domain/werkdag.ts';
import { scheduleCallback } from '../../../src/simulate/callback-schedule.ts';
import { Random } from '../../../src/simulate/random.ts';

const calendar = new WorkCalendar(['2026-05-15']);
const shares = { callbackOnTimeShare: 0.8, callbackLateShare: 0.15 };

describe('scheduleCallback', () => {
  const random = new Random(11, 'callbacks-test');
  const year = Date.parse('2026-01-01T00:00:00Z');
  const results = Array.from({ length: 4000 }, () => {
    const requestedAt = year + random.int(0, 364 * 86_400_000);
    return {
      requestedAt,
      dueAt: callbackDueAt(requestedAt, calendar),
      ...scheduleCallback(random, requestedAt, calendar, shares, Number.POSITIVE_INFINITY),
    };
  });

  it('splits into on time, late and never by the given shares', () => {
    const never = results.filter((r) => r.completedAt === null).length / results.length;
    const onTime =
      results.filter((r) => r.completedAt !== null && r.completedAt < r.dueAt).length / results.length;
    expect(onTime).toBeGreaterThan(0.77);
    expect(onTime).toBeLessThan(0.83);
    expect(never).toBeGreaterThan(0.03);
    expect(never).toBeLessThan(0.07);
    expect(results.some((r) => r.completedAt === r.dueAt)).toBe(true); // exactly at the due moment: late
  });

  it('completes after the request, on a werkdag during office hours (or exactly at the due moment)', () => {
    for (const r of results) {
      if (r.completedAt === null) {
        expect(r.outcome).toBeNull();
        continue;
      }
      expect(r.completedAt).toBeGreaterThan(r.requestedAt);
      expect(r.outcome === 'REACHED' || r.outcome === 'NOT_REACHED').toBe(true);
      if (r.completedAt === r.dueAt) continue;
      const { date, minuteOfDay } = localPartsOf(r.completedAt);
      expect(calendar.isWerkdag(date), date).toBe(true);
      expect(minuteOfDay).toBeGreaterThanOrEqual(8 * 60 + 30);
      expect(minuteOfDay).toBeLessThan(17 * 60);
    }
  });

  it('leaves a callback open when it would be done after the run ends', () => {
    const r = new Random(1, 'x');
    const requestedAt = Date.parse('2026-03-10T09:00:00Z');
    for (let i = 0; i < 50; i++) {
      expect(scheduleCallback(r, requestedAt, calendar, shares, requestedAt + 60_000)).toEqual({
        completedAt: null,
        outcome: null,
      });
    }
  });
});
