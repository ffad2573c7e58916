/**
 * Event time across the partitions a processor owns. Each partition's is the latest event time
 * read from it (calls, whose events share a partition, follow that); the watermark of what spans
 * partitions is the minimum over them, so one partition read ahead (Kafka hands out batches
 * partition by partition) does not make the others' events look late. Only a partition read to
 * its end and quiet for a while follows the wall clock, so event time never jumps over unread
 * backlog (before the first fetch, while paused by a sink outage, during a rebalance).
 */

/** What is known of one owned partition: the evidence event time moves on. */
interface PartitionProgress {
  /** The latest event time read, at most the clock plus the allowed skew (a fast switch clock is clamped). */
  maxEventAt: number;
  /** Whether everything written to it had been read, by the latest evidence (a fetch or a probe). */
  caughtUp: boolean;
  /** How many messages were written to it and not yet read, by the latest evidence (0 before any). */
  unread: number;
  /** When its latest message arrived, or when it was assigned. */
  lastMessageAt: number;
  /** When it was assigned (or a rebalance began): end offsets probed before then say nothing of now. */
  assignedAt: number;
}

export interface PartitionClockOptions {
  /** A partition read to its end and quiet this long lets event time follow the clock. */
  readonly idleAdvanceMs: number;
  /** Event times further ahead of the clock count only up to the clock plus this. */
  readonly maxFutureSkewMs: number;
  /** Wall clock. */
  readonly now: () => number;
}

export class PartitionClock {
  readonly #partitions = new Map<number, PartitionProgress>();
  readonly #options: PartitionClockOptions;

  constructor(options: PartitionClockOptions) {
    this.#options = options;
  }

  /** Partitions owned now. */
  get partitions(): readonly number[] {
    return [...this.#partitions.keys()];
  }

  /** Takes the partitions owned after a group join; returns those no longer owned. */
  assign(partitions: readonly number[]): Set<number> {
    const owned = new Set(partitions);
    const lost = new Set([...this.#partitions.keys()].filter((p) => !owned.has(p)));
    for (const p of lost) this.#partitions.delete(p);
    for (const p of owned) if (!this.#partitions.has(p)) this.#partitions.set(p, this.#fresh());
    return lost;
  }

  /** A rebalance began: until the group settles and new evidence comes, no partition counts as read to its end. */
  rebalancing(): void {
    const now = this.#options.now();
    for (const p of this.#partitions.values()) {
      p.caughtUp = false;
      // A probe that started before the rebalance says nothing of the assignment after it.
      p.assignedAt = now;
    }
  }

  /** An accepted event of the partition, at `occurredAt`. */
  eventRead(partition: number, occurredAt: number): void {
    const p = this.#progress(partition);
    const readUpTo = Math.min(occurredAt, this.#options.now() + this.#options.maxFutureSkewMs);
    if (readUpTo > p.maxEventAt) p.maxEventAt = readUpTo;
  }

  /**
   * A fetch of the partition was handled; `unread`, when the fetch told where the partition ends,
   * is how many messages are left after it (0: it reached the end).
   */
  fetched(partition: number, unread: number | undefined): void {
    const p = this.#progress(partition);
    p.lastMessageAt = this.#options.now();
    if (unread !== undefined) {
      p.caughtUp = unread <= 0;
      p.unread = Math.max(0, unread);
    }
  }

  /**
   * Evidence of where a partition ends from a probe that started at `probedAt`: read to its end
   * when the next offset to read is at the high watermark.
   */
  probed(partition: number, probedAt: number, nextToRead: number, highWatermark: number): void {
    const p = this.#partitions.get(partition);
    if (p === undefined || probedAt < p.assignedAt) return;
    p.caughtUp = nextToRead >= highWatermark;
    p.unread = Math.max(0, highWatermark - nextToRead);
  }

  /** Messages written to the owned partitions and not yet read, by the latest evidence: the backlog. */
  unread(): number {
    let sum = 0;
    for (const p of this.#partitions.values()) sum += p.unread;
    return sum;
  }

  /**
   * How far each owned partition's events are read; a partition read to its end and quiet for the
   * idle time counts as read up to now, so the last calls of a quiet period become final.
   */
  readUpTo(): Map<number, number> {
    const now = this.#options.now();
    const byPartition = new Map<number, number>();
    for (const [partition, p] of this.#partitions) {
      const idle = p.caughtUp && now - p.lastMessageAt >= this.#options.idleAdvanceMs;
      byPartition.set(partition, idle ? Math.max(p.maxEventAt, now) : p.maxEventAt);
    }
    return byPartition;
  }

  /**
   * The minimum over owned partitions of how far they are read (`readUpTo`, or one taken before),
   * for what spans partitions; a quiet partition read to its end does not hold the others back.
   */
  watermark(readUpTo: ReadonlyMap<number, number> = this.readUpTo()): number {
    let min = Number.POSITIVE_INFINITY;
    for (const ms of readUpTo.values()) if (ms < min) min = ms;
    return min === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : min;
  }

  #progress(partition: number): PartitionProgress {
    let p = this.#partitions.get(partition);
    if (p === undefined) {
      p = this.#fresh();
      this.#partitions.set(partition, p);
    }
    return p;
  }

  #fresh(): PartitionProgress {
    const now = this.#options.now();
    return {
      maxEventAt: Number.NEGATIVE_INFINITY,
      caughtUp: false,
      unread: 0,
      lastMessageAt: now,
      assignedAt: now,
    };
  }
}
