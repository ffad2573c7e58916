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
});
