/**
 * Keys that expire at a deadline, kept in coarse time buckets: a key costs one array slot, where a
 * DeadlineQueue spends a heap entry, a map entry and two boxed numbers on it (some 140 bytes).
 * The price: a key comes out up to one bucket after its deadline, and a key whose deadline moved
 * comes out once for every bucket it was added to, so the owner checks the real deadline of each
 * key it gets back. For state held much longer than a bucket (the repeat-caller week).
 */
import { Heap } from 'heap-js';

export class ExpiryBuckets<K> {
  readonly #bucketMs: number;
  /** Bucket number (its end / bucketMs) -> the keys added to it. */
  readonly #buckets = new Map<number, K[]>();
  /** The bucket numbers in #buckets, earliest first. */
  readonly #order = new Heap<number>((a, b) => a - b);

  constructor(bucketMs: number) {
    this.#bucketMs = bucketMs;
  }

  /** The bucket a deadline falls in: its end is at or after the deadline. */
  bucketOf(deadline: number): number {
    return Math.ceil(deadline / this.#bucketMs);
  }

  /** Adds a key to the bucket of `deadline`. */
  add(key: K, deadline: number): void {
    const bucket = this.bucketOf(deadline);
    const keys = this.#buckets.get(bucket);
    if (keys !== undefined) {
      keys.push(key);
      return;
    }
    this.#buckets.set(bucket, [key]);
    this.#order.push(bucket);
  }

  /** Removes and returns the keys of every bucket that ends at or before `now`, earliest bucket first. */
  popDue(now: number): K[] {
    const due: K[] = [];
    for (
      let top = this.#order.peek();
      top !== undefined && top * this.#bucketMs <= now;
      top = this.#order.peek()
    ) {
      this.#order.pop();
      for (const key of this.#buckets.get(top) ?? []) due.push(key);
      this.#buckets.delete(top);
    }
    return due;
  }
}
