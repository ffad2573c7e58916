/**
 * Which offset of a partition may be committed. Every message received is pending until the
 * sink has acknowledged everything it produced (facts, dead letters) or it needed nothing
 * written; the committable offset is the first still-pending one, so a crash replays exactly the
 * messages whose effect is not safely stored yet (and, for open calls, the events their state
 * is rebuilt from). Offsets are plain numbers: exact up to 2^53, far beyond any partition.
 */
export class OffsetTracker {
  /** Per partition: offsets received in order, with a done flag, from the oldest pending one on. */
  readonly #partitions = new Map<
    number,
    { offsets: number[]; done: Set<number>; next: number | undefined; maxReceived: number }
  >();

  /**
   * Registers a received message. Returns false for an offset at or below one already received:
   * Kafka delivers it again after a rejoin or a failed batch, and its effect is already in memory.
   */
  received(partition: number, offset: number): boolean {
    let p = this.#partitions.get(partition);
    if (p === undefined) {
      p = { offsets: [], done: new Set(), next: undefined, maxReceived: -1 };
      this.#partitions.set(partition, p);
    }
    if (offset <= p.maxReceived) return false;
    p.maxReceived = offset;
    p.offsets.push(offset);
    return true;
  }

  /** Marks a message's effect as safely stored. */
  acknowledged(partition: number, offset: number): void {
    const p = this.#partitions.get(partition);
    // Acknowledging twice (a rejected event is both dead-lettered and released) is harmless.
    if (p === undefined || (p.next !== undefined && offset < p.next)) return;
    p.done.add(offset);
    let i = 0;
    while (i < p.offsets.length) {
      const head = p.offsets[i];
      if (head === undefined || !p.done.has(head)) break;
      p.done.delete(head);
      p.next = head + 1;
      i++;
    }
    if (i > 0) p.offsets.splice(0, i);
  }

  /** The offsets to commit now: the next offset to read, per partition that has acknowledged messages. */
  committable(): Map<number, number> {
    const result = new Map<number, number>();
    for (const [partition, p] of this.#partitions) if (p.next !== undefined) result.set(partition, p.next);
    return result;
  }

  /** The offset after the latest one received of a partition; undefined when none was received. */
  nextToRead(partition: number): number | undefined {
    const p = this.#partitions.get(partition);
    return p === undefined || p.maxReceived < 0 ? undefined : p.maxReceived + 1;
  }

  /** Messages received but not yet acknowledged, per partition. */
  pending(): Map<number, number> {
    return new Map([...this.#partitions].map(([partition, p]) => [partition, p.offsets.length]));
  }

  /** Forgets a partition (revoked in a rebalance: its new owner replays from the committed offset). */
  revoke(partition: number): void {
    this.#partitions.delete(partition);
  }
}
