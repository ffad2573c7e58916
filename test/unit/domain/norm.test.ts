// The wait norm's boundaries: exactly 5 s is not a short abandon; exactly 25 s is within service level.
import { describe, expect, it } from 'vitest';

import { createNorm, DEFAULT_NORM, isShortAbandon, isWithinServiceLevel } from '../../../src/domain/norm.ts';

describe('DEFAULT_NORM', () => {
  it('is the VNG kwaliteitshandvest norm: 5 s short abandon, 25 s service level', () => {
    expect(DEFAULT_NORM).toEqual({
      id: 'vng-kwaliteitshandvest-25s',
      shortAbandonBelowMs: 5000,
      serviceLevelWithinMs: 25_000,
    });
    expect(Object.isFrozen(DEFAULT_NORM)).toBe(true);
  });
});

describe('isShortAbandon', () => {
  it('is a wait of less than 5 s; exactly 5 s is not short', () => {
    expect(isShortAbandon(0, DEFAULT_NORM)).toBe(true);
    expect(isShortAbandon(4999, DEFAULT_NORM)).toBe(true);
    expect(isShortAbandon(5000, DEFAULT_NORM)).toBe(false);
    expect(isShortAbandon(5001, DEFAULT_NORM)).toBe(false);
  });
});

describe('isWithinServiceLevel', () => {
  it('is a wait of at most 25 s; exactly 25 s is within', () => {
    expect(isWithinServiceLevel(0, DEFAULT_NORM)).toBe(true);
    expect(isWithinServiceLevel(24_999, DEFAULT_NORM)).toBe(true);
    expect(isWithinServiceLevel(25_000, DEFAULT_NORM)).toBe(true);
    expect(isWithinServiceLevel(25_001, DEFAULT_NORM)).toBe(false);
  });
});

describe('createNorm', () => {
  it('a 20 s norm keeps the default short-abandon threshold', () => {
    const norm20 = createNorm({ id: 'kcc-20s', serviceLevelWithinMs: 20_000 });
    expect(norm20).toEqual({ id: 'kcc-20s', shortAbandonBelowMs: 5000, serviceLevelWithinMs: 20_000 });
    expect(isWithinServiceLevel(20_000, norm20)).toBe(true);
    expect(isWithinServiceLevel(20_001, norm20)).toBe(false);
    expect(isShortAbandon(4999, norm20)).toBe(true);
  });

  it('a custom short-abandon threshold', () => {
    const norm = createNorm({ id: 'strict-3s', shortAbandonBelowMs: 3000 });
    expect(isShortAbandon(2999, norm)).toBe(true);
    expect(isShortAbandon(3000, norm)).toBe(false);
    expect(isWithinServiceLevel(25_000, norm)).toBe(true);
  });

  it('rejects an empty id and thresholds that are not whole non-negative milliseconds', () => {
    expect(() => createNorm({ id: ' ' })).toThrow('a norm needs a non-empty id');
    expect(() => createNorm({ id: 'x', serviceLevelWithinMs: -1 })).toThrow(
      'norm "x": serviceLevelWithinMs must be a whole number of milliseconds >= 0, got -1',
    );
    expect(() => createNorm({ id: 'x', shortAbandonBelowMs: 2.5 })).toThrow(/shortAbandonBelowMs/);
    expect(() => createNorm({ id: 'x', shortAbandonBelowMs: Number.NaN })).toThrow(/shortAbandonBelowMs/);
  });
});
