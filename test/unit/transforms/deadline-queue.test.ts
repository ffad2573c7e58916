/** The trackers' deadline queue: what is due comes out once, earliest first; moved and deleted keys do not. */
import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../../src/transforms/shared/deadline-queue.ts';

describe('DeadlineQueue', () => {
  it('gives the keys due at or before now, earliest first, each once', () => {
    const q = new DeadlineQueue();
    q.set('c', 30);
    q.set('a', 10);
    q.set('b', 20);
    expect(q.popDue(9)).toEqual([]);
    expect(q.popDue(20)).toEqual(['a', 'b']);
    expect(q.popDue(20)).toEqual([]);
    expect(q.size).toBe(1);
    expect(q.popDue(100)).toEqual(['c']);
    expect(q.size).toBe(0);
  });

  it('uses only the latest deadline of a key, earlier or later than before', () => {
    const q = new DeadlineQueue();
    q.set('later', 10);
    q.set('later', 50);
    q.set('earlier', 40);
    q.set('earlier', 5);
    expect(q.popDue(10)).toEqual(['earlier']);
    expect(q.popDue(49)).toEqual([]);
    expect(q.popDue(50)).toEqual(['later']);
  });

  it('forgets a deleted key, and a key set again after being due comes back', () => {
    const q = new DeadlineQueue();
    q.set('gone', 10);
    q.delete('gone');
    expect(q.has('gone')).toBe(false);
    expect(q.popDue(100)).toEqual([]);
    q.set('again', 10);
    expect(q.popDue(10)).toEqual(['again']);
    q.set('again', 20);
    expect(q.popDue(20)).toEqual(['again']);
  });

  it('keeps a key moved later in its place among the others, due at its latest deadline', () => {
    const q = new DeadlineQueue();
    q.set('a', 10);
    q.set('b', 15);
    q.set('a', 20);
    q.set('c', 18);
    expect(q.popDue(12)).toEqual([]);
    expect(q.popDue(100)).toEqual(['b', 'c', 'a']);
    expect(q.size).toBe(0);
    expect(q.entries).toBe(0);
  });

  it('holds one entry for a key whose deadline only moves later, however often', () => {
    const q = new DeadlineQueue();
    for (let event = 1; event <= 50; event++) q.set('call', 1000 + event * 10);
    q.set('other', 1200);
    expect(q.entries).toBe(2);
    expect(q.popDue(1499)).toEqual(['other']);
    expect(q.entries).toBe(1);
    expect(q.popDue(1500)).toEqual(['call']);
  });

  it('skips the entry an earlier deadline replaced, and a deleted key set again', () => {
    const q = new DeadlineQueue();
    q.set('a', 10);
    q.set('a', 30);
    q.set('a', 5);
    expect(q.popDue(5)).toEqual(['a']);
    expect(q.popDue(100)).toEqual([]);
    q.set('b', 10);
    q.set('b', 30);
    q.delete('b');
    q.set('b', 40);
    expect(q.popDue(35)).toEqual([]);
    expect(q.popDue(40)).toEqual(['b']);
    expect(q.entries).toBe(0);
  });
});
