/** The repeat-caller window's index of callers, against a Map, through months of callers coming and going. */
import { describe, expect, it } from 'vitest';
import { CallerIndex } from '../../../src/transforms/track-repeat-callers/caller-index.ts';
import { NONE } from '../../../src/transforms/track-repeat-callers/start-slots.ts';
import { Random } from '../../../src/simulate/random.ts';
import { pseudonymiser } from '../../../src/sources/kafka/pseudonymise.ts';

describe('CallerIndex', () => {
  it('finds, adds and deletes callers as a Map would, through growth and heavy churn', () => {
    const random = new Random(7, 'caller-index');
    const pseudonymise = pseudonymiser('test');
    const index = new CallerIndex();
    const expected = new Map<string, { slot: number; first: number }>();
    // Pseudonyms, and now and then a key that does not fit the key column.
    const keyOf = (n: number): string =>
      n % 50 === 0
        ? `a long caller key that is not a pseudonym ${n}`
        : n % 77 === 0
          ? `ré-${n}`
          : pseudonymise(`+31${n}`);
    for (let step = 0; step < 60_000; step++) {
      const key = keyOf(random.int(0, 6_000));
      const held = expected.get(key);
      const slot = index.get(key);
      expect(slot).toBe(held?.slot ?? NONE);
      if (held === undefined) {
        const first = random.int(0, 1_000_000);
        expected.set(key, { slot: index.add(key, first), first });
      } else {
        expect(index.first(held.slot)).toBe(held.first);
        if (random.chance(0.6)) {
          index.delete(held.slot);
          expect(index.isLive(held.slot)).toBe(false);
          expected.delete(key);
        } else {
          held.first = random.int(0, 1_000_000);
          index.setFirst(held.slot, held.first);
        }
      }
      expect(index.size).toBe(expected.size);
    }
    for (const [key, { slot, first }] of expected) {
      expect(index.get(key)).toBe(slot);
      expect(index.isLive(slot)).toBe(true);
      expect(index.first(slot)).toBe(first);
    }
  });

  it('tells keys of the same characters in another length apart, the empty key included', () => {
    const index = new CallerIndex();
    const slots = ['', 'a', 'aa', 'aaa'].map((key, i) => index.add(key, i));
    expect(['', 'a', 'aa', 'aaa', 'aaaa'].map((key) => index.get(key))).toEqual([...slots, NONE]);
    index.delete(slots[1] ?? NONE);
    expect(['', 'a', 'aa', 'aaa'].map((key) => index.get(key))).toEqual([slots[0], NONE, slots[2], slots[3]]);
  });

  it('hands a deleted caller slot to the next caller', () => {
    const index = new CallerIndex();
    const a = index.add('a', 1);
    index.add('b', 2);
    index.delete(a);
    expect(index.isLive(a)).toBe(false);
    expect(index.add('c', 3)).toBe(a);
    expect([index.get('c'), index.first(a), index.size]).toEqual([a, 3, 2]);
  });
});
