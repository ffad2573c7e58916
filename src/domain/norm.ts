/**
 * The norm a wait is judged by: below which wait an abandoned leg is a short abandon (not offered),
 * and within which wait an answered leg meets the service level.
 *
 * In: a wait in milliseconds and a norm. Out: yes/no.
 *
 * A norm is named: its id is stored with the numbers it produced, so a report can say which norm a
 * service level was measured against. The id is the version too: thresholds never change under an
 * existing id; a different threshold is a new norm with a new id.
 */

/** A named set of wait thresholds. */
export interface Norm {
  /** Stable name, stored with the results, e.g. 'vng-kwaliteitshandvest-25s'. */
  readonly id: string;
  /**
   * An abandoned leg that waited less than this is a short abandon (not offered); exactly this is not.
   * @default 5000
   */
  readonly shortAbandonBelowMs: number;
  /**
   * An answered leg that waited at most this (inclusive) is within the service level.
   * @default 25000
   */
  readonly serviceLevelWithinMs: number;
}

/** The VNG kwaliteitshandvest norm: short abandon below 5 s, service level within 25 s. */
export const DEFAULT_NORM: Norm = Object.freeze({
  id: 'vng-kwaliteitshandvest-25s',
  shortAbandonBelowMs: 5000,
  serviceLevelWithinMs: 25_000,
});

/**
 * Builds a norm, taking DEFAULT_NORM's thresholds for the ones not given.
 * @throws RangeError for an empty id or a threshold that is not a non-negative integer of milliseconds.
 */
export function createNorm(options: {
  readonly id: string;
  readonly shortAbandonBelowMs?: number;
  readonly serviceLevelWithinMs?: number;
}): Norm {
  const {
    id,
    shortAbandonBelowMs = DEFAULT_NORM.shortAbandonBelowMs,
    serviceLevelWithinMs = DEFAULT_NORM.serviceLevelWithinMs,
  } = options;
  if (id.trim() === '') throw new RangeError('a norm needs a non-empty id');
  for (const [name, value] of [
    ['shortAbandonBelowMs', shortAbandonBelowMs],
    ['serviceLevelWithinMs', serviceLevelWithinMs],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`norm "${id}": ${name} must be a whole number of milliseconds >= 0, got ${value}`);
    }
  }
  return Object.freeze({ id, shortAbandonBelowMs, serviceLevelWithinMs });
}

/** True when an abandoned leg's wait makes it a short abandon: strictly less than the norm (5 s by default). */
export function isShortAbandon(waitMs: number, norm: Norm): boolean {
  return waitMs < norm.shortAbandonBelowMs;
}

/** True when an answered leg's wait meets the service level: at most the norm (25 s by default), inclusive. */
export function isWithinServiceLevel(waitMs: number, norm: Norm): boolean {
  return waitMs <= norm.serviceLevelWithinMs;
}
