/**
 * Rows as RowBinary for INSERT ... (columns) FORMAT RowBinary, written straight into buffers a
 * slice at a time while the request body is sent. RowBinary is what ClickHouse stores, so it
 * neither formats (dates, numbers) on this side nor parses on the server's; it reads the same on
 * ClickHouse 18.16 and 26.x.
 *
 * The encoding of each column follows its type in tables.ts: String as a LEB128 length and UTF-8
 * bytes; UInt8/16/32/64 little-endian; Float64 IEEE 754 little-endian; Enum8 as the value's Int8
 * code; DateTime as UInt32 seconds (a row holds epoch milliseconds, floored to the second, as
 * ClickHouse floors a time it parses); Date as UInt16 days since 1970-01-01 (a row holds
 * 'YYYY-MM-DD'); Nullable(T) as a byte 1 for NULL or 0 then T; Array(T) as a LEB128 count then
 * the items. A row must hold every column it is written to, with a value of the column's kind, so
 * a row an encoder built wrong fails here, by name, instead of being stored with a default.
 */
import type { ColumnDef } from './tables.ts';

/** Rows per slice: large enough that the stream's own cost per slice does not show. */
const ROWS_PER_SLICE = 2000;
/** A slice's first buffer; it doubles when a slice needs more. */
const INITIAL_SLICE_BYTES = 256 * 1024;
const TWO_POW_32 = 2 ** 32;
const MS_PER_DAY = 86_400_000;

/** A growing byte buffer, written from the front. */
class ByteSink {
  buffer = Buffer.alloc(0);
  length = 0;
  /** The size the last slice needed: the next starts there, not doubling up again. */
  #sliceBytes = INITIAL_SLICE_BYTES;

  /** Makes room for `bytes` more bytes. */
  reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    let size = Math.max(this.#sliceBytes, this.buffer.length * 2);
    while (size < needed) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  /** The bytes written so far; the next write starts a new buffer, since the stream keeps this one. */
  take(): Buffer {
    const written = this.buffer.subarray(0, this.length);
    this.#sliceBytes = Math.max(this.#sliceBytes, this.buffer.length);
    this.buffer = Buffer.alloc(0);
    this.length = 0;
    return written;
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  u16(value: number): void {
    this.reserve(2);
    this.buffer[this.length++] = value & 0xff;
    this.buffer[this.length++] = value >>> 8;
  }

  u32(value: number): void {
    this.reserve(4);
    const b = this.buffer;
    let at = this.length;
    b[at++] = value & 0xff;
    b[at++] = (value >>> 8) & 0xff;
    b[at++] = (value >>> 16) & 0xff;
    b[at++] = (value >>> 24) & 0xff;
    this.length = at;
  }

  /** A LEB128 unsigned integer (RowBinary's lengths and counts). */
  varUInt(value: number): void {
    this.reserve(10);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.length++] = rest;
  }

  string(value: string): void {
    const chars = value.length;
    // Ids and codes are short ASCII: copied char by char, which beats a call into C++ per string.
    if (chars < 0x80) {
      this.reserve(chars + 1);
      const b = this.buffer;
      const start = this.length;
      let at = start + 1;
      for (let i = 0; i < chars; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) {
          this.#utf8String(value);
          return;
        }
        b[at++] = code;
      }
      b[start] = chars;
      this.length = at;
      return;
    }
    this.#utf8String(value);
  }

  #utf8String(value: string): void {
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varUInt(bytes);
    this.reserve(bytes);
    this.length += this.buffer.write(value, this.length, bytes, 'utf8');
  }

  f64(value: number): void {
    this.reserve(8);
    this.length = this.buffer.writeDoubleLE(value, this.length);
  }
}

type ColumnWriter = (sink: ByteSink, value: unknown, column: string) => void;

function refuse(column: string, value: unknown, expected: string): never {
  const what =
    value === undefined
      ? 'missing from the row'
      : `${typeof value} ${JSON.stringify(value)} is not ${expected}`;
  throw new TypeError(`column ${column}: ${what}`);
}

function unsigned(bytes: 1 | 2 | 4 | 8): ColumnWriter {
  const max = bytes === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * bytes) - 1;
  const expected = `a whole number from 0 to ${max}`;
  return (sink, value, column) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      refuse(column, value, expected);
    }
    if (bytes === 1) {
      sink.u8(value);
      return;
    }
    if (bytes === 4) {
      sink.u32(value);
      return;
    }
    if (bytes === 2) {
      sink.u16(value);
      return;
    }
    const high = Math.floor(value / TWO_POW_32);
    sink.u32(value - high * TWO_POW_32);
    sink.u32(high);
  };
}

const writeString: ColumnWriter = (sink, value, column) => {
  if (typeof value !== 'string') refuse(column, value, 'a string');
  sink.string(value);
};

const writeFloat64: ColumnWriter = (sink, value, column) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) refuse(column, value, 'a finite number');
  sink.f64(value);
};

/** DateTime from epoch milliseconds: whole seconds, as a UInt32. */
const writeDateTime: ColumnWriter = (sink, value, column) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= TWO_POW_32 * 1000) {
    refuse(column, value, 'epoch milliseconds from 1970 to 2106');
  }
  sink.u32(Math.floor(value / 1000));
};

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Date from 'YYYY-MM-DD': days since 1970-01-01, as a UInt16. */
const writeDate: ColumnWriter = (sink, value, column) => {
  const match = typeof value === 'string' ? datePattern.exec(value) : null;
  const ms = match === null ? NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const days = ms / MS_PER_DAY;
  // Date.UTC rolls a day that does not exist over (02-30 becomes 03-02): such a date is refused too.
  if (!(days >= 0 && days <= 0xffff) || new Date(ms).toISOString().slice(0, 10) !== value) {
    refuse(column, value, "a date 'YYYY-MM-DD' from 1970 to 2149");
  }
  sink.u16(days);
};

const enumMember = /'((?:[^'\\]|\\.)*)'\s*=\s*(-?\d+)/g;

/** Enum8 from the member's name: its code, as an Int8. */
function enum8(type: string): ColumnWriter {
  const codes = new Map<string, number>();
  for (const [, name, code] of type.matchAll(enumMember)) {
    codes.set((name ?? '').replace(/\\(.)/g, '$1'), Number(code));
  }
  const expected = `one of ${[...codes.keys()].join(', ')}`;
  return (sink, value, column) => {
    const code = typeof value === 'string' ? codes.get(value) : undefined;
    if (code === undefined) refuse(column, value, expected);
    sink.u8(code & 0xff);
  };
}

function nullable(inner: ColumnWriter): ColumnWriter {
  return (sink, value, column) => {
    if (value === null) {
      sink.u8(1);
      return;
    }
    sink.u8(0);
    inner(sink, value, column);
  };
}

function array(inner: ColumnWriter): ColumnWriter {
  return (sink, value, column) => {
    if (!Array.isArray(value)) refuse(column, value, 'an array');
    sink.varUInt(value.length);
    for (const item of value) inner(sink, item, column);
  };
}

const unsignedWriters: Readonly<Record<string, ColumnWriter>> = {
  UInt8: unsigned(1),
  UInt16: unsigned(2),
  UInt32: unsigned(4),
  UInt64: unsigned(8),
};

/** How a column of ClickHouse `type` is written; the types bereik's tables use (tables.ts). */
export function columnWriter(type: string): ColumnWriter {
  const wrapped = /^(Nullable|Array)\((.*)\)$/.exec(type);
  if (wrapped !== null) {
    const inner = columnWriter(wrapped[2] ?? '');
    return wrapped[1] === 'Nullable' ? nullable(inner) : array(inner);
  }
  if (type === 'String') return writeString;
  if (type === 'Float64') return writeFloat64;
  if (type === 'Date') return writeDate;
  if (type === 'DateTime' || type.startsWith('DateTime(')) return writeDateTime;
  if (type.startsWith('Enum8(')) return enum8(type);
  const writer = unsignedWriters[type];
  if (writer === undefined) throw new TypeError(`bereik writes no RowBinary for the ClickHouse type ${type}`);
  return writer;
}

/** Writes rows of objects keyed by column name, the columns in the given order. */
export interface RowBinaryEncoder {
  readonly columns: readonly string[];
  slices<T>(items: readonly T[], encode?: (item: T) => object): Generator<Buffer>;
}

/** An encoder for rows of `columns` (name and type), in this order. */
export function rowBinaryEncoder(columns: readonly ColumnDef[]): RowBinaryEncoder {
  const names = columns.map((c) => c.name);
  const writers = columns.map((c) => columnWriter(c.type));
  function* slices<T>(items: readonly T[], encode: (item: T) => object = (item) => item as object) {
    const sink = new ByteSink();
    for (let start = 0; start < items.length; start += ROWS_PER_SLICE) {
      const end = Math.min(items.length, start + ROWS_PER_SLICE);
      for (let i = start; i < end; i++) {
        const row = encode(items[i] as T) as Readonly<Record<string, unknown>>;
        if (i === 0) {
          const unknown = Object.keys(row).filter((key) => !names.includes(key));
          if (unknown.length > 0) throw new TypeError(`the table has no column ${unknown.join(', ')}`);
        }
        for (let c = 0; c < names.length; c++) {
          const name = names[c] as string;
          (writers[c] as ColumnWriter)(sink, row[name], name);
        }
      }
      yield sink.take();
    }
  }
  return { columns: names, slices };
}
