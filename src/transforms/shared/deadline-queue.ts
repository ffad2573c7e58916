/**
 * Deadlines per key with lazy invalidation: setting a new deadline for a key makes its older heap
 * entries stale, and they are skipped when popped. Lets the trackers find what is due in
 * O(log n) per change instead of scanning every open call on each watermark step.
 */
import { Heap } from 'heap-js';

interface Entry {
  readonly deadline: number;
  readonly key: string;
}

export class DeadlineQueue {
  readonly #heap = new Heap<Entry>((a, b) => a.deadline - b.deadline);
  readonly #current = new Map<string, number>();

  get size(): number {
    return this.#current.size;
  }

  /** Sets (or moves) the deadline of a key. */
  set(key: string, deadline: number): void {
    if (this.#current.get(key) === deadline) return;
    this.#current.set(key, deadline);
    this.#heap.push({ deadline, key });
  }

  has(key: string): boolean {
    return this.#current.has(key);
  }

  delete(key: string): void {
    this.#current.delete(key);
  }

  /** Removes and returns the keys whose deadline is at or before `now`, earliest first. */
  popDue(now: number): string[] {
    const due: string[] = [];
    for (let top = this.#heap.peek(); top !== undefined && top.deadline <= now; top = this.#heap.peek()) {
      this.#heap.pop();
      if (this.#current.get(top.key) === top.deadline) {
        this.#current.delete(top.key);
        due.push(top.key);
      }
    }
    return due;
  }
}
