/**
 * The live phase's traffic at the same rate whenever the bench runs. The simulator follows a
 * gemeente's day (busy Monday mornings, near silence at night and at weekends), so a live phase at
 * a fixed volume a day saw some 300 calls a minute at ten in the morning and a handful at night:
 * its latency figures depended on the hour. Here each gemeente's volume a day is scaled by how
 * much of it the simulator puts in the hours of the live phase.
 */
import type { ConfigFile } from '../src/config/schema.ts';
import { Topology } from '../src/config/topology.ts';
import { expectedCallsInHour } from '../src/simulate/traffic-profile.ts';

const HOUR_MS = 3_600_000;

/**
 * Calls a normal weekday per gemeente such that, from `fromMs` for `seconds`, all of them together
 * make at least `callsPerHour` calls an hour (the quietest hour of the phase decides).
 */
export function steadyCallsPerDay(
  config: Pick<ConfigFile, 'norm' | 'gemeenten'>,
  callsPerHour: number,
  fromMs: number,
  seconds: number,
): Record<string, number> {
  const topology = new Topology(config);
  const hours: number[] = [];
  for (let hour = Math.floor(fromMs / HOUR_MS) * HOUR_MS; hour < fromMs + seconds * 1000; hour += HOUR_MS) {
    hours.push(hour);
  }
  const perGemeente = callsPerHour / config.gemeenten.length;
  return Object.fromEntries(
    config.gemeenten.map((g) => {
      const calendar = topology.calendarOf(g.code);
      const quietest = Math.min(...hours.map((hour) => expectedCallsInHour(1, calendar, hour)));
      if (!(quietest > 0))
        throw new RangeError(`the simulator makes no calls for ${g.code} in the live phase`);
      return [g.code, perGemeente / quietest];
    }),
  );
}
