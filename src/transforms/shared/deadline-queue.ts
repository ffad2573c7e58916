/**
 * Deadlines per key, due in order: lets the trackers find what is due in O(log n) per change
 * instead of scanning every open call on each watermark step.
 *
 * A call's deadline moves later with nearly every event it gets. Rather than a heap entry per
 * move (a busy month held some 460 000 of them, most stale), a key keeps the entry it has while
 * its deadline only moves later, and that entry, once popped, goes back in at the key's deadline
 * of that moment. Only a deadline earlier than the key's entry adds another; the older entry is
 * then stale and skipped when popped.
 */
import { Heap } from 'heap-js';

interface Entry {
  readonly deadline: number;
  readonly key: string;
}

export class DeadlineQueue {
  readonly #heap = new Heap<Entry>((a, b) => a.deadline - b.deadline);
  /** Each key's deadline. */
  readonly #current = new Map<string, number>();
  /** The deadline of each key's entry in the heap: at or before the key's deadline. */
  readonly #queued = new Map<string, number>();

  get size(): number {
    return this.#current.size;
  }

  /** Entries in the heap, stale ones included: what the queue costs in memory beyond its keys. */
  get entries(): number {
    return this.#heap.length;
  }

  /** Sets (or moves) the deadline of a key. */
  set(key: string, deadline: number): void {
    this.#current.set(key, deadline);
    const queued = this.#queued.get(key);
    if (queued !== undefined && queued <= deadline) return;
    this.#queued.set(key, deadline);
    this.#heap.push({ deadline, key });
  }

  has(key: string): boolean {
    return this.#current.has(key);
  }

  delete(key: string): void {
    this.#current.delete(key);
    this.#queued.delete(key);
  }

  /** Removes and returns the keys whose deadline is at or before `now`, earliest first. */
  popDue(now: number): string[] {
    const due: string[] = [];
    for (let top = this.#heap.peek(); top !== undefined && top.deadline <= now; top = this.#heap.peek()) {
      this.#heap.pop();
      const { key, deadline } = top;
      // Not the key's entry: an earlier deadline replaced it, or the key is gone.
      if (this.#queued.get(key) !== deadline) continue;
      const current = this.#current.get(key);
      if (current !== undefined && current > deadline) {
        // The deadline moved later since: the entry goes back in there, in order among the rest.
        this.#queued.set(key, current);
        this.#heap.push({ deadline: current, key });
        continue;
      }
      this.#queued.delete(key);
      if (current === deadline) {
        this.#current.delete(key);
        due.push(key);
      }
    }
    return due;
  }
}
