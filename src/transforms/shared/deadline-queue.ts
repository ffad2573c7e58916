/**
 * A min-heap of (deadline, key) with lazy invalidation: pushing a new deadline for a key makes
 * older entries stale, and they are skipped when popped. Lets the trackers find what is due in
 * O(log n) per change instead of scanning every open call on each watermark step.
 */
export class DeadlineQueue {
  readonly #deadlines: number[] = [];
  readonly #keys: string[] = [];
  readonly #current = new Map<string, number>();

  get size(): number {
    return this.#current.size;
  }

  /** Sets (or moves) the deadline of a key. */
  set(key: string, deadline: number): void {
    if (this.#current.get(key) === deadline) return;
    this.#current.set(key, deadline);
    this.#push(deadline, key);
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
    while (this.#deadlines.length > 0 && (this.#deadlines[0] ?? Infinity) <= now) {
      const [deadline, key] = this.#pop();
      if (this.#current.get(key) === deadline) {
        this.#current.delete(key);
        due.push(key);
      }
    }
    return due;
  }

  #push(deadline: number, key: string): void {
    const d = this.#deadlines;
    const k = this.#keys;
    let i = d.length;
    d.push(deadline);
    k.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((d[parent] ?? 0) <= deadline) break;
      d[i] = d[parent] ?? 0;
      k[i] = k[parent] ?? '';
      i = parent;
    }
    d[i] = deadline;
    k[i] = key;
  }

  #pop(): [number, string] {
    const d = this.#deadlines;
    const k = this.#keys;
    const top: [number, string] = [d[0] ?? 0, k[0] ?? ''];
    const lastDeadline = d.pop() ?? 0;
    const lastKey = k.pop() ?? '';
    const n = d.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && (d[right] ?? 0) < (d[left] ?? 0) ? right : left;
        if ((d[child] ?? 0) >= lastDeadline) break;
        d[i] = d[child] ?? 0;
        k[i] = k[child] ?? '';
        i = child;
      }
      d[i] = lastDeadline;
      k[i] = lastKey;
    }
    return top;
  }
}
