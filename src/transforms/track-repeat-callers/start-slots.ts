/**
 * The repeat-caller window's call starts, in slots of typed arrays rather than one object per
 * start. A week of a busy month is some 900 000 starts; as objects (the fact, its boxed start
 * time, an array per caller) they took V8's old space in small pieces, scattered over pages V8
 * does not give back. Here a start is 13 bytes of off-heap columns and its call id
 * (scripts/bench-repeat-memory.ts; the callers are in caller-index.ts).
 *
 * A caller's starts are a list linked through `next`, sorted by start time. Freed slots are
 * reused; the columns only grow (to the largest window held).
 */

/** The end of a list. */
export const NONE = -1;

/** How a start's repeat flag is stored: a withheld number's null included, for faithful seeding. */
export type StoredRepeat = boolean | null;
const encodeRepeat = (repeat: StoredRepeat): number => (repeat === null ? 2 : repeat ? 1 : 0);
const decodeRepeat = (code: number): StoredRepeat => (code === 2 ? null : code === 1);

const INITIAL_SLOTS = 1024;

/** Call starts: start time, repeat flag, call id, and the next start of the same caller. */
export class StartSlots {
  #startedAt = new Float64Array(INITIAL_SLOTS);
  #next = new Int32Array(INITIAL_SLOTS);
  #repeat = new Uint8Array(INITIAL_SLOTS);
  readonly #callId: (string | undefined)[] = [];
  /** Freed slots, linked through `next`. */
  #free = NONE;
  #used = 0;

  /** A new start, linked to `next`; returns its slot. */
  add(callId: string, startedAt: number, repeat: StoredRepeat, next: number): number {
    let slot = this.#free;
    if (slot !== NONE) this.#free = this.#next[slot] ?? NONE;
    else {
      slot = this.#callId.length;
      if (slot === this.#startedAt.length) this.#grow();
      this.#callId.push(undefined);
    }
    this.#startedAt[slot] = startedAt;
    this.#repeat[slot] = encodeRepeat(repeat);
    this.#next[slot] = next;
    this.#callId[slot] = callId;
    this.#used++;
    return slot;
  }

  /** Frees a slot; returns the start after it. */
  free(slot: number): number {
    const next = this.next(slot);
    this.#callId[slot] = undefined;
    this.#next[slot] = this.#free;
    this.#free = slot;
    this.#used--;
    return next;
  }

  startedAt(slot: number): number {
    return this.#startedAt[slot] ?? Number.NaN;
  }

  next(slot: number): number {
    return this.#next[slot] ?? NONE;
  }

  setNext(slot: number, next: number): void {
    this.#next[slot] = next;
  }

  repeat(slot: number): StoredRepeat {
    return decodeRepeat(this.#repeat[slot] ?? 0);
  }

  setRepeat(slot: number, repeat: StoredRepeat): void {
    this.#repeat[slot] = encodeRepeat(repeat);
  }

  callId(slot: number): string {
    const id = this.#callId[slot];
    if (id === undefined)
      throw new Error(`start slot ${slot} is free: a caller's list points at a freed start`);
    return id;
  }

  /** Starts held. */
  get used(): number {
    return this.#used;
  }

  #grow(): void {
    const size = this.#startedAt.length * 2;
    this.#startedAt = grown(this.#startedAt, size, (n) => new Float64Array(n));
    this.#next = grown(this.#next, size, (n) => new Int32Array(n));
    this.#repeat = grown(this.#repeat, size, (n) => new Uint8Array(n));
  }
}

/** A copy of a column with room for `size` entries, the new ones `fill`. */
export function grown<C extends Float64Array | Int32Array | Uint8Array>(
  column: C,
  size: number,
  make: (size: number) => C,
  fill = 0,
): C {
  const copy = make(size);
  if (fill !== 0) copy.fill(fill);
  copy.set(column);
  return copy;
}
