/** Minute rows counted in memory per partition: hand-worked rows, corrections, and which days are held. */
import { describe, expect, it } from 'vitest';
import { encodeLegs, encodeSurvey, type LegRow } from '../../../../src/sinks/clickhouse/encode-rows.ts';
import { PartitionMinutes } from '../../../../src/sinks/clickhouse/partition-minutes.ts';
import type { LegFact } from '../../../../src/events/facts.ts';
import { legFact as leg } from '../../../helpers/fixtures.ts';

const at = (iso: string) => Date.parse(iso);
const DAY_S = 86_400;
const dayOf = (iso: string) => Math.floor(at(iso) / 1000 / DAY_S);

/** Leg rows of partition `p` (encodeLegs puts the call's end-to-end result on its first offered leg). */
const rows = (p: number, legs: LegFact[], tombstones: LegFact[] = []): LegRow[] =>
  encodeLegs(legs, tombstones, () => p);

const survey = (eventId: string, iso: string, score: 1 | 2 | 3 | 4 | 5, p: number) =>
  encodeSurvey({ eventId, callId: 'c1', gemeente: 'GM0307', answeredAt: at(iso), score }, p);

const zeroLegCounts = {
  offered: 0,
  answered: 0,
  answered_within_sl: 0,
  abandoned: 0,
  timed_out: 0,
  short_abandoned: 0,
  out_of_hours: 0,
  transferred_out: 0,
  offered_from_transfer: 0,
  answered_from_transfer: 0,
  answered_wait_ms_sum: 0,
  abandoned_wait_ms_sum: 0,
};

/** A partition with nothing stored (a fresh database). */
function fresh(p = 2, maxHeldFacts = 1000): PartitionMinutes {
  const minutes = new PartitionMinutes(maxHeldFacts);
  minutes.learnStoredDays(p, [], minutes.generation);
  return minutes;
}

describe('PartitionMinutes', () => {
  it("counts a minute's legs and answers per queue and gemeente as the recompute does", () => {
    // The SWITCH.md call in one minute: KCC answered after 12 s and transferred on; Belastingen,
    // entered from that transfer, abandoned after 40 s. A second call short-abandons the KCC (3 s).
    // One answer, score 4. Partition 2, Monday 23 November 2026 10:00 CET = 09:00 UTC.
    const c1 = [
      leg('l1', 'c1', '2026-11-23T09:00:05Z', { transferredOut: true }),
      leg('l2', 'c1', '2026-11-23T09:00:30Z', {
        queue: 'belastingen',
        outcome: 'abandoned',
        waitMs: 40_000,
        withinServiceLevel: false,
        transferredFromLegId: 'l1',
        agentId: null,
        normId: 'vng-20s',
      }),
    ];
    const c2 = [
      leg('l1', 'c2', '2026-11-23T09:00:50Z', {
        outcome: 'abandoned',
        waitMs: 3_000,
        category: 'short_abandoned',
        withinServiceLevel: false,
        version: 4,
      }),
    ];
    const update = fresh().apply(rows(2, [...c1, ...c2]), [survey('s1', '2026-11-23T09:00:59Z', 4, 2)]);
    const minute = at('2026-11-23T09:00:00Z');
    expect(update.queueRows).toEqual([
      {
        gemeente: 'GM0307',
        queue: 'kcc',
        minute,
        kafka_partition: 2,
        ...zeroLegCounts,
        offered: 1,
        answered: 1,
        answered_within_sl: 1,
        short_abandoned: 1,
        transferred_out: 1,
        answered_wait_ms_sum: 12_000,
        norm_id: 'vng-kwaliteitshandvest-25s',
        version: 6 + 4,
      },
      {
        gemeente: 'GM0307',
        queue: 'belastingen',
        minute,
        kafka_partition: 2,
        ...zeroLegCounts,
        offered: 1,
        abandoned: 1,
        offered_from_transfer: 1,
        abandoned_wait_ms_sum: 40_000,
        norm_id: 'vng-20s',
        version: 6,
      },
    ]);
    // c1's first offered leg is l1, its last offered leg (l2) was not answered; c2 has none offered.
    expect(update.gemeenteRows).toEqual([
      {
        gemeente: 'GM0307',
        minute,
        kafka_partition: 2,
        calls_with_offered_leg: 1,
        calls_last_offered_answered: 0,
        survey_answers: 1,
        survey_satisfied: 1,
        version: 6 + 6 + 4 + 1,
      },
    ]);
    expect(update.stored.queueMinutes.size + update.stored.gemeenteMinutes.size).toBe(0);
  });

  it('keeps the newest version of a leg, counts a tombstone only by its version, and repeats itself', () => {
    const minutes = fresh();
    const first = rows(2, [leg('l1', 'c1', '2026-11-23T09:00:05Z', { outcome: 'abandoned', version: 3 })]);
    minutes.apply(first, []);
    // The correction: answered after all (version 5); the older version again changes nothing.
    const corrected = rows(2, [leg('l1', 'c1', '2026-11-23T09:00:05Z', { version: 5 })]);
    const again = minutes.apply([...corrected, ...first], []);
    expect(again.queueRows.map((r) => [r.offered, r.answered, r.abandoned, r.version])).toEqual([
      [1, 1, 0, 5],
    ]);
    // A later correction removes the leg: a tombstone at version 7 leaves only its version.
    const removed = minutes.apply(rows(2, [], [leg('l1', 'c1', '2026-11-23T09:00:05Z', { version: 7 })]), []);
    expect(removed.queueRows).toEqual([
      {
        gemeente: 'GM0307',
        queue: 'kcc',
        minute: at('2026-11-23T09:00:00Z'),
        kafka_partition: 2,
        ...zeroLegCounts,
        norm_id: '',
        version: 7,
      },
    ]);
    expect(removed.gemeenteRows.map((r) => [r.calls_with_offered_leg, r.version])).toEqual([[0, 7]]);
    // The same rows once more give the same rows (a retried write).
    const tombstone = rows(2, [], [leg('l1', 'c1', '2026-11-23T09:00:05Z', { version: 7 })]);
    expect(minutes.apply(tombstone, [])).toEqual(removed);
  });

  it('leaves windows to the store on days it may hold facts of, and of partitions it has not learnt', () => {
    const minutes = new PartitionMinutes();
    minutes.learnStoredDays(1, [dayOf('2026-11-23T12:00:00Z')], minutes.generation);
    const legs = [
      ...rows(1, [leg('l1', 'c1', '2026-11-23T09:00:05Z')]), // a stored day of partition 1
      ...rows(1, [leg('l1', 'c2', '2026-11-24T09:00:05Z')]), // a day with nothing stored
      ...rows(4, [leg('l1', 'c3', '2026-11-24T09:00:05Z')]), // partition 4 is not learnt
    ];
    expect(minutes.unknownPartitions(legs, [])).toEqual([4]);
    const update = minutes.apply(legs, [survey('s1', '2026-11-23T09:30:00Z', 2, 1)]);
    expect(update.queueRows.map((r) => [r.kafka_partition, r.minute])).toEqual([
      [1, at('2026-11-24T09:00:00Z')],
    ]);
    const minute = (iso: string) => at(iso) / 1000;
    expect(update.stored.queueMinutes.keys()).toEqual([
      { scope: { gemeente: 'GM0307', queue: 'kcc', partition: 1 }, start: minute('2026-11-23T09:00:00Z') },
      { scope: { gemeente: 'GM0307', queue: 'kcc', partition: 4 }, start: minute('2026-11-24T09:00:00Z') },
    ]);
    expect(update.stored.gemeenteMinutes.keys()).toEqual([
      {
        scope: { gemeente: 'GM0307', partition: 1 },
        start: minute('2026-11-23T09:00:00Z'),
      },
      {
        scope: { gemeente: 'GM0307', partition: 1 },
        start: minute('2026-11-23T09:30:00Z'),
      },
      { scope: { gemeente: 'GM0307', partition: 4 }, start: minute('2026-11-24T09:00:00Z') },
    ]);
  });

  it('beyond its budget lets go of the days written least recently, never one the batch wrote to', () => {
    const minutes = fresh(2, 2);
    const on = (day: string, callId: string) => rows(2, [leg('l1', callId, `${day}T09:00:05Z`)]);
    minutes.apply(on('2026-11-23', 'c1'), []);
    minutes.apply(on('2026-11-24', 'c2'), []);
    expect(minutes.heldFacts).toBe(2);
    // A third leg: the 24th, written before this batch's 23rd, is let go.
    minutes.apply(on('2026-11-23', 'c3'), []);
    expect(minutes.heldFacts).toBe(2);
    const late = minutes.apply(on('2026-11-24', 'c5'), []);
    expect(late.queueRows).toEqual([]);
    expect(late.stored.queueMinutes.size).toBe(1);
    // The 23rd is still held (its row counts all three calls), and as the only day this batch
    // wrote to, it stays although that is over the budget.
    const held = minutes.apply(on('2026-11-23', 'c6'), []);
    expect(held.queueRows.map((r) => [r.minute, r.offered])).toEqual([[at('2026-11-23T09:00:00Z'), 3]]);
    expect(minutes.heldFacts).toBe(3);
  });

  it('forgets what it held when partitions move: a partition must be learnt again', () => {
    const minutes = fresh();
    const legs = rows(2, [leg('l1', 'c1', '2026-11-23T09:00:05Z')]);
    minutes.apply(legs, []);
    minutes.forget();
    expect(minutes.heldFacts).toBe(0);
    expect(minutes.unknownPartitions(legs, [])).toEqual([2]);
    expect(minutes.apply(legs, []).queueRows).toEqual([]);
    // Days read before the move are stale: they are not learnt, the partition stays unknown.
    const before = minutes.generation;
    minutes.forget();
    minutes.learnStoredDays(2, [], before);
    expect(minutes.unknownPartitions(legs, [])).toEqual([2]);
  });
});
