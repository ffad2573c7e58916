/** The recent working morning the live-pace chaos tests simulate, at any hour they run (hand-picked dates). */
import { describe, expect, it } from 'vitest';
import { exampleConfig } from '../../helpers/fixtures.ts';
import { recentWorkingMorning } from '../../helpers/recent-traffic.ts';

const config = exampleConfig();
const window = (nowIso: string) => {
  const { fromMs, toMs } = recentWorkingMorning(config, Date.parse(nowIso), {
    durationMs: 3 * 3600_000,
    minAgeMs: 5 * 3600_000,
  });
  return [new Date(fromMs).toISOString(), new Date(toMs).toISOString()];
};

describe('recentWorkingMorning', () => {
  it('takes the same morning in the evening, 09:00 to 12:00 in Amsterdam (UTC+1 in winter)', () => {
    expect(window('2026-12-03T18:00:00Z')).toEqual(['2026-12-03T08:00:00.000Z', '2026-12-03T11:00:00.000Z']);
  });

  it('takes the day before at night, and Friday on a Saturday morning', () => {
    expect(window('2026-12-04T06:44:00Z')).toEqual(['2026-12-03T08:00:00.000Z', '2026-12-03T11:00:00.000Z']);
    expect(window('2026-12-05T06:44:00Z')).toEqual(['2026-12-04T08:00:00.000Z', '2026-12-04T11:00:00.000Z']);
  });

  it('skips the Christmas holidays and the weekend after them, in summer time 09:00 is 07:00 UTC', () => {
    // Saturday 26 December 2026 is Tweede Kerstdag; Friday 25 Kerstmis.
    expect(window('2026-12-28T07:00:00Z')).toEqual(['2026-12-24T08:00:00.000Z', '2026-12-24T11:00:00.000Z']);
    expect(window('2026-06-10T20:00:00Z')).toEqual(['2026-06-10T07:00:00.000Z', '2026-06-10T10:00:00.000Z']);
  });
});
