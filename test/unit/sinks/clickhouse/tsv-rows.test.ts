/** TabSeparated rows: every field escaped the way ClickHouse reads it back, and bad rows refused by name. */
import { describe, expect, it } from 'vitest';
import { tsvField, tsvSlices } from '../../../../src/sinks/clickhouse/tsv-rows.ts';
import { insertedColumns } from '../../../../src/sinks/clickhouse/tables.ts';

/** ClickHouse's reading of one TabSeparated field (the escapes bereik writes, and \N). */
function readField(field: string): string | null {
  if (field === '\\N') return null;
  const unescape: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };
  return field.replace(/\\(.)/g, (_, c: string) => unescape[c] ?? c);
}

describe('tsv-rows', () => {
  it('escapes backslash, tab and line breaks so every string reads back as it was', () => {
    const strings = ['plain', '', 'a\tb', 'two\nlines', 'cr\r', 'back\\slash', '\\N', 'ünïcode 🙂', "it's"];
    for (const s of strings) {
      const field = tsvField(s, 'c');
      expect(field).not.toMatch(/[\t\n]/);
      expect(readField(field)).toBe(s);
    }
  });

  it('writes numbers as digits and null as \\N, and refuses what is no value', () => {
    expect(tsvField(0, 'c')).toBe('0');
    expect(tsvField(1_772_619_072_000, 'c')).toBe('1772619072000');
    expect(tsvField(null, 'c')).toBe('\\N');
    expect(() => tsvField(undefined, 'leg_id')).toThrow(/leg_id: missing from the row/);
    expect(() => tsvField(true, 'flag')).toThrow(/flag: a boolean/);
    expect(() => tsvField(Number.NaN, 'n')).toThrow(/n: NaN/);
  });

  it('writes arrays as ClickHouse does in text: strings quoted, quotes and backslashes escaped', () => {
    expect(tsvField(['2026-12-01', '2026-12-02'], 'dates')).toBe("['2026-12-01','2026-12-02']");
    expect(tsvField([], 'dates')).toBe('[]');
    expect(tsvField(["o'k", 'a\\b', 'c\td'], 'texts')).toBe("['o\\'k','a\\\\b','c\\td']");
    expect(tsvField([1, 2], 'numbers')).toBe('[1,2]');
    expect(() => tsvField([null], 'dates')).toThrow(/dates: an array may hold/);
  });

  it('writes one line per row with the columns in order, across slices', () => {
    const items = Array.from({ length: 4501 }, (_, i) => ({ b: i % 3 === 0 ? null : `v${i}\t`, a: i }));
    const text = [...tsvSlices(['a', 'b'], items)].join('');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(items.length);
    lines.forEach((line, i) => {
      const [a, b] = line.split('\t');
      expect(Number(a)).toBe(i);
      expect(readField(b ?? '')).toBe(items[i]?.b);
    });
  });

  it('refuses a row with a field the table lacks, or without one it needs', () => {
    expect(() => [...tsvSlices(['a'], [{ a: 1, extra: 2 }])]).toThrow(/no column extra/);
    expect(() => [...tsvSlices(['a', 'b'], [{ a: 1 }])]).toThrow(/b: missing from the row/);
  });

  it('names every column of a table but those ClickHouse fills itself', () => {
    const ledger = insertedColumns('call_events');
    expect(ledger).toContain('event_id');
    expect(ledger).not.toContain('ingested_at');
    expect(() => insertedColumns('no_such_table')).toThrow(/no table no_such_table/);
  });
});
