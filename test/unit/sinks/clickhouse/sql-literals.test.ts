/** Values written into SQL text (18.16 has no query parameters): escaping and refusal of odd names. */
import { describe, expect, it } from 'vitest';
import {
  sqlDate,
  sqlDateTime,
  sqlIdentifier,
  sqlString,
  sqlStringList,
  utcDateTimeText,
} from '../../../../src/sinks/clickhouse/sql-literals.ts';

describe('sql-literals', () => {
  it('escapes quotes and backslashes in strings', () => {
    expect(sqlString("it's")).toBe("'it\\'s'");
    expect(sqlString('a\\b')).toBe("'a\\\\b'");
    expect(sqlString("x' OR 1 = 1 --")).toBe("'x\\' OR 1 = 1 --'");
    expect(sqlStringList(['a', "b'"])).toBe("('a', 'b\\'')");
  });

  it('refuses an empty IN list and identifiers that are not plain', () => {
    expect(() => sqlStringList([])).toThrow(RangeError);
    expect(sqlIdentifier('bereik_2026')).toBe('bereik_2026');
    for (const bad of ['', '1abc', 'a-b', 'a.b', 'a b', 'x; DROP TABLE y']) {
      expect(() => sqlIdentifier(bad)).toThrow(TypeError);
    }
  });

  it('writes instants as UTC text, dropping milliseconds', () => {
    expect(utcDateTimeText(Date.parse('2026-11-23T10:00:12.999+01:00'))).toBe('2026-11-23 09:00:12');
    expect(sqlDateTime(Date.parse('2026-03-29T01:00:00Z') / 1000)).toBe(
      "toDateTime('2026-03-29 01:00:00', 'UTC')",
    );
    expect(sqlDate('2026-11-25')).toBe("toDate('2026-11-25')");
    expect(() => sqlDate('25-11-2026')).toThrow(TypeError);
  });

  it('writes the same UTC text as Date.toISOString for any instant, midnights and leap days included', () => {
    const viaDate = (ms: number) =>
      new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
    const instants = [
      Date.UTC(2000, 0, 1),
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2026, 11, 31, 23, 59, 59, 500),
      Date.UTC(2027, 0, 1),
      Date.UTC(2099, 11, 31, 12, 0, 0, 1),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
    ];
    // A fixed linear congruential sequence: many instants over a century, the same every run.
    let seed = 12345;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      instants.push(Date.UTC(2000, 0, 1) + (seed / 2 ** 31) * 100 * 365.25 * 86_400_000);
    }
    for (const ms of instants) expect(utcDateTimeText(ms)).toBe(viaDate(ms));
  });
});
