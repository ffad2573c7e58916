/**
 * Tracks terugbelverzoeken: each callback's request and completion, arriving in any order, days
 * apart or twice. Emits the callback's fact on every change (with the fact it replaces), keeps
 * open callbacks for the open/overdue gauges, and releases completed ones after the correction
 * window. Pure: the due rule comes from the domain, time is passed in.
 */
import { callbackDueAt, isCallbackOverdue, isCompletedOnTime } from '../../domain/callback-due.ts';
import type { WorkCalendar } from '../../domain/werkdag.ts';
import type { CallbackCompleted, CallbackOutcome, CallbackRequested } from '../../events/call-event.ts';
import type { Rejection } from '../../events/dead-letter.ts';
import { DeadlineQueue } from '../shared/deadline-queue.ts';

export type CallbackEvent = CallbackRequested | CallbackCompleted;

export interface CallbackFact {
  readonly callbackId: string;
  readonly gemeente: string;
  /** The queue the callback is owed to; null until the request is known. */
  readonly queue: string | null;
  readonly callId: string | null;
  readonly requestedAt: number | null;
  /** End of the 2nd werkdag after the request's local date; null until the request is known. */
  readonly dueAt: number | null;
  readonly completedAt: number | null;
  readonly outcome: CallbackOutcome | null;
  /** Completed before the due moment; null while either side is unknown. */
  readonly onTime: boolean | null;
  /** 1 = request known, 2 = completion known, 3 = both: grows with knowledge, so replays never go back. */
  readonly version: number;
}

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
  requested?: CallbackRequested;
  completed?: CallbackCompleted;
  fact?: CallbackFact;
  /** Put back by seed() and not written since: a replayed event of it restates its fact once. */
  restored?: boolean;
}

export interface CallbackTrackerOptions {
  readonly allowedLatenessMs: number;
  readonly correctionMs: number;
}

export class CallbackTracker<Ref> {
  readonly #callbacks = new Map<string, CallbackState>();
  readonly #releaseAt = new DeadlineQueue();
  #watermark = Number.NEGATIVE_INFINITY;
  readonly #calendarOf: (gemeente: string) => WorkCalendar;
  readonly #options: CallbackTrackerOptions;

  constructor(calendarOf: (gemeente: string) => WorkCalendar, options: CallbackTrackerOptions) {
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
   * as an orphan to be settled against the stored history when it is old, and always when it is a
   * completion (its request, days earlier, may be stored and no longer in memory); `resolved`
   * says the history was consulted (seed()) and the event is to be applied now.
   */
  apply(
    event: CallbackEvent,
    ref: Ref,
    out: CallbackOutput<Ref>,
    options: { resolved?: boolean } = {},
  ): 'applied' | 'duplicate' | 'rejected' | 'orphan' {
    let state = this.#callbacks.get(event.callbackId);
    if (state === undefined) {
      const old =
        event.occurredAt <= this.#watermark - this.#options.allowedLatenessMs - this.#options.correctionMs;
      if (options.resolved !== true && (old || event.type === 'CALLBACK_COMPLETED')) {
        out.orphans.push({ event, ref });
        return 'orphan';
      }
      state = {};
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
  seed(event: CallbackEvent): void {
    let state = this.#callbacks.get(event.callbackId);
    if (state === undefined) {
      state = {};
      this.#callbacks.set(event.callbackId, state);
    }
    if (event.type === 'CALLBACK_REQUESTED' ? state.requested !== undefined : state.completed !== undefined)
      return;
    if (this.#conflict(state, event) !== undefined) return;
    this.#record(state, event);
    state.fact = this.#factOf(event.callbackId, state);
    state.restored = true;
  }

  #record(state: CallbackState, event: CallbackEvent): void {
    if (event.type === 'CALLBACK_REQUESTED') state.requested = event;
    else state.completed = event;
    // Open callbacks stay until completed; the rest only for late corrections.
    if (state.requested === undefined || state.completed !== undefined) {
      const last = Math.max(state.requested?.occurredAt ?? 0, state.completed?.occurredAt ?? 0);
      this.#releaseAt.set(
        event.callbackId,
        last + this.#options.allowedLatenessMs + this.#options.correctionMs,
      );
    } else {
      this.#releaseAt.delete(event.callbackId);
    }
  }

  advance(watermark: number): void {
    if (watermark > this.#watermark) this.#watermark = watermark;
    for (const id of this.#releaseAt.popDue(this.#watermark)) this.#callbacks.delete(id);
  }

  /** Open (requested, not completed) and overdue callbacks per `gemeente|queue`, at a wall-clock instant. */
  openAndOverdue(nowMs: number): Map<string, { open: number; overdue: number }> {
    const result = new Map<string, { open: number; overdue: number }>();
    for (const { requested, completed, fact } of this.#callbacks.values()) {
      if (requested === undefined || completed !== undefined || fact?.dueAt == null) continue;
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
