import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../../../src/pipeline/offset-tracker.ts';

describe('offset tracker', () => {
  it('commits up to the first message whose effect is not stored yet', () => {
    const t = new OffsetTracker();
    for (const o of [10, 11, 12, 13]) t.received(0, o);
    t.received(1, 5);
    expect(t.committable()).toEqual(new Map());
    t.acknowledged(0, 11);
    t.acknowledged(0, 13);
    expect(t.committable()).toEqual(new Map());
    t.acknowledged(0, 10);
    expect(t.committable()).toEqual(new Map([[0, 12]]));
    t.acknowledged(0, 12);
    t.acknowledged(1, 5);
    expect(t.committable()).toEqual(
      new Map([
        [0, 14],
        [1, 6],
      ]),
    );
    expect(t.pending()).toEqual(
      new Map([
        [0, 0],
        [1, 0],
      ]),
    );
  });

  it('refuses an offset it already received (a redelivery after a rejoin)', () => {
    const t = new OffsetTracker();
    expect(t.received(0, 7)).toBe(true);
    expect(t.received(0, 8)).toBe(true);
    expect(t.received(0, 7)).toBe(false);
    t.acknowledged(0, 7);
    t.acknowledged(0, 8);
    expect(t.committable()).toEqual(new Map([[0, 9]]));
  });

  it('forgets a revoked partition', () => {
    const t = new OffsetTracker();
    t.received(3, 1);
    t.acknowledged(3, 1);
    t.revoke(3);
    expect(t.committable()).toEqual(new Map());
  });

  it('commits past offsets Kafka skipped, whatever order the acknowledgements come in', () => {
    const t = new OffsetTracker();
    for (const o of [1, 3, 5]) t.received(2, o);
    t.acknowledged(2, 5);
    t.acknowledged(2, 4); // never received: no effect
    expect(t.committable()).toEqual(new Map());
    t.acknowledged(2, 1);
    // 2 was never received, so the first offset still to store is 3.
    expect(t.committable()).toEqual(new Map([[2, 3]]));
    t.acknowledged(2, 3);
    expect(t.committable()).toEqual(new Map([[2, 6]]));
    expect(t.pending()).toEqual(new Map([[2, 0]]));
  });

  it('keeps its place over many messages acknowledged backwards, one held back', () => {
    const t = new OffsetTracker();
    for (let o = 0; o < 20_000; o++) t.received(0, o);
    for (let o = 19_999; o >= 0; o--) if (o !== 12_345) t.acknowledged(0, o);
    expect(t.committable()).toEqual(new Map([[0, 12_345]]));
    expect(t.pending()).toEqual(new Map([[0, 1]]));
    for (let o = 20_000; o < 20_010; o++) t.received(0, o);
    t.acknowledged(0, 12_345);
    expect(t.committable()).toEqual(new Map([[0, 20_000]]));
    t.acknowledged(0, 20_003);
    t.acknowledged(0, 20_000);
    expect(t.committable()).toEqual(new Map([[0, 20_001]]));
    expect(t.pending()).toEqual(new Map([[0, 8]]));
  });

  it('keeps the messages held back while many after them are stored, in any order', () => {
    const t = new OffsetTracker();
    const held = new Set([0, 7, 50_000, 123_456]);
    // Received and acknowledged in slices, each slice backwards, as calls end out of offset order.
    for (let from = 0; from < 200_000; from += 1_000) {
      for (let o = from; o < from + 1_000; o++) t.received(0, o);
      for (let o = from + 999; o >= from; o--) if (!held.has(o)) t.acknowledged(0, o);
    }
    t.acknowledged(0, 150_000); // twice: no effect
    expect(t.committable()).toEqual(new Map()); // the very first is held back
    expect(t.pending()).toEqual(new Map([[0, 4]]));
    t.acknowledged(0, 0);
    expect(t.committable()).toEqual(new Map([[0, 7]]));
    t.acknowledged(0, 50_000);
    t.acknowledged(0, 7);
    expect(t.committable()).toEqual(new Map([[0, 123_456]]));
    expect(t.pending()).toEqual(new Map([[0, 1]]));
    t.acknowledged(0, 123_456);
    expect(t.committable()).toEqual(new Map([[0, 200_000]]));
    expect(t.pending()).toEqual(new Map([[0, 0]]));
    expect(t.received(0, 199_999)).toBe(false);
    t.received(0, 200_002);
    t.acknowledged(0, 200_002);
    expect(t.committable()).toEqual(new Map([[0, 200_003]]));
  });
});
