/**
 * Repeat callers: a call is a repeat when the same caller (by pseudonym) started another call to
 * the same gemeente in the 168 hours before it (a call exactly 168 h earlier counts). Calls arrive
 * out of order, so an early call arriving late can turn later calls into repeats: those are
 * emitted again as corrections. A call's repeat flag only ever goes from false to true, so the
 * fact's version (1 = first call, 2 = repeat) never goes back on a replay.
 * Withheld numbers are left out of the repeat rate (repeat = null).
 */
import { REPEAT_WINDOW_MS } from '../../domain/kpi.ts';
import type { CallStarted } from '../../events/call-event.ts';
import { ExpiryBuckets } from '../shared/expiry-buckets.ts';
import type { CallStartFact } from '../../events/facts.ts';

export interface RepeatOutput {
  readonly facts: { fact: CallStartFact; previous: CallStartFact | undefined }[];
  /** Restored starts whose CALL_STARTED came again (a replay): written again unchanged, not counted. */
  readonly restated: CallStartFact[];
}

/**
 * A call start's fact, always built as this one literal: spreading (`{ ...base, repeat }`) gave
 * every fact a hidden class of its own, some 290 bytes of the window's memory a start
 * (scripts/bench-repeat-memory.ts).
 */
function startFact(start: Omit<CallStartFact, 'repeat' | 'version'>, repeat: boolean | null): CallStartFact {
  return {
    callId: start.callId,
    gemeente: start.gemeente,
    startedAt: start.startedAt,
    callerKey: start.callerKey,
    repeat,
    version: repeat === true ? 2 : 1,
  };
}

/** A caller's starts in the window, sorted by time; most callers call once a week, so one start is kept bare. */
type CallerStarts = CallStartFact | CallStartFact[];

/** One gemeente's callers in the window. */
interface GemeenteCallers {
  /** Pseudonym -> that caller's starts. The facts share the map's key and `gemeente` strings. */
  readonly callers: Map<string, CallerStarts>;
  readonly gemeente: string;
  /** Pseudonyms, by when their newest start leaves the window. */
  readonly expiry: ExpiryBuckets<string>;
}

/**
 * How late a caller may leave memory: the window is a week and more, so an hour late holds 0.6 %
 * more, for a release that costs an array slot a caller instead of a deadline-queue entry.
 */
const EXPIRY_BUCKET_MS = 3_600_000;

const asList = (starts: CallerStarts): readonly CallStartFact[] =>
  Array.isArray(starts) ? starts : [starts];

export class RepeatCallerTracker {
  readonly #gemeenten = new Map<string, GemeenteCallers>();
  /** Starts held, over all callers: kept as they come and go, for a gauge read every batch. */
  #starts = 0;
  #watermark = Number.NEGATIVE_INFINITY;
  readonly #horizonMs: number;

  /** @param horizonMs how long past the repeat window a start is kept (lateness + correction window). */
  constructor(horizonMs: number) {
    this.#horizonMs = horizonMs;
  }

  static output(): RepeatOutput {
    return { facts: [], restated: [] };
  }

  get callersInMemory(): number {
    let callers = 0;
    for (const g of this.#gemeenten.values()) callers += g.callers.size;
    return callers;
  }

  /** Starts held, over all callers. */
  get startsInMemory(): number {
    return this.#starts;
  }

  /** Applies a CALL_STARTED the call tracker accepted (duplicates are already filtered out). */
  apply(event: CallStarted, out: RepeatOutput): void {
    const { callId, gemeente, occurredAt: startedAt, callerKey } = event;
    if (callerKey === null) {
      out.facts.push({
        fact: startFact({ callId, gemeente, startedAt, callerKey }, null),
        previous: undefined,
      });
      return;
    }
    const g = this.#callersOf(gemeente);
    const held = this.#unexpired(g, callerKey);
    const starts = held === undefined ? [] : asList(held);
    // Already known (restored from the store, or seen before the call's state was dropped and its
    // events replayed): its fact stands, and is written once more, in case a crash or a torn write
    // left it or its rollup behind. Duplicates of an open call never come here.
    const known = starts.find((s) => s.callId === callId);
    if (known !== undefined) {
      out.restated.push(known);
      return;
    }
    const index = insertionIndex(starts, startedAt);
    // The latest start strictly before this one (a start at the same instant is not "before").
    let b = index - 1;
    while (b >= 0 && starts[b]?.startedAt === startedAt) b--;
    const before = starts[b];
    const repeat = before !== undefined && startedAt - before.startedAt <= REPEAT_WINDOW_MS;
    const fact = startFact(
      {
        callId,
        gemeente: g.gemeente,
        startedAt,
        callerKey: starts[0]?.callerKey ?? callerKey,
      },
      repeat,
    );
    const list = this.#insert(g, callerKey, fact, held, index);
    out.facts.push({ fact, previous: undefined });
    // Later calls of this caller within the window are repeats now, if they were not already.
    if (Array.isArray(list)) {
      for (let i = index + 1; i < list.length; i++) {
        const later = list[i];
        if (later === undefined || later.startedAt - startedAt > REPEAT_WINDOW_MS) break;
        if (later.repeat === false && later.startedAt > startedAt) {
          const corrected = startFact(later, true);
          list[i] = corrected;
          out.facts.push({ fact: corrected, previous: later });
        }
      }
    }
  }

  /**
   * A start taken from the stored history (its fact may be stored, or lost with a torn write):
   * applied like a new one, but everything it yields is written as restated, never counted again.
   */
  restate(event: CallStarted, out: RepeatOutput): void {
    const scratch = RepeatCallerTracker.output();
    this.apply(event, scratch);
    out.restated.push(...scratch.restated, ...scratch.facts.map((f) => f.fact));
  }

  /** Puts a stored start back in memory without emitting anything (restart recovery). */
  seed(fact: CallStartFact): void {
    const { callerKey } = fact;
    if (callerKey === null) return;
    const g = this.#callersOf(fact.gemeente);
    const held = this.#unexpired(g, callerKey);
    const starts = held === undefined ? [] : asList(held);
    if (starts.some((s) => s.callId === fact.callId)) return;
    const interned = startFact(
      { ...fact, gemeente: g.gemeente, callerKey: starts[0]?.callerKey ?? callerKey },
      fact.repeat,
    );
    this.#insert(g, callerKey, interned, held, insertionIndex(starts, fact.startedAt));
  }

  advance(watermark: number): void {
    if (watermark > this.#watermark) this.#watermark = watermark;
    for (const g of this.#gemeenten.values()) {
      for (const callerKey of g.expiry.popDue(this.#watermark)) {
        const held = g.callers.get(callerKey);
        // Gone already, or a newer start moved the caller to a later bucket.
        if (held !== undefined && this.#releaseAt(held) <= this.#watermark) this.#forget(g, callerKey, held);
      }
    }
  }

  /**
   * The caller's starts without those past the window and the horizon, which no start still to
   * come can be a repeat of (as for a caller released whole). A caller who calls every few days
   * is never released whole, so without this its starts would pile up for as long as it calls.
   */
  #unexpired(g: GemeenteCallers, callerKey: string): CallerStarts | undefined {
    const held = g.callers.get(callerKey);
    if (held === undefined) return undefined;
    if (!Array.isArray(held)) {
      if (!this.#expired(held.startedAt)) return held;
      this.#forget(g, callerKey, held);
      return undefined;
    }
    let expired = 0;
    while (expired < held.length && this.#expired(held[expired]?.startedAt ?? 0)) expired++;
    if (expired === 0) return held;
    if (expired === held.length) {
      this.#forget(g, callerKey, held);
      return undefined;
    }
    held.splice(0, expired);
    this.#starts -= expired;
    const kept = held.length === 1 ? held[0] : held;
    if (kept !== undefined && kept !== held) g.callers.set(callerKey, kept);
    return kept;
  }

  /** Drops a caller and its starts (its expiry entry, if any, finds it gone). */
  #forget(g: GemeenteCallers, callerKey: string, held: CallerStarts): void {
    g.callers.delete(callerKey);
    this.#starts -= Array.isArray(held) ? held.length : 1;
  }

  /** When a start leaves memory: past the window and the horizon. */
  #expiresAt(startedAt: number): number {
    return startedAt + REPEAT_WINDOW_MS + this.#horizonMs;
  }

  #expired(startedAt: number): boolean {
    return this.#expiresAt(startedAt) <= this.#watermark;
  }

  /** When a caller leaves memory: when its newest start does. */
  #releaseAt(held: CallerStarts): number {
    const newest = Array.isArray(held) ? held.at(-1) : held;
    return this.#expiresAt(newest?.startedAt ?? Number.NEGATIVE_INFINITY);
  }

  #callersOf(gemeente: string): GemeenteCallers {
    let g = this.#gemeenten.get(gemeente);
    if (g === undefined) {
      g = { callers: new Map(), gemeente, expiry: new ExpiryBuckets(EXPIRY_BUCKET_MS) };
      this.#gemeenten.set(gemeente, g);
    }
    return g;
  }

  /**
   * Puts a start at `index` of the caller's starts (`held`, as stored) and returns them as stored
   * now. A first start is kept bare and a second gets an array of two: splicing into a small
   * array reserves room for 17 (scripts/bench-repeat-memory.ts). When the start is the caller's
   * newest, the caller's release moves with it.
   */
  #insert(
    g: GemeenteCallers,
    callerKey: string,
    fact: CallStartFact,
    held: CallerStarts | undefined,
    index: number,
  ): CallerStarts {
    const releaseBefore = held === undefined ? undefined : this.#releaseAt(held);
    let list: CallerStarts;
    if (held === undefined) list = fact;
    else if (!Array.isArray(held)) list = index === 0 ? [fact, held] : [held, fact];
    else {
      held.splice(index, 0, fact);
      list = held;
    }
    g.callers.set(callerKey, list);
    this.#starts++;
    const release = this.#releaseAt(list);
    if (releaseBefore === undefined || g.expiry.bucketOf(release) !== g.expiry.bucketOf(releaseBefore))
      g.expiry.add(callerKey, release);
    return list;
  }
}

/** Where a start at `startedAt` goes in time-sorted starts: after those at or before it. */
function insertionIndex(starts: readonly CallStartFact[], startedAt: number): number {
  let index = starts.length;
  while (index > 0 && (starts[index - 1]?.startedAt ?? 0) > startedAt) index--;
  return index;
}
