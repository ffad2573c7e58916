/**
 * Values written into SQL text. ClickHouse 18.16 has no query parameters (`{name:Type}` is a syntax
 * error and the client's `query_params` arrive as unknown settings), so every value bereik puts in a
 * statement goes through one of these functions: strings quoted and escaped, identifiers checked,
 * instants as explicit UTC DateTime literals.
 *
 * In: strings, epoch seconds or milliseconds, local dates. Out: SQL literal text.
 */

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A plain identifier (database or table name), checked: bereik never quotes names, it refuses odd ones. */
export function sqlIdentifier(name: string): string {
  if (!identifier.test(name)) {
    throw new TypeError(
      `"${name}" is not a plain ClickHouse identifier (letters, digits and _, not first a digit)`,
    );
  }
  return name;
}

/** A string literal: backslash and single quote escaped (ClickHouse's escaping, the same in 18.16 and 26.x). */
export function sqlString(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** An integer literal; anything else (a fraction, NaN, an infinity) is a bug, refused here. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a whole number for SQL`);
  return String(value);
}

/** A parenthesised list of string literals for `IN (...)`; never empty (callers skip empty lists). */
export function sqlStringList(values: Iterable<string>): string {
  const items = [...values].map(sqlString);
  if (items.length === 0) throw new RangeError('an IN list needs at least one value');
  return `(${items.join(', ')})`;
}

const msPerDay = 86_400_000;
const twoDigits = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
/** 'YYYY-MM-DD ' by day since the epoch, bounded: a backlog of many years clears it now and then. */
const dayTexts = new Map<number, string>();

/** 'YYYY-MM-DD ' of a UTC day; Date's formatting is the slow part, so once per day. */
function utcDayText(day: number): string {
  let text = dayTexts.get(day);
  if (text === undefined) {
    if (dayTexts.size >= 4096) dayTexts.clear();
    text = `${new Date(day * msPerDay).toISOString().slice(0, 10)} `;
    dayTexts.set(day, text);
  }
  return text;
}

/**
 * 'YYYY-MM-DD hh:mm:ss' in UTC for an epoch-millisecond instant (the sub-second part is dropped).
 * Every row bereik writes holds one or more: Date.toISOString per value was the largest single
 * cost of encoding them.
 */
export function utcDateTimeText(epochMs: number): string {
  const day = Math.floor(epochMs / msPerDay);
  const secondOfDay = Math.floor((epochMs - day * msPerDay) / 1000);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return `${utcDayText(day)}${twoDigits[hour]}:${twoDigits[minute]}:${twoDigits[secondOfDay % 60]}`;
}

/** A DateTime('UTC') literal for an instant in epoch seconds. */
export function sqlDateTime(epochSeconds: number): string {
  return `toDateTime(${sqlString(utcDateTimeText(epochSeconds * 1000))}, 'UTC')`;
}

/** A Date literal for a local date 'YYYY-MM-DD'. */
export function sqlDate(localDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(localDate)) throw new TypeError(`"${localDate}" is not a date YYYY-MM-DD`);
  return `toDate(${sqlString(localDate)})`;
}
