/** One partition's received offsets, from the oldest pending one (`offsets[head]`) on. */
interface PartitionOffsets {
  /** Ascending (Kafka may skip offsets: compaction, transaction markers). */
  offsets: number[];
  /** 1 where the offset at the same index is acknowledged: a small integer each, no allocation. */
  done: number[];
  head: number;
  next: number | undefined;
  maxReceived: number;
}

/** Offsets before the head are dropped from the arrays once they are this many and half of them. */
const COMPACT_AFTER = 4096;

/**
 * Which offset of a partition may be committed. Every message received is pending until the
 * sink has acknowledged everything it produced (facts, dead letters) or it needed nothing
 * written; the committable offset is the first still-pending one, so a crash replays exactly the
 * messages whose effect is not safely stored yet (and, for open calls, the events their state
 * is rebuilt from). Offsets are plain numbers: exact up to 2^53, far beyond any partition.
 */
export class OffsetTracker {
  readonly #partitions = new Map<number, PartitionOffsets>();

  /**
   * Registers a received message. Returns false for an offset at or below one already received:
   * Kafka delivers it again after a rejoin or a failed batch, and its effect is already in memory.
   */
  received(partition: number, offset: number): boolean {
    let p = this.#partitions.get(partition);
    if (p === undefined) {
      p = { offsets: [], done: [], head: 0, next: undefined, maxReceived: -1 };
      this.#partitions.set(partition, p);
    }
    if (offset <= p.maxReceived) return false;
    p.maxReceived = offset;
    p.offsets.push(offset);
    p.done.push(0);
    return true;
  }

  /** Marks a message's effect as safely stored. */
  acknowledged(partition: number, offset: number): void {
    const p = this.#partitions.get(partition);
    // Acknowledging twice (a rejected event is both dead-lettered and released) is harmless.
    if (p === undefined || (p.next !== undefined && offset < p.next)) return;
    // Acknowledgements come in the order calls end, not in offset order: found by bisection and
    // flagged in place (a set entry per message was a large share of the garbage a flush left).
    const index = indexOf(p.offsets, offset, p.head);
    if (index === undefined) return;
    p.done[index] = 1;
    while (p.head < p.offsets.length && p.done[p.head] === 1) {
      p.next = (p.offsets[p.head] ?? 0) + 1;
      p.head++;
    }
    if (p.head >= COMPACT_AFTER && p.head * 2 >= p.offsets.length) {
      p.offsets = p.offsets.slice(p.head);
      p.done = p.done.slice(p.head);
      p.head = 0;
    }
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
    return new Map([...this.#partitions].map(([partition, p]) => [partition, p.offsets.length - p.head]));
  }

  /** Forgets a partition (revoked in a rebalance: its new owner replays from the committed offset). */
  revoke(partition: number): void {
    this.#partitions.delete(partition);
  }
}

/** Where `offset` is in the ascending `offsets` from `from` on; undefined when it was never received. */
function indexOf(offsets: readonly number[], offset: number, from: number): number | undefined {
  let low = from;
  let high = offsets.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = offsets[middle] ?? 0;
    if (at === offset) return middle;
    if (at < offset) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}
