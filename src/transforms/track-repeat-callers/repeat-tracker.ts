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
import { CallerIndex } from './caller-index.ts';
import { NONE, StartSlots } from './start-slots.ts';

export interface RepeatOutput {
  readonly facts: { fact: CallStartFact; previous: CallStartFact | undefined }[];
  /** Restored starts whose CALL_STARTED came again (a replay): written again unchanged, not counted. */
  readonly restated: CallStartFact[];
}

/** A call start's fact, always built as this one literal (one hidden class for them all). */
function startFact(
  callId: string,
  gemeente: string,
  startedAt: number,
  callerKey: string | null,
  repeat: boolean | null,
): CallStartFact {
  return { callId, gemeente, startedAt, callerKey, repeat, version: repeat === true ? 2 : 1 };
}

/** One gemeente's callers in the window. */
interface GemeenteCallers {
  /** Pseudonym -> the caller's slot and first start. */
  readonly callers: CallerIndex;
  readonly gemeente: string;
  /**
   * Caller slots, by when their newest start leaves the window. A slot freed and taken by another
   * caller keeps its old entries: each one popped is checked against the caller holding it now.
   */
  readonly expiry: ExpiryBuckets<number>;
}

/**
 * How late a caller may leave memory: the window is a week and more, so an hour late holds 0.6 %
 * more, for a release that costs an array slot a caller instead of a deadline-queue entry.
 */
const EXPIRY_BUCKET_MS = 3_600_000;

export class RepeatCallerTracker {
  readonly #gemeenten = new Map<string, GemeenteCallers>();
  readonly #starts = new StartSlots();
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
    return this.#starts.used;
  }

  /** Applies a CALL_STARTED the call tracker accepted (duplicates are already filtered out). */
  apply(event: CallStarted, out: RepeatOutput): void {
    const { callId, gemeente, occurredAt: startedAt, callerKey } = event;
    if (callerKey === null) {
      out.facts.push({ fact: startFact(callId, gemeente, startedAt, null, null), previous: undefined });
      return;
    }
    const g = this.#callersOf(gemeente);
    const caller = this.#unexpired(g, callerKey);
    // Already known (restored from the store, or seen before the call's state was dropped and its
    // events replayed): its fact stands, and is written once more, in case a crash or a torn write
    // left it or its rollup behind. Duplicates of an open call never come here.
    const known = this.#find(g, caller, callId);
    if (known !== NONE) {
      out.restated.push(this.#factOf(known, g.gemeente, callerKey));
      return;
    }
    const { after, before } = this.#placeOf(g, caller, startedAt);
    const repeat = before !== NONE && startedAt - this.#starts.startedAt(before) <= REPEAT_WINDOW_MS;
    const slot = this.#insert(g, callerKey, caller, after, callId, startedAt, repeat);
    out.facts.push({
      fact: startFact(callId, g.gemeente, startedAt, callerKey, repeat),
      previous: undefined,
    });
    // Later calls of this caller within the window are repeats now, if they were not already.
    const starts = this.#starts;
    for (let later = starts.next(slot); later !== NONE; later = starts.next(later)) {
      const laterAt = starts.startedAt(later);
      if (laterAt - startedAt > REPEAT_WINDOW_MS) break;
      if (starts.repeat(later) === false && laterAt > startedAt) {
        starts.setRepeat(later, true);
        const previous = this.#factOf(later, g.gemeente, callerKey, false);
        out.facts.push({ fact: this.#factOf(later, g.gemeente, callerKey), previous });
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
    const caller = this.#unexpired(g, callerKey);
    if (this.#find(g, caller, fact.callId) !== NONE) return;
    const { after } = this.#placeOf(g, caller, fact.startedAt);
    this.#insert(g, callerKey, caller, after, fact.callId, fact.startedAt, fact.repeat);
  }

  advance(watermark: number): void {
    if (watermark > this.#watermark) this.#watermark = watermark;
    for (const g of this.#gemeenten.values()) {
      for (const caller of g.expiry.popDue(this.#watermark)) {
        // Gone already, or a newer start moved the caller to a later bucket (the slot's caller may
        // be another one by now: its own release decides).
        if (g.callers.isLive(caller) && this.#releaseAt(g, caller) <= this.#watermark)
          this.#forget(g, caller);
      }
    }
  }

  /**
   * The caller's slot, its starts past the window and the horizon dropped first (no start still
   * to come can be a repeat of them, as for a caller released whole); NONE when none is left. A
   * caller who calls every few days is never released whole, so without this its starts would
   * pile up for as long as it calls.
   */
  #unexpired(g: GemeenteCallers, callerKey: string): number {
    const caller = g.callers.get(callerKey);
    if (caller === NONE) return NONE;
    let first = g.callers.first(caller);
    while (first !== NONE && this.#expired(this.#starts.startedAt(first))) first = this.#starts.free(first);
    if (first === NONE) {
      g.callers.delete(caller);
      return NONE;
    }
    g.callers.setFirst(caller, first);
    return caller;
  }

  /** The caller's start of `callId`, or NONE. */
  #find(g: GemeenteCallers, caller: number, callId: string): number {
    if (caller === NONE) return NONE;
    for (let s = g.callers.first(caller); s !== NONE; s = this.#starts.next(s))
      if (this.#starts.callId(s) === callId) return s;
    return NONE;
  }

  /**
   * Where a start at `startedAt` goes in the caller's time-sorted starts: after `after` (the last
   * start at or before it; NONE for first), and `before`, the latest start strictly before it (a
   * start at the same instant is not "before").
   */
  #placeOf(g: GemeenteCallers, caller: number, startedAt: number): { after: number; before: number } {
    let after = NONE;
    let before = NONE;
    if (caller === NONE) return { after, before };
    for (let s = g.callers.first(caller); s !== NONE; s = this.#starts.next(s)) {
      const at = this.#starts.startedAt(s);
      if (at > startedAt) break;
      after = s;
      if (at < startedAt) before = s;
    }
    return { after, before };
  }

  /**
   * Stores a start after `after` in the caller's starts (a new caller when `caller` is NONE) and
   * returns its slot. When the start is the caller's newest, the caller's release moves with it.
   */
  #insert(
    g: GemeenteCallers,
    callerKey: string,
    caller: number,
    after: number,
    callId: string,
    startedAt: number,
    repeat: boolean | null,
  ): number {
    const starts = this.#starts;
    if (caller === NONE) {
      const slot = starts.add(callId, startedAt, repeat, NONE);
      g.expiry.add(g.callers.add(callerKey, slot), this.#expiresAt(startedAt));
      return slot;
    }
    const releaseBefore = this.#releaseAt(g, caller);
    let slot: number;
    if (after === NONE) {
      slot = starts.add(callId, startedAt, repeat, g.callers.first(caller));
      g.callers.setFirst(caller, slot);
    } else {
      slot = starts.add(callId, startedAt, repeat, starts.next(after));
      starts.setNext(after, slot);
    }
    const release = this.#releaseAt(g, caller);
    if (g.expiry.bucketOf(release) !== g.expiry.bucketOf(releaseBefore)) g.expiry.add(caller, release);
    return slot;
  }

  /** Drops a caller and its starts (its expiry entries, if any, find it gone). */
  #forget(g: GemeenteCallers, caller: number): void {
    for (let s = g.callers.first(caller); s !== NONE;) s = this.#starts.free(s);
    g.callers.delete(caller);
  }

  #factOf(
    slot: number,
    gemeente: string,
    callerKey: string,
    repeat = this.#starts.repeat(slot),
  ): CallStartFact {
    return startFact(this.#starts.callId(slot), gemeente, this.#starts.startedAt(slot), callerKey, repeat);
  }

  /** When a start leaves memory: past the window and the horizon. */
  #expiresAt(startedAt: number): number {
    return startedAt + REPEAT_WINDOW_MS + this.#horizonMs;
  }

  #expired(startedAt: number): boolean {
    return this.#expiresAt(startedAt) <= this.#watermark;
  }

  /** When a caller leaves memory: when its newest start does. */
  #releaseAt(g: GemeenteCallers, caller: number): number {
    let newest = Number.NEGATIVE_INFINITY;
    for (let s = g.callers.first(caller); s !== NONE; s = this.#starts.next(s))
      newest = this.#starts.startedAt(s);
    return this.#expiresAt(newest);
  }

  #callersOf(gemeente: string): GemeenteCallers {
    let g = this.#gemeenten.get(gemeente);
    if (g === undefined) {
      g = { callers: new CallerIndex(), gemeente, expiry: new ExpiryBuckets(EXPIRY_BUCKET_MS) };
      this.#gemeenten.set(gemeente, g);
    }
    return g;
  }
}
