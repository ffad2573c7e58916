/**
 * One partition's received offsets that may still be pending: the oldest pending one is
 * `offsets[head]`; acknowledged ones after it stay until the next compaction.
 */
interface PartitionOffsets {
  /** Ascending (Kafka may skip offsets: compaction, transaction markers). */
  offsets: number[];
  /** 1 where the offset at the same index is acknowledged: a small integer each, no allocation. */
  done: number[];
  head: number;
  /** Acknowledged offsets at or after `head`, still in the arrays. */
  doneAhead: number;
  next: number | undefined;
  maxReceived: number;
}

/**
 * Acknowledged offsets are dropped from the arrays once they are this many and half of them. Not
 * only those before the head: one message held back (a call still open at the latest event time,
 * a callback not yet due) would otherwise keep every offset received after it, a million a
 * partition on a long disordered backlog.
 */
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
      p = { offsets: [], done: [], head: 0, doneAhead: 0, next: undefined, maxReceived: -1 };
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
    if (index === undefined || p.done[index] === 1) return;
    p.done[index] = 1;
    p.doneAhead++;
    if (index === p.head) {
      while (p.head < p.offsets.length && p.done[p.head] === 1) {
        p.head++;
        p.doneAhead--;
      }
      // Everything before the first pending offset is stored, including acknowledged offsets
      // already compacted away and offsets Kafka skipped.
      p.next = p.head < p.offsets.length ? (p.offsets[p.head] ?? 0) : p.maxReceived + 1;
    }
    const dropped = p.head + p.doneAhead;
    if (dropped >= COMPACT_AFTER && dropped * 2 >= p.offsets.length) compact(p);
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
    return new Map(
      [...this.#partitions].map(([partition, p]) => [partition, p.offsets.length - p.head - p.doneAhead]),
    );
  }

  /** Forgets a partition (revoked in a rebalance: its new owner replays from the committed offset). */
  revoke(partition: number): void {
    this.#partitions.delete(partition);
  }
}

/** Keeps only the pending offsets: the arrays shrink to what is still pending. */
function compact(p: PartitionOffsets): void {
  const offsets: number[] = [];
  const done: number[] = [];
  for (let i = p.head; i < p.offsets.length; i++) {
    if (p.done[i] === 1) continue;
    offsets.push(p.offsets[i] ?? 0);
    done.push(0);
  }
  p.offsets = offsets;
  p.done = done;
  p.head = 0;
  p.doneAhead = 0;
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
