/**
 * Holds scheduled messages until their delivery moment and gives them back in delivery order:
 * by deliverAt, and in the order they were scheduled when two share a moment (so the events of a
 * call scheduled at one instant keep their order, and a shuffle stays as shuffled).
 *
 * In: items with a delivery moment. Out: the same items, earliest first.
 */
import { Heap } from 'heap-js';

interface Scheduled<T> {
  readonly at: number;
  /** Scheduling order: ties on `at` leave in the order they came. */
  readonly seq: number;
  readonly item: T;
}

export class DeliveryQueue<T> {
  readonly #heap = new Heap<Scheduled<T>>((a, b) => a.at - b.at || a.seq - b.seq);
  #nextSeq = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** The earliest delivery moment waiting, or Infinity when empty. */
  peekAt(): number {
    return this.#heap.peek()?.at ?? Number.POSITIVE_INFINITY;
  }

  push(at: number, item: T): void {
    this.#heap.push({ at, seq: this.#nextSeq++, item });
  }

  /** Removes and returns the earliest item. @throws RangeError when empty. */
  pop(): T {
    const top = this.#heap.pop();
    if (top === undefined) throw new RangeError('the delivery queue is empty');
    return top.item;
  }
}
