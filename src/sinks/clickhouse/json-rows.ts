/**
 * Rows as JSONEachRow text, produced a slice at a time while the request body is sent: ClickHouse
 * parses the first rows while the next are serialised, and the rows of one insert are never all
 * in memory as text at once.
 */

/** Rows per slice: large enough that the stream's own cost per slice does not show. */
const ROWS_PER_SLICE = 2000;

/** JSONEachRow text of `items`, `encode`d to rows on the way (lazily, slice by slice). */
export function* jsonEachRowSlices<T>(
  items: readonly T[],
  encode: (item: T) => object = (item) => item as object,
): Generator<string> {
  for (let start = 0; start < items.length; start += ROWS_PER_SLICE) {
    const end = Math.min(items.length, start + ROWS_PER_SLICE);
    let text = '';
    for (let i = start; i < end; i++) text += `${JSON.stringify(encode(items[i] as T))}\n`;
    yield text;
  }
}
