/** Dirty windows as one integer each: scope place x 2^32 + window, looked up with IN. */
import { describe, expect, it } from 'vitest';
import type { WindowKey } from '../../../../src/sinks/clickhouse/dirty-windows.ts';
import { windowRanges, windowSetCondition } from '../../../../src/sinks/clickhouse/window-set-sql.ts';

const keys = (scope: WindowKey['scope'], starts: number[]): WindowKey[] =>
  starts.map((start) => ({ scope, start }));

describe('windowSetCondition', () => {
  it('numbers the queue scopes in order of appearance and lists each window once', () => {
    const condition = windowSetCondition(
      [
        ...keys({ gemeente: 'GM0307', queue: 'kcc' }, [600, 660, 600]),
        ...keys({ gemeente: 'GM0307', queue: 'wmo' }, [60]),
      ],
      'w',
      "ifNull(queue, '')",
    );
    // kcc is scope 1: 4 294 967 296 + 600 and + 660; wmo scope 2: 8 589 934 592 + 60.
    expect(condition).toBe(
      "(indexOf(['GM0307/kcc', 'GM0307/wmo'], concat(gemeente, '/', ifNull(queue, ''))) * 4294967296 + w) IN (SELECT arrayJoin([4294967896, 4294967956, 8589934652]))",
    );
  });

  it('keys gemeente scopes by the gemeente alone', () => {
    expect(
      windowSetCondition(
        [...keys({ gemeente: 'GM0307' }, [20780]), ...keys({ gemeente: 'GM0034' }, [0])],
        'd',
      ),
    ).toBe(
      "(indexOf(['GM0307', 'GM0034'], gemeente) * 4294967296 + d) IN (SELECT arrayJoin([4294988076, 8589934592]))",
    );
  });

  it('refuses an empty set, mixed scopes and windows that do not fit in 32 bits', () => {
    expect(() => windowSetCondition([], 'w')).toThrow(/no windows/);
    expect(() =>
      windowSetCondition(
        [...keys({ gemeente: 'GM0307' }, [1]), ...keys({ gemeente: 'GM0307', queue: 'kcc' }, [1])],
        'w',
      ),
    ).toThrow(/all name a queue/);
    expect(() => windowSetCondition(keys({ gemeente: 'GM0307' }, [2 ** 32]), 'w')).toThrow(/2\^32/);
    expect(() => windowSetCondition(keys({ gemeente: 'GM0307' }, [1.5]), 'w')).toThrow(/whole number/);
  });
});

describe('windowRanges', () => {
  it('keeps windows closer than the gap in one range ending a width after the last', () => {
    expect(windowRanges([120, 60, 180, 60], 60, 3600, 8)).toEqual([{ from: 60, to: 240 }]);
  });

  it('cuts at gaps wider than minGap, the widest first when ranges are limited', () => {
    // Days 1-2, 10, 30-31 and 33: gaps of 8, 20 and 2 days; minGap 1 cuts all three.
    const days = [1, 2, 10, 30, 31, 33];
    expect(windowRanges(days, 1, 1, 8)).toEqual([
      { from: 1, to: 3 },
      { from: 10, to: 11 },
      { from: 30, to: 32 },
      { from: 33, to: 34 },
    ]);
    // At most 2 ranges: only the widest gap (10 -> 30) cuts.
    expect(windowRanges(days, 1, 1, 2)).toEqual([
      { from: 1, to: 11 },
      { from: 30, to: 34 },
    ]);
    expect(() => windowRanges([], 1, 1, 2)).toThrow(/no windows/);
  });
});
