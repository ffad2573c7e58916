/**
 * One gemeente's callers in the repeat-caller window: pseudonym -> the caller's first start. A
 * JavaScript Map spends some 85 bytes on a caller (its entry and the pseudonym's string); here a
 * pseudonym's 22 characters are bytes in a column and the table an Int32Array, some 45 to 60 bytes
 * a caller with the columns' room to grow. Keys longer than KEY_BYTES or outside Latin-1 (never a
 * pseudonym; tests and foreign data may have them) go to an ordinary Map.
 *
 * Open addressing with linear probing; a deleted caller's entry is filled by shifting its cluster
 * back, so no tombstones pile up as callers come and go for months.
 */
import { NONE, grown } from './start-slots.ts';

/** Bytes kept for a key: a pseudonym is 22 base64url characters. */
const KEY_BYTES = 24;
/** `#keyLength` of a free slot, and of a slot whose key is in `#longKeys`. */
const FREE = 255;
const LONG = 254;
/** Small: every configured gemeente has an index, and most of 342 may see few callers. */
const INITIAL_SLOTS = 64;

export class CallerIndex {
  #keys = new Uint8Array(INITIAL_SLOTS * KEY_BYTES);
  #keyLength = new Uint8Array(INITIAL_SLOTS).fill(FREE);
  #hash = new Int32Array(INITIAL_SLOTS);
  #first = new Int32Array(INITIAL_SLOTS);
  /** Slot + 1 of each caller, at its hash's place or after it; 0 is empty. */
  #table = new Int32Array(INITIAL_SLOTS * 2);
  #slots = 0;
  /** Freed slots, linked through `#first`. */
  #free = NONE;
  #size = 0;
  readonly #longKeys = new Map<string, number>();
  readonly #longKeyOf = new Map<number, string>();

  /** Callers held. */
  get size(): number {
    return this.#size;
  }

  /** The caller's slot, or NONE. */
  get(key: string): number {
    const hash = hashOf(key);
    if (hash === undefined) return this.#longKeys.get(key) ?? NONE;
    const mask = this.#table.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = this.#table[i] ?? 0;
      if (entry === 0) return NONE;
      const slot = entry - 1;
      if (this.#hash[slot] === hash && this.#keyIs(slot, key)) return slot;
    }
  }

  /** Adds a caller not held yet, with its first start; returns its slot. */
  add(key: string, first: number): number {
    const slot = this.#allocate();
    this.#first[slot] = first;
    this.#size++;
    const hash = hashOf(key);
    if (hash === undefined) {
      this.#keyLength[slot] = LONG;
      this.#longKeys.set(key, slot);
      this.#longKeyOf.set(slot, key);
      return slot;
    }
    const at = slot * KEY_BYTES;
    for (let c = 0; c < key.length; c++) this.#keys[at + c] = key.charCodeAt(c);
    this.#keyLength[slot] = key.length;
    this.#hash[slot] = hash;
    if (this.#size * 2 > this.#table.length) this.#rehash(this.#table.length * 2);
    else this.#place(slot);
    return slot;
  }

  /** Removes a caller; its slot may be handed to the next caller added. */
  delete(slot: number): void {
    if (!this.isLive(slot)) return;
    if (this.#keyLength[slot] === LONG) {
      const key = this.#longKeyOf.get(slot);
      if (key !== undefined) this.#longKeys.delete(key);
      this.#longKeyOf.delete(slot);
    } else this.#unplace(slot);
    this.#keyLength[slot] = FREE;
    this.#first[slot] = this.#free;
    this.#free = slot;
    this.#size--;
  }

  /** Whether the slot holds a caller (expiry entries may name a slot freed since). */
  isLive(slot: number): boolean {
    return slot >= 0 && slot < this.#slots && this.#keyLength[slot] !== FREE;
  }

  first(slot: number): number {
    return this.#first[slot] ?? NONE;
  }

  setFirst(slot: number, first: number): void {
    this.#first[slot] = first;
  }

  #keyIs(slot: number, key: string): boolean {
    if (this.#keyLength[slot] !== key.length) return false;
    const at = slot * KEY_BYTES;
    for (let c = 0; c < key.length; c++) if (this.#keys[at + c] !== key.charCodeAt(c)) return false;
    return true;
  }

  #allocate(): number {
    if (this.#free !== NONE) {
      const slot = this.#free;
      this.#free = this.#first[slot] ?? NONE;
      return slot;
    }
    if (this.#slots === this.#keyLength.length) this.#grow(this.#slots * 2);
    return this.#slots++;
  }

  #grow(slots: number): void {
    const bytes = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array(n);
    const ints = (n: number): Int32Array<ArrayBuffer> => new Int32Array(n);
    this.#keys = grown(this.#keys, slots * KEY_BYTES, bytes);
    this.#keyLength = grown(this.#keyLength, slots, bytes, FREE);
    this.#hash = grown(this.#hash, slots, ints);
    this.#first = grown(this.#first, slots, ints);
  }

  #rehash(tableSize: number): void {
    this.#table = new Int32Array(tableSize);
    for (let slot = 0; slot < this.#slots; slot++) {
      const length = this.#keyLength[slot];
      if (length !== FREE && length !== LONG) this.#place(slot);
    }
  }

  #place(slot: number): void {
    const mask = this.#table.length - 1;
    let i = (this.#hash[slot] ?? 0) & mask;
    while (this.#table[i] !== 0) i = (i + 1) & mask;
    this.#table[i] = slot + 1;
  }

  /** Takes the slot out of the table, moving later entries of its cluster back into the gap. */
  #unplace(slot: number): void {
    const mask = this.#table.length - 1;
    let gap = (this.#hash[slot] ?? 0) & mask;
    while (this.#table[gap] !== slot + 1) gap = (gap + 1) & mask;
    for (let i = (gap + 1) & mask; ; i = (i + 1) & mask) {
      const entry = this.#table[i] ?? 0;
      if (entry === 0) break;
      const home = (this.#hash[entry - 1] ?? 0) & mask;
      // The entry may fill the gap unless its home lies cyclically after the gap, up to i.
      const homeAfterGap = gap <= i ? home > gap && home <= i : home > gap || home <= i;
      if (!homeAfterGap) {
        this.#table[gap] = entry;
        gap = i;
      }
    }
    this.#table[gap] = 0;
  }
}

/** FNV-1a of a key that fits the key column, or undefined for one that does not. */
function hashOf(key: string): number | undefined {
  if (key.length > KEY_BYTES) return undefined;
  let hash = 0x811c9dc5;
  for (let c = 0; c < key.length; c++) {
    const code = key.charCodeAt(c);
    if (code > 0xff) return undefined;
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return hash | 0;
}
