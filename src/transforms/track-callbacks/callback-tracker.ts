/**
 * Tracks terugbelverzoeken: each callback's request and completion, arriving in any order, days
 * apart or twice. Emits the callback's fact on every change (with the fact it replaces), keeps
 * open callbacks for the open/overdue gauges, and releases completed ones after the correction
 * window. Pure: the due rule comes from the domain, time is passed in.
 *
 * Memory is bounded: an open callback leaves memory `openHorizonMs` (event time) after its
 * request, long past its due moment; only its id, gemeente and queue stay, counted open and
 * overdue. Its completion is then an orphan, settled against the stored history, and takes it
 * off. State is per Kafka partition (a callback's events share one), so a processor counts only
 * the callbacks of the partitions it owns and drops them with the partition.
 *
 * A partition's previous owner may have stored a callback's fact and died before the rollup rows
 * that count it: what it handled is read again from the committed offset, and every callback event
 * up to the last one it stored goes through the stored history, so the fact is written again
 * (restated) whatever the tracker holds of it by then (released past the horizon, or not at all).
 */
import { callbackDueAt, isCallbackOverdue, isCompletedOnTime } from '../../domain/callback-due.ts';
import type { WorkCalendar } from '../../domain/werkdag.ts';
import type { CallbackCompleted, CallbackEvent, CallbackRequested } from '../../events/call-event.ts';
import type { Rejection } from '../../events/dead-letter.ts';
import { DeadlineQueue } from '../shared/deadline-queue.ts';
import type { CallbackFact, ReleasedCallback } from '../../events/facts.ts';

export interface CallbackOutput<Ref> {
  readonly facts: { fact: CallbackFact; previous: CallbackFact | undefined }[];
  /**
   * Facts restored from the store whose event came again (a replay after a restart): written
   * again unchanged, so a rollup a crash left behind is recomputed; not counted again.
   */
  readonly restated: CallbackFact[];
  readonly rejected: (Rejection & { event: CallbackEvent; ref: Ref })[];
  readonly orphans: { event: CallbackEvent; ref: Ref }[];
  readonly done: Ref[];
  duplicates: number;
}

interface CallbackState {
  /** The Kafka partition of the callback's events. */
  readonly partition: number;
  requested?: CallbackRequested;
  completed?: CallbackCompleted;
  fact?: CallbackFact;
  /** Put back by seed() and not written since: a replayed event of it restates its fact once. */
  restored?: boolean;
}

export interface CallbackTrackerOptions<Ref> {
  readonly allowedLatenessMs: number;
  readonly correctionMs: number;
  /** Event time after its request that an open callback stays in memory. */
  readonly openHorizonMs: number;
  /** The Kafka partition a message came from. */
  readonly partitionOf: (ref: Ref) => number;
  /** The message's Kafka offset in its partition. */
  readonly offsetOf: (ref: Ref) => number;
}

export class CallbackTracker<Ref> {
  readonly #callbacks = new Map<string, CallbackState>();
  readonly #releaseAt = new DeadlineQueue();
  #watermark = Number.NEGATIVE_INFINITY;
  readonly #calendarOf: (gemeente: string) => WorkCalendar;
  readonly #options: CallbackTrackerOptions<Ref>;
  /** Per partition, the open callbacks past the horizon (released here, or restored so): id -> `gemeente|queue`. */
  readonly #released = new Map<number, Map<string, string>>();
  /** `gemeente|queue` -> how many of #released. */
  readonly #releasedCounts = new Map<string, number>();
  /** Per restored partition, the offset of the last callback event stored from it (by any owner). */
  readonly #storedThrough = new Map<number, number>();

  constructor(calendarOf: (gemeente: string) => WorkCalendar, options: CallbackTrackerOptions<Ref>) {
    this.#calendarOf = calendarOf;
    this.#options = options;
  }

  static output<Ref>(): CallbackOutput<Ref> {
    return { facts: [], restated: [], rejected: [], orphans: [], done: [], duplicates: 0 };
  }

  get callbacksInMemory(): number {
    return this.#callbacks.size;
  }

  /**
   * Applies one event; returns what became of it. An event of a callback not in memory goes out
   * as an orphan to be settled against the stored history when a previous owner of the partition
   * may have handled it (read again), when it is old, and always when it is a completion (its
   * request, days earlier, may be stored and no longer in memory); `resolved` says the history was
   * consulted (seed()) and the event is to be applied now.
   */
  apply(
    event: CallbackEvent,
    ref: Ref,
    out: CallbackOutput<Ref>,
    options: { resolved?: boolean } = {},
  ): 'applied' | 'duplicate' | 'rejected' | 'orphan' {
    let state = this.#callbacks.get(event.callbackId);
    if (state === undefined) {
      const partition = this.#options.partitionOf(ref);
      const readAgain = this.#options.offsetOf(ref) <= (this.#storedThrough.get(partition) ?? -1);
      if (readAgain && options.resolved !== true) {
        out.orphans.push({ event, ref });
        return 'orphan';
      }
      if (
        event.type === 'CALLBACK_REQUESTED' &&
        this.#released.get(partition)?.has(event.callbackId) === true
      ) {
        // Requested again (a later copy) while open past the horizon: known. A copy a previous
        // owner may have handled went through the store above.
        out.done.push(ref);
        out.duplicates++;
        return 'duplicate';
      }
      const old =
        event.occurredAt <= this.#watermark - this.#options.allowedLatenessMs - this.#options.correctionMs;
      if (options.resolved !== true && (old || event.type === 'CALLBACK_COMPLETED')) {
        out.orphans.push({ event, ref });
        return 'orphan';
      }
      state = { partition };
      this.#callbacks.set(event.callbackId, state);
    }
    out.done.push(ref);
    const same = event.type === 'CALLBACK_REQUESTED' ? state.requested : state.completed;
    if (same?.eventId === event.eventId) {
      out.duplicates++;
      if (state.restored === true && state.fact !== undefined) {
        out.restated.push(state.fact);
        state.restored = false;
      }
      return 'duplicate';
    }
    const conflict = this.#conflict(state, event);
    if (conflict !== undefined) {
      out.rejected.push({ reason: 'contradicts-call-state', detail: conflict, event, ref });
      if (state.requested === undefined && state.completed === undefined)
        this.#callbacks.delete(event.callbackId);
      return 'rejected';
    }
    this.#record(state, event);
    // Completed after it left memory: off the released ones.
    if (state.completed !== undefined) this.#unrelease(state.partition, event.callbackId);
    const fact = this.#factOf(event.callbackId, state);
    out.facts.push({ fact, previous: state.fact });
    state.fact = fact;
    state.restored = false;
    return 'applied';
  }

  /**
   * Puts a stored event back in memory without emitting anything: the history of an orphan's
   * callback before the orphan is applied, or open callbacks after a restart.
   */
  seed(event: CallbackEvent, partition: number): void {
    let state = this.#callbacks.get(event.callbackId);
    if (state === undefined) {
      state = { partition };
      this.#callbacks.set(event.callbackId, state);
    }
    if (event.type === 'CALLBACK_REQUESTED' ? state.requested !== undefined : state.completed !== undefined)
      return;
    if (this.#conflict(state, event) !== undefined) return;
    this.#record(state, event);
    // Completed in the store: not open, whatever was counted of it.
    if (state.completed !== undefined) this.#unrelease(state.partition, event.callbackId);
    state.fact = this.#factOf(event.callbackId, state);
    state.restored = true;
  }

  /**
   * A partition assigned here, restored from the store: forgets what was held of it, then takes its
   * open callbacks past the horizon (streamed, one by one); seed() puts back the later ones.
   * `lastStoredOffset` is the offset of the last callback event of the partition in the store: the
   * events up to it are settled against the store when they are read again.
   */
  restorePartition(partition: number, lastStoredOffset: number | undefined): void {
    this.dropPartitions(new Set([partition]));
    if (lastStoredOffset !== undefined) this.#storedThrough.set(partition, lastStoredOffset);
  }

  /** An open callback of the partition past the horizon, counted, not held. */
  addReleased(partition: number, callback: ReleasedCallback): void {
    if (this.#callbacks.has(callback.callbackId)) return;
    let ids = this.#released.get(partition);
    if (ids === undefined) {
      ids = new Map();
      this.#released.set(partition, ids);
    }
    if (ids.has(callback.callbackId)) return;
    const key = `${callback.gemeente}|${callback.queue}`;
    ids.set(callback.callbackId, key);
    this.#releasedCounts.set(key, (this.#releasedCounts.get(key) ?? 0) + 1);
  }

  /** Forgets the callbacks of partitions no longer owned (their new owner restores them). */
  dropPartitions(lost: ReadonlySet<number>): void {
    for (const [id, state] of this.#callbacks) {
      if (!lost.has(state.partition)) continue;
      this.#callbacks.delete(id);
      this.#releaseAt.delete(id);
    }
    for (const p of lost) {
      for (const id of [...(this.#released.get(p)?.keys() ?? [])]) this.#unrelease(p, id);
      this.#storedThrough.delete(p);
    }
  }

  #unrelease(partition: number, callbackId: string): void {
    const ids = this.#released.get(partition);
    const key = ids?.get(callbackId);
    if (ids === undefined || key === undefined) return;
    ids.delete(callbackId);
    if (ids.size === 0) this.#released.delete(partition);
    const left = (this.#releasedCounts.get(key) ?? 0) - 1;
    if (left > 0) this.#releasedCounts.set(key, left);
    else this.#releasedCounts.delete(key);
  }

  #record(state: CallbackState, event: CallbackEvent): void {
    if (event.type === 'CALLBACK_REQUESTED') state.requested = event;
    else state.completed = event;
    // Open callbacks stay until the horizon; the rest only for late corrections.
    if (state.requested === undefined || state.completed !== undefined) {
      const last = Math.max(state.requested?.occurredAt ?? 0, state.completed?.occurredAt ?? 0);
      this.#releaseAt.set(
        event.callbackId,
        last + this.#options.allowedLatenessMs + this.#options.correctionMs,
      );
    } else {
      this.#releaseAt.set(event.callbackId, state.requested.occurredAt + this.#options.openHorizonMs);
    }
  }

  advance(watermark: number): void {
    if (watermark > this.#watermark) this.#watermark = watermark;
    for (const id of this.#releaseAt.popDue(this.#watermark)) {
      const state = this.#callbacks.get(id);
      this.#callbacks.delete(id);
      if (state?.requested === undefined || state.completed !== undefined) continue;
      const { gemeente, queue } = state.requested;
      this.addReleased(state.partition, { callbackId: id, gemeente, queue });
    }
  }

  /** Open (requested, not completed) and overdue callbacks per `gemeente|queue`, at a wall-clock instant. */
  openAndOverdue(nowMs: number): Map<string, { open: number; overdue: number }> {
    const result = new Map<string, { open: number; overdue: number }>();
    // Released ones are past the horizon, so long past their due moment.
    for (const [key, n] of this.#releasedCounts) result.set(key, { open: n, overdue: n });
    for (const [id, { requested, completed, fact, partition }] of this.#callbacks) {
      if (requested === undefined || completed !== undefined || fact?.dueAt == null) continue;
      // Read back for its completion, and among the released ones already.
      if (this.#released.get(partition)?.has(id) === true) continue;
      const key = `${requested.gemeente}|${requested.queue}`;
      const counts = result.get(key) ?? { open: 0, overdue: 0 };
      counts.open++;
      if (isCallbackOverdue(fact.dueAt, nowMs)) counts.overdue++;
      result.set(key, counts);
    }
    return result;
  }

  #conflict(state: CallbackState, event: CallbackEvent): string | undefined {
    const id = `${event.type} ${event.eventId} of callback ${event.callbackId}`;
    const other = state.requested ?? state.completed;
    if (other !== undefined && other.gemeente !== event.gemeente)
      return `${id}: gemeente ${event.gemeente}, but the callback belongs to ${other.gemeente}`;
    if (event.type === 'CALLBACK_REQUESTED') {
      if (state.requested !== undefined)
        return `${id}: the callback was already requested (event ${state.requested.eventId})`;
      if (state.completed !== undefined && state.completed.occurredAt < event.occurredAt)
        return `${id}: requested after it was completed`;
    } else {
      if (state.completed !== undefined)
        return `${id}: the callback was already completed (event ${state.completed.eventId})`;
      if (state.requested !== undefined && event.occurredAt < state.requested.occurredAt)
        return `${id}: completed before it was requested`;
    }
    return undefined;
  }

  #factOf(callbackId: string, { requested, completed }: CallbackState): CallbackFact {
    const gemeente = (requested ?? completed)?.gemeente ?? '';
    const dueAt =
      requested === undefined ? null : callbackDueAt(requested.occurredAt, this.#calendarOf(gemeente));
    return {
      callbackId,
      gemeente,
      queue: requested?.queue ?? null,
      callId: requested?.callId ?? null,
      requestedAt: requested?.occurredAt ?? null,
      dueAt,
      completedAt: completed?.occurredAt ?? null,
      outcome: completed?.outcome ?? null,
      onTime:
        dueAt === null || completed === undefined ? null : isCompletedOnTime(completed.occurredAt, dueAt),
      version: (requested === undefined ? 0 : 1) + (completed === undefined ? 0 : 2),
    };
  }
}
