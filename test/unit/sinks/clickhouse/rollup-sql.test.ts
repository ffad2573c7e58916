/** The recompute statements: levels, chunks that stay below 18.16's max_query_size, exact window sets. */
import { describe, expect, it } from 'vitest';
import { emptyBatch } from '../../../../src/pipeline/contracts.ts';
import { dirtyWindows, ScopedWindows } from '../../../../src/sinks/clickhouse/dirty-windows.ts';
import {
  refreshStatements,
  type RollupRefresh,
  type StoredMinuteWindows,
} from '../../../../src/sinks/clickhouse/rollup-sql.ts';
import type { LegFact } from '../../../../src/events/facts.ts';

const leg = (i: number, enteredAt: number): LegFact => ({
  legId: `l${i}`,
  callId: `c${i}`,
  gemeente: 'GM0307',
  queue: `queue_with_a_long_name_${i % 7}`,
  enteredAt,
  outcome: 'answered',
  outcomeSource: 'event',
  outcomeAt: enteredAt + 1000,
  waitMs: 1000,
  category: 'offered',
  withinServiceLevel: true,
  transferredFromLegId: null,
  transferredOut: false,
  agentId: null,
  normId: 'n',
  version: 3,
});
const monday = Date.parse('2026-11-23T00:00:00+01:00');

/** The legs' minute windows on partition 3, as windows the processor does not hold. */
function storedWindowsOf(legs: readonly LegFact[]): StoredMinuteWindows {
  const queueMinutes = new ScopedWindows();
  const gemeenteMinutes = new ScopedWindows();
  for (const l of legs) {
    const minute = Math.floor(l.enteredAt / 60_000) * 60;
    queueMinutes.add({ gemeente: l.gemeente, queue: l.queue, partition: 3 }, minute);
    gemeenteMinutes.add({ gemeente: l.gemeente, partition: 3 }, minute);
  }
  return { queueMinutes, gemeenteMinutes };
}
const nothingStored = storedWindowsOf([]);

/** The rollup each statement writes, by level. */
function targetsOf(refresh: RollupRefresh): Record<keyof RollupRefresh, (string | undefined)[]> {
  const target = (statement: string) => /^INSERT INTO bereik\.(\w+)/.exec(statement)?.[1];
  return {
    minutes: refresh.minutes.map(target),
    hours: refresh.hours.map(target),
    days: refresh.days.map(target),
  };
}

describe('refreshStatements', () => {
  it('recomputes minutes not held, then hours, then days, only of the rollups the batch touched', () => {
    const legs = [leg(1, monday + 61_000)];
    const dirty = dirtyWindows({ ...emptyBatch('g'), legs }, []);
    const refresh = refreshStatements('bereik', dirty, storedWindowsOf(legs));
    expect(targetsOf(refresh)).toEqual({
      minutes: ['queue_partition_minute', 'gemeente_partition_minute'],
      hours: ['queue_hour', 'gemeente_hour'],
      days: ['queue_day', 'gemeente_day'],
    });
    // The exact window: the first scope (1 x 2^32) plus 2026-11-22 23:01 UTC, of partition 3; the
    // day is the local Monday, day number 20 780 (2026-11-23 is 20 780 days after 1970-01-01).
    const minute = Date.parse('2026-11-22T23:01:00Z') / 1000;
    expect(refresh.minutes[0]).toContain(
      `(indexOf(['GM0307/queue_with_a_long_name_1/3'], concat(gemeente, '/', queue, '/', toString(kafka_partition))) * 4294967296 + toUInt32(toStartOfMinute(entered_at))) IN (SELECT arrayJoin([${2 ** 32 + minute}]))`,
    );
    expect(refresh.days[0]).toContain(
      `* 4294967296 + toUInt32(toDate(hour, 'Europe/Amsterdam'))) IN (SELECT arrayJoin([${2 ** 32 + 20_780}]))`,
    );
    // Minutes held in memory are written as rows by the writer: only hours and days are recomputed.
    expect(targetsOf(refreshStatements('bereik', dirty, nothingStored))).toEqual({
      minutes: [],
      hours: ['queue_hour', 'gemeente_hour'],
      days: ['queue_day', 'gemeente_day'],
    });
    expect(refreshStatements('bereik', dirtyWindows(emptyBatch('g'), []), nothingStored)).toEqual({
      minutes: [],
      hours: [],
      days: [],
    });
  });

  it('splits many windows into statements far below max_query_size (256 KiB)', () => {
    // 7 queues x 1440 minutes of one day: 10 080 dirty minutes, at most 2 000 a statement.
    const legs = Array.from({ length: 10_080 }, (_, i) => leg(i, monday + Math.floor(i / 7) * 60_000));
    const refresh = refreshStatements(
      'bereik',
      dirtyWindows({ ...emptyBatch('g'), legs }, []),
      storedWindowsOf(legs),
    );
    const queueMinutes = refresh.minutes.filter((s) =>
      s.startsWith('INSERT INTO bereik.queue_partition_minute'),
    );
    expect(queueMinutes).toHaveLength(6);
    for (const statement of [...refresh.minutes, ...refresh.hours, ...refresh.days])
      expect(statement.length).toBeLessThan(128 * 1024);
  });
});
