import { describe, expect, it } from 'vitest';
import { repeatCorrections } from '../../../../src/sinks/clickhouse/reconcile-repeats.ts';

const row = (call_id: string, iso: string, is_repeat: number, caller_key = 'k') => ({
  call_id,
  gemeente: 'GM0307',
  caller_key,
  started_at_ms: Date.parse(iso),
  is_repeat,
});

describe('reconcile repeat callers across processors', () => {
  it('raises the flag of a call with an earlier call of the same caller at most 168 h before, and only those', () => {
    const corrected = repeatCorrections([
      row('a', '2026-11-16T10:00:00Z', 0),
      row('b', '2026-11-23T10:00:00Z', 0), // exactly 168 h after a: a repeat
      row('c', '2026-11-30T10:00:00.001Z', 0), // 168 h + 1 ms after b: not
      row('d', '2026-11-30T11:00:00Z', 1), // already marked: left alone
      row('x', '2026-11-16T11:00:00Z', 0, 'other'), // another caller
    ]);
    expect(corrected.map((c) => [c.callId, c.repeat, c.version])).toEqual([['b', true, 2]]);
  });

  it('does not count a call at the same instant as "before"', () => {
    expect(
      repeatCorrections([row('a', '2026-11-16T10:00:00Z', 0), row('b', '2026-11-16T10:00:00Z', 0)]),
    ).toEqual([]);
  });
});
