import { describe, expect, it } from 'vitest';
import { repeatCorrections, repeatsCausedBy } from '../../../../src/sinks/clickhouse/reconcile-repeats.ts';

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

  it('names the stored repeats a batch start causes, raised now or before, so their windows are recomputed', () => {
    const start = (callId: string, iso: string, callerKey: string | null = 'k') => ({
      callId,
      gemeente: 'GM0307',
      startedAt: Date.parse(iso),
      callerKey,
      repeat: false,
      version: 1,
    });
    const caused = repeatsCausedBy(
      [
        row('w', '2026-11-16T10:00:00Z', 0), // the batch's own start
        row('x', '2026-11-20T10:00:00Z', 1), // 96 h after w, marked a repeat (a raise stored earlier)
        row('y', '2026-11-23T10:00:00Z', 1), // exactly 168 h after w: caused by it
        row('z', '2026-11-23T10:00:00.001Z', 1), // 168 h + 1 ms: not caused by w
        row('v', '2026-11-15T10:00:00Z', 1), // before w: not caused by it
        row('u', '2026-11-17T10:00:00Z', 1, 'other'), // another caller
        row('t', '2026-11-18T10:00:00Z', 0), // not a repeat (yet): repeatCorrections raises it
      ],
      [start('w', '2026-11-16T10:00:00Z'), start('n', '2026-11-16T10:00:00Z', null)],
    );
    expect(caused.map((c) => c.callId)).toEqual(['x', 'y']);
  });
});
