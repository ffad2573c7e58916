/**
 * Recent traffic for tests that run at live pace, whatever the hour they run: the switch's calls
 * follow opening hours, so the last few hours hold next to no calls at night or at the weekend.
 */
import type { ConfigFile } from '../../src/config/schema.ts';
import { Topology } from '../../src/config/topology.ts';
import { addDays, epochOfLocal, localDateOf } from '../../src/domain/index.ts';

const NINE_AM = 9 * 60;

/**
 * The latest morning of a werkdag of every configured gemeente, from 09:00 Europe/Amsterdam and
 * `durationMs` long, that ended at least `minAgeMs` before `nowMs`.
 */
export function recentWorkingMorning(
  config: Pick<ConfigFile, 'norm' | 'gemeenten'>,
  nowMs: number,
  { durationMs, minAgeMs }: { durationMs: number; minAgeMs: number },
): { fromMs: number; toMs: number } {
  const topology = new Topology(config);
  const calendars = config.gemeenten.map((g) => topology.calendarOf(g.code));
  let date = localDateOf(nowMs);
  // Christmas and a weekend are the longest stretch without one: two weeks is plenty.
  for (let day = 0; day < 14; day++, date = addDays(date, -1)) {
    if (!calendars.every((c) => c.isWerkdag(date))) continue;
    const fromMs = epochOfLocal(date, NINE_AM);
    const toMs = fromMs + durationMs;
    if (toMs <= nowMs - minAgeMs) return { fromMs, toMs };
  }
  throw new Error(`no working morning in the two weeks before ${new Date(nowMs).toISOString()}`);
}
