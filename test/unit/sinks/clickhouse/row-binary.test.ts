/** RowBinary bytes per column type, as ClickHouse's format defines them, and bad rows refused by name. */
import { describe, expect, it } from 'vitest';
import { columnWriter, rowBinaryEncoder } from '../../../../src/sinks/clickhouse/row-binary.ts';
import { insertedColumns, type ColumnDef } from '../../../../src/sinks/clickhouse/tables.ts';

const col = (name: string, type: string): ColumnDef => ({ name, type, comment: '' });

/** The bytes of one row of one column of `type`. */
function bytesOf(type: string, value: unknown): number[] {
  const [slice] = [...rowBinaryEncoder([col('c', type)]).slices([{ c: value }])];
  return [...(slice ?? Buffer.alloc(0))];
}

describe('row-binary', () => {
  it('writes strings as a LEB128 byte length and their UTF-8 bytes', () => {
    expect(bytesOf('String', '')).toEqual([0]);
    expect(bytesOf('String', 'kcc')).toEqual([3, 0x6b, 0x63, 0x63]);
    // 'ü' is two bytes in UTF-8, the emoji four: the length counts bytes, not characters.
    expect(bytesOf('String', 'ü🙂')).toEqual([6, 0xc3, 0xbc, 0xf0, 0x9f, 0x99, 0x82]);
    // 200 bytes need two length bytes: 200 = 0b1_1001000 -> 0xc8 0x01.
    const long = bytesOf('String', 'x'.repeat(200));
    expect(long.slice(0, 2)).toEqual([0xc8, 0x01]);
    expect(long).toHaveLength(202);
    const longUnicode = bytesOf('String', 'é'.repeat(100));
    expect(longUnicode.slice(0, 3)).toEqual([0xc8, 0x01, 0xc3]);
  });

  it('writes unsigned integers little-endian in their width, and refuses what does not fit', () => {
    expect(bytesOf('UInt8', 255)).toEqual([255]);
    expect(bytesOf('UInt16', 0x1234)).toEqual([0x34, 0x12]);
    expect(bytesOf('UInt32', 0xdeadbeef)).toEqual([0xef, 0xbe, 0xad, 0xde]);
    // 1 772 619 072 123 ms = 0x0000_019C_B854_827B
    expect(bytesOf('UInt64', 1_772_619_072_123)).toEqual([0x7b, 0x82, 0x54, 0xb8, 0x9c, 0x01, 0, 0]);
    expect(() => bytesOf('UInt8', 256)).toThrow(/column c: number 256 is not a whole number from 0 to 255/);
    expect(() => bytesOf('UInt32', -1)).toThrow(/column c: number -1/);
    expect(() => bytesOf('UInt16', 1.5)).toThrow(/column c: number 1.5/);
    expect(() => bytesOf('UInt64', '7')).toThrow(/column c: string "7"/);
  });

  it('writes DateTime from epoch milliseconds as whole UTC seconds, Date from its text as days', () => {
    // 2026-11-23T09:00:00.999Z is 1 795 424 400 s (and 999 ms) = 0x6B04_0090
    expect(bytesOf("DateTime('UTC')", Date.parse('2026-11-23T09:00:00.999Z'))).toEqual([
      0x90, 0x00, 0x04, 0x6b,
    ]);
    expect(bytesOf('Date', '1970-01-02')).toEqual([1, 0]);
    // 2026-12-01 is day 20 788 = 0x5134 since 1970-01-01
    expect(bytesOf('Date', '2026-12-01')).toEqual([0x34, 0x51]);
    expect(() => bytesOf("DateTime('UTC')", '2026-11-23 09:00:00')).toThrow(
      /column c: string .* epoch milliseconds/,
    );
    expect(() => bytesOf('Date', '23-11-2026')).toThrow(/column c: .*'YYYY-MM-DD'/);
    expect(() => bytesOf('Date', '2026-02-30')).toThrow(/column c: string "2026-02-30" is not a date/);
  });

  it('writes Nullable as a NULL byte, Array as a count, Enum8 as the code, Float64 as IEEE 754', () => {
    expect(bytesOf('Nullable(String)', null)).toEqual([1]);
    expect(bytesOf('Nullable(String)', 'a')).toEqual([0, 1, 0x61]);
    expect(bytesOf('Nullable(UInt8)', 1)).toEqual([0, 1]);
    expect(bytesOf('Array(Date)', [])).toEqual([0]);
    expect(bytesOf('Array(Date)', ['1970-01-02', '1970-01-03'])).toEqual([2, 1, 0, 2, 0]);
    const outcome = "Enum8('REACHED' = 1, 'NOT_REACHED' = 2)";
    expect(bytesOf(outcome, 'NOT_REACHED')).toEqual([2]);
    expect(bytesOf(`Nullable(${outcome})`, 'REACHED')).toEqual([0, 1]);
    expect(() => bytesOf(outcome, 'MAYBE')).toThrow(
      /column c: string "MAYBE" is not one of REACHED, NOT_REACHED/,
    );
    expect(bytesOf('Float64', 0.5)).toEqual([0, 0, 0, 0, 0, 0, 0xe0, 0x3f]);
    expect(() => bytesOf('Float64', Number.NaN)).toThrow(/column c: number/);
  });

  it('writes the rows one after another, the columns in order, across slices', () => {
    const encoder = rowBinaryEncoder([col('a', 'UInt16'), col('b', 'Nullable(String)')]);
    const items = Array.from({ length: 4501 }, (_, i) => ({ b: i % 3 === 0 ? null : 'v', a: i }));
    const slices = [...encoder.slices(items)];
    expect(slices.length).toBeGreaterThan(1);
    const bytes = Buffer.concat(slices);
    let at = 0;
    items.forEach((item, i) => {
      expect(bytes.readUInt16LE(at)).toBe(i);
      at += 2;
      if (item.b === null) {
        expect(bytes[at]).toBe(1);
        at += 1;
      } else {
        expect([...bytes.subarray(at, at + 3)]).toEqual([0, 1, 0x76]);
        at += 3;
      }
    });
    expect(at).toBe(bytes.length);
  });

  it('refuses a row with a field the table lacks, or without one it needs', () => {
    const encoder = rowBinaryEncoder([col('a', 'UInt8'), col('b', 'String')]);
    expect(() => [...encoder.slices([{ a: 1, b: '', extra: 2 }])]).toThrow(/no column extra/);
    expect(() => [...encoder.slices([{ a: 1 }])]).toThrow(/column b: missing from the row/);
  });

  it('knows every type of the inserted columns and names a type it cannot write', () => {
    for (const table of [
      'call_events',
      'leg_facts',
      'call_facts',
      'callback_facts',
      'streefcijfers',
      'queues',
    ]) {
      for (const column of insertedColumns(table)) expect(() => columnWriter(column.type)).not.toThrow();
    }
    expect(insertedColumns('call_events').map((c) => c.name)).not.toContain('ingested_at');
    expect(() => insertedColumns('no_such_table')).toThrow(/no table no_such_table/);
    expect(() => columnWriter('Int32')).toThrow(/no RowBinary for the ClickHouse type Int32/);
  });
});
