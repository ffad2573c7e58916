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
});
