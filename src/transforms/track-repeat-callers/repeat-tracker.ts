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
import { DeadlineQueue } from '../shared/deadline-queue.ts';
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

interface Start {
  readonly fact: CallStartFact;
}

export class RepeatCallerTracker {
  /** `gemeente|callerKey` -> that caller's starts, sorted by time. */
  readonly #history = new Map<string, Start[]>();
  readonly #releaseAt = new DeadlineQueue();
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
    return this.#history.size;
  }

  /** Applies a CALL_STARTED the call tracker accepted (duplicates are already filtered out). */
  apply(event: CallStarted, out: RepeatOutput): void {
    const base = {
      callId: event.callId,
      gemeente: event.gemeente,
      startedAt: event.occurredAt,
      callerKey: event.callerKey,
    };
    if (event.callerKey === null) {
      out.facts.push({ fact: startFact(base, null), previous: undefined });
      return;
    }
    const key = `${event.gemeente}|${event.callerKey}`;
    const starts = this.#history.get(key) ?? [];
    // Already known (restored from the store, or seen before the call's state was dropped and its
    // events replayed): its fact stands, and is written once more, in case a crash or a torn write
    // left it or its rollup behind. Duplicates of an open call never come here.
    const known = starts.find((s) => s.fact.callId === event.callId);
    if (known !== undefined) {
      out.restated.push(known.fact);
      return;
    }
    let index = starts.length;
    while (index > 0 && (starts[index - 1]?.fact.startedAt ?? 0) > event.occurredAt) index--;
    // The latest start strictly before this one (a start at the same instant is not "before").
    let b = index - 1;
    while (b >= 0 && starts[b]?.fact.startedAt === event.occurredAt) b--;
    const before = starts[b];
    const repeat = before !== undefined && event.occurredAt - before.fact.startedAt <= REPEAT_WINDOW_MS;
    const fact = startFact(base, repeat);
    this.#insert(key, starts, index, { fact });
    out.facts.push({ fact, previous: undefined });
    // Later calls of this caller within the window are repeats now, if they were not already.
    for (let i = index + 1; i < starts.length; i++) {
      const later = starts[i];
      if (later === undefined || later.fact.startedAt - event.occurredAt > REPEAT_WINDOW_MS) break;
      if (later.fact.repeat === false && later.fact.startedAt > event.occurredAt) {
        const corrected = startFact(later.fact, true);
        starts[i] = { fact: corrected };
        out.facts.push({ fact: corrected, previous: later.fact });
      }
    }
    const newest = starts.at(-1)?.fact.startedAt ?? event.occurredAt;
    this.#releaseAt.set(key, newest + REPEAT_WINDOW_MS + this.#horizonMs);
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
    if (fact.callerKey === null) return;
    const key = `${fact.gemeente}|${fact.callerKey}`;
    const starts = this.#history.get(key) ?? [];
    if (starts.some((s) => s.fact.callId === fact.callId)) return;
    let index = starts.length;
    while (index > 0 && (starts[index - 1]?.fact.startedAt ?? 0) > fact.startedAt) index--;
    this.#insert(key, starts, index, { fact });
    const newest = starts.at(-1)?.fact.startedAt ?? fact.startedAt;
    this.#releaseAt.set(key, newest + REPEAT_WINDOW_MS + this.#horizonMs);
  }

  /**
   * Puts a start at `index` of the caller's starts. A first start gets an array of its own size:
   * splicing into an empty array reserves room for 17, and most callers call once a week
   * (128 bytes of the 940 a start took, scripts/bench-repeat-memory.ts).
   */
  #insert(key: string, starts: Start[], index: number, start: Start): void {
    if (starts.length === 0) this.#history.set(key, [start]);
    else starts.splice(index, 0, start);
  }

  advance(watermark: number): void {
    if (watermark > this.#watermark) this.#watermark = watermark;
    for (const key of this.#releaseAt.popDue(this.#watermark)) this.#history.delete(key);
  }
}
