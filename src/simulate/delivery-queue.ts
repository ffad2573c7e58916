/**
 * Holds scheduled messages until their delivery moment and gives them back in delivery order:
 * by deliverAt, and in the order they were scheduled when two share a moment (so the events of a
 * call scheduled at one instant keep their order, and a shuffle stays as shuffled).
 *
 * In: items with a delivery moment. Out: the same items, earliest first.
 *
 * A binary min-heap over parallel arrays (moment, sequence number, item): no wrapper object per
 * message, since a year of history passes millions of them through here.
 */
export class DeliveryQueue<T> {
  readonly #at: number[] = [];
  readonly #seq: number[] = [];
  readonly #items: T[] = [];
  #nextSeq = 0;

  get size(): number {
    return this.#items.length;
  }

  /** The earliest delivery moment waiting, or Infinity when empty. */
  peekAt(): number {
    return this.#at[0] ?? Number.POSITIVE_INFINITY;
  }

  push(at: number, item: T): void {
    const at_ = this.#at;
    const seq = this.#seq;
    const items = this.#items;
    let i = items.length;
    const s = this.#nextSeq++;
    at_.push(at);
    seq.push(s);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pa = at_[parent] as number;
      if (pa < at || (pa === at && (seq[parent] as number) < s)) break;
      at_[i] = pa;
      seq[i] = seq[parent] as number;
      items[i] = items[parent] as T;
      i = parent;
    }
    at_[i] = at;
    seq[i] = s;
    items[i] = item;
  }

  /** Removes and returns the earliest item. @throws RangeError when empty. */
  pop(): T {
    const at_ = this.#at;
    const seq = this.#seq;
    const items = this.#items;
    if (items.length === 0) throw new RangeError('the delivery queue is empty');
    const top = items[0] as T;
    const lastAt = at_.pop() as number;
    const lastSeq = seq.pop() as number;
    const lastItem = items.pop() as T;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        let child = left;
        if (right < n) {
          const la = at_[left] as number;
          const ra = at_[right] as number;
          if (ra < la || (ra === la && (seq[right] as number) < (seq[left] as number))) child = right;
        }
        const ca = at_[child] as number;
        if (lastAt < ca || (lastAt === ca && lastSeq < (seq[child] as number))) break;
        at_[i] = ca;
        seq[i] = seq[child] as number;
        items[i] = items[child] as T;
        i = child;
      }
      at_[i] = lastAt;
      seq[i] = lastSeq;
      items[i] = lastItem;
    }
    return top;
  }
}
