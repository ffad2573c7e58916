/**
 * Rows as TabSeparated text for INSERT ... (columns) FORMAT TabSeparated, produced a slice at a
 * time while the request body is sent. TabSeparated carries no column names, so it is about a third
 * of the bytes of JSONEachRow for bereik's rows and cheaper for ClickHouse to parse; it reads the
 * same on ClickHouse 18.16 and 26.x.
 *
 * A value is a string, a number, null (NULL) or an array of strings or numbers. A row must hold
 * every column it is written to, so a row an encoder built wrong fails here, by name, instead of
 * being stored with a default.
 */

/** Rows per slice: large enough that the stream's own cost per slice does not show. */
const ROWS_PER_SLICE = 2000;

const needsEscape = /[\\\t\n\r]/;
const escapes: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

const quotedEscapes: Readonly<Record<string, string>> = { ...escapes, "'": "\\'" };

/** An element of an array field, written as ClickHouse writes arrays in text: strings quoted. */
function arrayItem(item: unknown, column: string): string {
  if (typeof item === 'string') return `'${item.replace(/[\\'\t\n\r]/g, (c) => quotedEscapes[c] ?? c)}'`;
  if (typeof item === 'number' && Number.isFinite(item)) return String(item);
  throw new TypeError(`column ${column}: an array may hold strings and numbers, not a ${typeof item}`);
}

/** One field: NULL as \N, strings with backslash, tab and line breaks escaped. */
export function tsvField(value: unknown, column: string): string {
  if (typeof value === 'string') {
    return needsEscape.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => escapes[c] ?? c) : value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`column ${column}: ${value} cannot be stored`);
    return String(value);
  }
  if (value === null) return '\\N';
  if (Array.isArray(value)) return `[${value.map((item) => arrayItem(item, column)).join(',')}]`;
  throw new TypeError(
    `column ${column}: ${value === undefined ? 'missing from the row' : `a ${typeof value} is not a ClickHouse value here`}`,
  );
}

/**
 * TabSeparated text of `items`, `encode`d to rows on the way, with `columns` in this order. The
 * first row's fields must all be among `columns` (a field the table lacks is a bug, not data to drop).
 */
export function* tsvSlices<T>(
  columns: readonly string[],
  items: readonly T[],
  encode: (item: T) => object = (item) => item as object,
): Generator<string> {
  // Fields and lines are joined, not appended one by one: V8 flattens one joined string far faster
  // than a long chain of appended pieces (a third of the time, measured on Node 24).
  const fields = new Array<string>(columns.length);
  for (let start = 0; start < items.length; start += ROWS_PER_SLICE) {
    const end = Math.min(items.length, start + ROWS_PER_SLICE);
    const lines = new Array<string>(end - start + 1);
    for (let i = start; i < end; i++) {
      const row = encode(items[i] as T) as Readonly<Record<string, unknown>>;
      if (i === 0) {
        const unknown = Object.keys(row).filter((key) => !columns.includes(key));
        if (unknown.length > 0) throw new TypeError(`the table has no column ${unknown.join(', ')}`);
      }
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c] as string;
        fields[c] = tsvField(row[column], column);
      }
      lines[i - start] = fields.join('\t');
    }
    // The last element stays empty: every line, the last too, ends in a line break.
    lines[end - start] = '';
    yield lines.join('\n');
  }
}
