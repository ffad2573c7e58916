/** JSONEachRow text in slices: every row once, in order, one per line, however the slices fall. */
import { describe, expect, it } from 'vitest';
import { jsonEachRowSlices } from '../../../../src/sinks/clickhouse/json-rows.ts';

describe('jsonEachRowSlices', () => {
  it('writes each row as one JSON line, in order, across slices', () => {
    const items = Array.from({ length: 4501 }, (_, i) => ({
      id: `c${i}`,
      note: i % 7 === 0 ? 'a "quoted"\nline' : null,
    }));
    const slices = [...jsonEachRowSlices(items)];
    expect(slices.length).toBeGreaterThan(1);
    const lines = slices.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(items.length);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(items);
  });

  it('encodes items on the way, and yields nothing for no items', () => {
    const text = [...jsonEachRowSlices([1, 2, 3], (n) => ({ n, double: n * 2 }))].join('');
    expect(text).toBe('{"n":1,"double":2}\n{"n":2,"double":4}\n{"n":3,"double":6}\n');
    expect([...jsonEachRowSlices([])]).toEqual([]);
  });
});
