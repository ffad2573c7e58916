/**
 * The simulator's only source of chance: a seedable pseudo-random stream (xoroshiro128+ from the
 * `pure-rand` library) with the few distributions a switch needs (uniform, exponential, log-normal,
 * weighted choice).
 *
 * In: a seed and a label. Out: numbers, the same ones for the same seed and label, on every machine.
 *
 * Why labelled streams: every part of the simulation (one gemeente's traffic, the fault injector)
 * draws from its own stream, derived from the seed and a label. Turning a fault on, or adding a
 * gemeente, then leaves every other stream, and so every other call, exactly as it was: a test can
 * compare a run with faults against the same run without.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** FNV-1a over a string, to derive a 32-bit stream seed from the run's seed and a label. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** A seeded random stream. Not thread-safe, not cryptographic: for simulation only. */
export class Random {
  readonly #rng: RandomGenerator;
  // Box-Muller yields two normals per draw; the second is kept for the next call.
  #spareNormal = Number.NaN;

  /**
   * @param seed the run's seed (any integer; only its low 32 bits matter)
   * @param label names the stream, so streams of one seed are independent of each other
   */
  constructor(seed: number, label = '') {
    this.#rng = xoroshiro128plus(hash32(`${seed | 0}/${label}`));
    // The first outputs of a freshly seeded xoroshiro are weakly mixed; skip a few.
    for (let i = 0; i < 8; i++) this.#rng.next();
  }

  /** A stream of its own for a part of the simulation, derived from this seed and a label. */
  static stream(seed: number, label: string): Random {
    return new Random(seed, label);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.#rng);
  }

  /** True with probability `p` (0 never, 1 always). */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  /** A uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** An exponential variate with the given mean (the gap between Poisson arrivals). */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** A standard normal variate (Box-Muller). */
  normal(): number {
    if (!Number.isNaN(this.#spareNormal)) {
      const spare = this.#spareNormal;
      this.#spareNormal = Number.NaN;
      return spare;
    }
    const u = 1 - this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A log-normal variate: `median` × e^(sigma × N(0,1)). Waits and talk times are skewed like this. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) throw new RangeError('cannot pick from an empty list');
    return item;
  }

  /** An index into `cumulative` (a non-decreasing list of cumulative weights), chosen by weight. */
  weightedIndex(cumulative: readonly number[]): number {
    const total = cumulative[cumulative.length - 1] ?? 0;
    const x = this.float() * total;
    for (let i = 0; i < cumulative.length; i++) if (x < (cumulative[i] ?? 0)) return i;
    return cumulative.length - 1;
  }

  /** Shuffles an array in place (Fisher-Yates). */
  shuffle(items: unknown[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const a = items[i];
      items[i] = items[j];
      items[j] = a;
    }
  }
}

/** Cumulative sums of weights, for Random#weightedIndex. */
export function cumulativeWeights(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}
