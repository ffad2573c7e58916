/**
 * Which rollup rows a batch makes stale ("dirty"), as sets of windows per gemeente (and queue).
 * Pure: in a SinkBatch (and, for callbacks, what is stored of them), out the minute windows of the
 * minute rollups and the due dates of the due-date rollup; the hours and local days to recompute
 * follow from the minutes.
 *
 * Why no stored previous windows are needed for legs and calls: a leg's window (gemeente, queue,
 * entered_at) never changes, and a call's end-to-end attribution is stored on its first offered
 * leg (encode-rows.ts), so when a correction changes which leg comes first, both legs are in the
 * batch (the call tracker re-emits every leg of the call, and removed legs as tombstones). Callback
 * request and completion windows only ever appear (the queue is known once the request is); only
 * the due date can move, when a changed work calendar recomputes it: for that the writer looks up
 * the stored version, and `planCallbacks` records the dates a callback left in
 * `earlier_due_dates`, so the old date's row is recomputed and, with the callback's version still
 * counted there, replaces the stale one.
 */
import { localDateOf } from '../../domain/index.ts';
import type { SinkBatch } from '../../pipeline/contracts.ts';
import { dueDateOf } from './encode-rows.ts';
import type { CallbackFact } from '../../events/facts.ts';

const MINUTE_S = 60;
const HOUR_S = 3600;

/**
 * What a rollup row is kept per, besides its window: a gemeente, or a gemeente and a queue; for the
 * minute rollups kept per Kafka partition, also the partition.
 */
export interface Scope {
  readonly gemeente: string;
  readonly queue?: string;
  readonly partition?: number;
}

/** One dirty rollup row: its scope and its window (epoch seconds, or a day number for dates). */
export interface WindowKey {
  readonly scope: Scope;
  readonly start: number;
}

/** Window starts (epoch seconds, or day numbers for dates) per scope. */
export class ScopedWindows {
  readonly #byScope = new Map<string, { scope: Scope; starts: Set<number> }>();

  add(scope: Scope, start: number): void {
    const key = `${scope.gemeente}\u0000${scope.queue ?? ''}\u0000${scope.partition ?? ''}`;
    let entry = this.#byScope.get(key);
    if (entry === undefined) {
      entry = { scope, starts: new Set() };
      this.#byScope.set(key, entry);
    }
    entry.starts.add(start);
  }

  get size(): number {
    let n = 0;
    for (const { starts } of this.#byScope.values()) n += starts.size;
    return n;
  }

  /** The same scopes with every start mapped (e.g. minute -> hour); duplicates collapse. */
  map(f: (start: number) => number): ScopedWindows {
    const result = new ScopedWindows();
    for (const { scope, starts } of this.#byScope.values()) for (const s of starts) result.add(scope, f(s));
    return result;
  }

  /** Every scope and window, ordered by scope (as added) and then window. */
  keys(): WindowKey[] {
    const result: WindowKey[] = [];
    for (const { scope, starts } of this.#byScope.values()) {
      for (const start of [...starts].sort((a, b) => a - b)) result.push({ scope, start });
    }
    return result;
  }
}

const DAY_MS = 86_400_000;

/** A date 'YYYY-MM-DD' as days since 1970-01-01 (plain calendar arithmetic, no time zone). */
export const dayNumberOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
/** A day number back as 'YYYY-MM-DD'. */
export const dateOfDayNumber = (dayNumber: number): string =>
  new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);

const minuteOf = (ms: number) => Math.floor(ms / 60_000) * MINUTE_S;
const hourOfSec = (sec: number) => Math.floor(sec / HOUR_S) * HOUR_S;
const dayNumberOfSec = (sec: number) => dayNumberOf(localDateOf(sec * 1000));

/** The dirty minute windows of every minute rollup, and the dirty due dates. */
export interface DirtyWindows {
  /** queue_minute: per gemeente and queue. */
  readonly queueMinutes: ScopedWindows;
  /** gemeente_minute: per gemeente. */
  readonly gemeenteMinutes: ScopedWindows;
  /** callback_minute: per gemeente and the queue the callback is owed to. */
  readonly callbackMinutes: ScopedWindows;
  /** callback_due_day: day numbers per gemeente and queue. */
  readonly dueDays: ScopedWindows;
}

/** What is stored of a callback: the version and due dates of its latest row. */
export interface StoredCallback {
  readonly version: number;
  readonly dueDate: string | null;
  readonly earlierDueDates: readonly string[];
}

/** A callback fact to write, with the due dates it left. */
export interface PlannedCallback {
  readonly fact: CallbackFact;
  readonly earlierDueDates: readonly string[];
}

/**
 * The callback facts worth writing and their earlier due dates. A fact older than the stored one
 * (a lower version, e.g. from a partial replay) is left out: it would change nothing. Facts of one
 * callback in the same batch are taken in order, each building on the one before.
 */
export function planCallbacks(
  facts: readonly CallbackFact[],
  stored: ReadonlyMap<string, StoredCallback>,
): PlannedCallback[] {
  const latest = new Map(stored);
  const planned: PlannedCallback[] = [];
  for (const fact of facts) {
    const previous = latest.get(fact.callbackId);
    if (previous !== undefined && fact.version < previous.version) continue;
    const dueDate = fact.dueAt === null ? null : dueDateOf(fact.dueAt);
    const left = new Set(previous?.earlierDueDates ?? []);
    if (previous?.dueDate != null) left.add(previous.dueDate);
    if (dueDate !== null) left.delete(dueDate);
    const earlierDueDates = [...left].sort();
    planned.push({ fact, earlierDueDates });
    latest.set(fact.callbackId, { version: fact.version, dueDate, earlierDueDates });
  }
  return planned;
}

/** The minute windows (and due dates) whose rollup rows the batch's facts change. */
export function dirtyWindows(batch: SinkBatch, callbacks: readonly PlannedCallback[]): DirtyWindows {
  const queueMinutes = new ScopedWindows();
  const gemeenteMinutes = new ScopedWindows();
  const callbackMinutes = new ScopedWindows();
  const dueDays = new ScopedWindows();
  for (const leg of [...batch.legs, ...batch.legTombstones]) {
    const minute = minuteOf(leg.enteredAt);
    queueMinutes.add({ gemeente: leg.gemeente, queue: leg.queue }, minute);
    gemeenteMinutes.add({ gemeente: leg.gemeente }, minute);
  }
  for (const start of batch.callStarts)
    gemeenteMinutes.add({ gemeente: start.gemeente }, minuteOf(start.startedAt));
  for (const survey of batch.surveys)
    gemeenteMinutes.add({ gemeente: survey.gemeente }, minuteOf(survey.answeredAt));
  for (const { fact, earlierDueDates } of callbacks) {
    // Counted per queue owed to, so only once the request (which names the queue) is known.
    if (fact.queue === null) continue;
    const scope = { gemeente: fact.gemeente, queue: fact.queue };
    if (fact.requestedAt !== null) callbackMinutes.add(scope, minuteOf(fact.requestedAt));
    if (fact.completedAt !== null) callbackMinutes.add(scope, minuteOf(fact.completedAt));
    if (fact.dueAt !== null) dueDays.add(scope, dayNumberOf(dueDateOf(fact.dueAt)));
    for (const date of earlierDueDates) dueDays.add(scope, dayNumberOf(date));
  }
  return { queueMinutes, gemeenteMinutes, callbackMinutes, dueDays };
}

/** The hours (epoch seconds) the minute windows fall in: the hour rows to recompute from minute rows. */
export function hoursOf(minutes: ScopedWindows): ScopedWindows {
  return minutes.map(hourOfSec);
}

/** The local days (day numbers of Europe/Amsterdam dates) the windows fall in. */
export function localDaysOf(windows: ScopedWindows): ScopedWindows {
  return windows.map(dayNumberOfSec);
}
