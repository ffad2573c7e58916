/**
 * When calls arrive: a gemeente's call volume by weekday and hour of day (Europe/Amsterdam), and a
 * clock that draws the arrival instants from it.
 *
 * In: calls on a normal weekday, the gemeente's WorkCalendar, a random stream.
 * Out: arrival instants (epoch ms), in increasing order.
 *
 * The shape follows what gemeentelijke KCC's report: Monday morning is the peak, the afternoon is
 * quieter, Thursday evening (late opening) gets some calls, Friday is calmer, the evening, night,
 * weekend and holidays are nearly silent (those calls still come, and land outside opening hours).
 * Arrivals are a Poisson process whose rate is constant within a UTC hour: Europe/Amsterdam
 * offsets are whole hours, so every UTC hour is one local hour (DST days have 23 or 25 of them).
 */
import { localPartsOf } from '../domain/amsterdam-time.ts';
import type { WorkCalendar } from '../domain/werkdag.ts';
import type { Random } from './random.ts';

const HOUR_MS = 3_600_000;

/** Volume of a day relative to a normal weekday (Tuesday-Thursday = 1), index = ISO weekday 1..7. */
const DAY_FACTOR = [0, 1.3, 1.0, 0.95, 1.0, 0.8, 0.05, 0.03] as const;
/** Volume of a Cao holiday or closing day on a weekday, relative to a normal weekday. */
const CLOSED_DAY_FACTOR = 0.06;

/** Relative volume per local hour 0..23 on a weekday; normalised to shares below. */
const WEEKDAY_HOURS = [
  0.002, 0.001, 0.001, 0.001, 0.001, 0.002, 0.003, 0.008, 0.05, 0.135, 0.14, 0.125, 0.085, 0.1, 0.095, 0.08,
  0.06, 0.02, 0.012, 0.01, 0.006, 0.005, 0.004, 0.003,
] as const;

function normalise(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** Shares of a day's calls per local hour, per ISO weekday (index 1..7). */
const HOUR_SHARES: readonly (readonly number[])[] = [1, 1, 2, 3, 4, 5, 6, 7].map((isoWeekday) => {
  const w: number[] = [...WEEKDAY_HOURS];
  if (isoWeekday === 1) for (let h = 8; h <= 11; h++) w[h] = (w[h] ?? 0) * 1.35; // Monday morning rush
  if (isoWeekday === 4) for (let h = 17; h <= 19; h++) w[h] = (w[h] ?? 0) * 3; // Thursday late opening
  if (isoWeekday >= 6) for (let h = 9; h <= 17; h++) w[h] = 0.06; // weekend: flat and low
  return normalise(w);
});

/** Expected calls in the local hour that starts at `hourStartMs` (a whole UTC hour). */
export function expectedCallsInHour(
  callsPerDay: number,
  calendar: WorkCalendar,
  hourStartMs: number,
): number {
  const { date, isoWeekday, minuteOfDay } = localPartsOf(hourStartMs);
  const dayFactor =
    isoWeekday <= 5 && calendar.isClosedDay(date) ? CLOSED_DAY_FACTOR : (DAY_FACTOR[isoWeekday] ?? 0);
  const share = HOUR_SHARES[isoWeekday]?.[Math.floor(minuteOfDay / 60)] ?? 0;
  return callsPerDay * dayFactor * share;
}

/** Draws the arrival instants of one gemeente's calls, one at a time, from `fromMs` on. */
export class ArrivalClock {
  readonly #callsPerDay: number;
  readonly #calendar: WorkCalendar;
  readonly #random: Random;
  #hourStart: number;
  /** Mean gap between arrivals in the current hour, ms; Infinity when no call is expected. */
  #meanGapMs: number;
  #t: number;

  constructor(callsPerDay: number, calendar: WorkCalendar, random: Random, fromMs: number) {
    this.#callsPerDay = callsPerDay;
    this.#calendar = calendar;
    this.#random = random;
    this.#t = fromMs;
    this.#hourStart = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
    this.#meanGapMs = this.#gapFor(this.#hourStart);
  }

  #gapFor(hourStart: number): number {
    const expected = expectedCallsInHour(this.#callsPerDay, this.#calendar, hourStart);
    return expected > 0 ? HOUR_MS / expected : Number.POSITIVE_INFINITY;
  }

  /**
   * The next arrival (whole ms, never before the previous one), or Infinity when there is none
   * before `untilMs`. The gap is exponential with the current hour's rate; when it crosses into the
   * next hour, the draw restarts there with that hour's rate (the process is memoryless).
   */
  next(untilMs: number): number {
    let t = this.#t;
    for (;;) {
      if (t >= untilMs) {
        this.#t = t;
        return Number.POSITIVE_INFINITY;
      }
      const hourEnd = this.#hourStart + HOUR_MS;
      if (this.#meanGapMs !== Number.POSITIVE_INFINITY) {
        const candidate = t + this.#random.exponential(this.#meanGapMs);
        if (candidate < hourEnd) {
          const at = Math.floor(candidate);
          this.#t = candidate;
          return at < untilMs ? at : Number.POSITIVE_INFINITY;
        }
      }
      t = hourEnd;
      this.#hourStart = hourEnd;
      this.#meanGapMs = this.#gapFor(hourEnd);
    }
  }
}
