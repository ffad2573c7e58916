/** Expiry in coarse buckets: a key comes out once its bucket has ended, never before its deadline. */
import { describe, expect, it } from 'vitest';
import { ExpiryBuckets } from '../../../src/transforms/shared/expiry-buckets.ts';

describe('ExpiryBuckets', () => {
  it('gives the keys of buckets ended at or before now, earliest bucket first, each once', () => {
    const q = new ExpiryBuckets<string>(100);
    q.add('late', 250);
    q.add('early', 30);
    q.add('mid', 120);
    q.add('mid2', 200);
    // 'early' is due at 30, but its bucket (0, 100] ends at 100.
    expect(q.popDue(99)).toEqual([]);
    expect(q.popDue(100)).toEqual(['early']);
    expect(q.popDue(100)).toEqual([]);
    expect(q.popDue(1000)).toEqual(['mid', 'mid2', 'late']);
    expect(q.popDue(1000)).toEqual([]);
  });

  it('gives a key again for every bucket it was added to', () => {
    const q = new ExpiryBuckets<string>(100);
    q.add('k', 50);
    q.add('k', 150);
    expect(q.popDue(100)).toEqual(['k']);
    expect(q.popDue(200)).toEqual(['k']);
  });

  it('gives a key added to a bucket that has already ended at the next pop', () => {
    const q = new ExpiryBuckets<string>(100);
    q.add('a', 450);
    expect(q.popDue(1000)).toEqual(['a']);
    q.add('b', 50);
    expect(q.popDue(1000)).toEqual(['b']);
    expect(q.bucketOf(100)).toBe(1);
    expect(q.bucketOf(101)).toBe(2);
  });
});
