/** Facts and events as the rows ClickHouse stores: columns, epoch ms, flags, and the end-to-end attribution. */
import { describe, expect, it } from 'vitest';
import type { LedgerRow } from '../../../../src/pipeline/contracts.ts';
import {
  dueDateOf,
  encodeCallback,
  encodeCallEvent,
  encodeLedgerCalls,
  encodeLegs,
  encodeSurvey,
} from '../../../../src/sinks/clickhouse/encode-rows.ts';
import type { CallbackFact } from '../../../../src/events/facts.ts';
import { legFact as leg } from '../../../helpers/fixtures.ts';

const at = (iso: string) => Date.parse(iso);
const flags = (rows: ReturnType<typeof encodeLegs>) =>
  rows.map((r) => [
    r.call_id,
    r.leg_id,
    r.version,
    r.first_offered_in_call,
    r.call_last_offered_answered,
    r.is_deleted,
  ]);

describe('encodeLegs', () => {
  it('writes a leg with epoch ms for both its DateTime and its ms columns, and 0/1 flags', () => {
    const [row] = encodeLegs(
      [leg('l1', 'c1', '2026-11-23T10:00:00.250+01:00', { transferredOut: true })],
      [],
      () => 4,
    );
    expect(row).toEqual({
      leg_id: 'l1',
      call_id: 'c1',
      gemeente: 'GM0307',
      queue: 'kcc',
      entered_at: at('2026-11-23T09:00:00.250Z'),
      entered_at_ms: at('2026-11-23T09:00:00.250Z'),
      outcome: 'answered',
      outcome_source: 'event',
      outcome_at: at('2026-11-23T09:00:12.250Z'),
      outcome_at_ms: at('2026-11-23T09:00:12.250Z'),
      wait_ms: 12_000,
      category: 'offered',
      within_service_level: 1,
      transferred_from_leg_id: null,
      transferred_out: 1,
      agent_id: 'a17',
      norm_id: 'vng-kwaliteitshandvest-25s',
      first_offered_in_call: 1,
      call_last_offered_answered: 1,
      is_deleted: 0,
      version: 6,
      kafka_partition: 4,
    });
  });

  it("puts the call's end-to-end result on its first offered leg only", () => {
    const rows = encodeLegs(
      [
        // SWITCH.md: KCC answered, Belastingen abandoned: the last offered leg was not answered.
        leg('l1', 'c1', '2026-11-23T10:00:00+01:00'),
        leg('l2', 'c1', '2026-11-23T10:02:40+01:00', { queue: 'belastingen', outcome: 'abandoned' }),
        // A short abandon first (not offered), then an answered leg: that one is first and last.
        leg('l1', 'c2', '2026-11-23T11:00:00+01:00', { outcome: 'abandoned', category: 'short_abandoned' }),
        leg('l2', 'c2', '2026-11-23T11:01:00+01:00'),
        // Two legs entering at the same millisecond: the lower leg id comes first.
        leg('lb', 'c3', '2026-11-23T12:00:00+01:00', { outcome: 'abandoned' }),
        leg('la', 'c3', '2026-11-23T12:00:00+01:00', { outcome: 'abandoned' }),
        // Only out-of-hours legs: the call has no offered leg.
        leg('l1', 'c4', '2026-11-23T06:00:00+01:00', { category: 'out_of_hours' }),
      ],
      [leg('l3', 'c1', '2026-11-23T10:05:00+01:00', { version: 7 })],
      () => 0,
    );
    expect(flags(rows)).toEqual([
      ['c1', 'l1', 6, 1, 0, 0],
      ['c1', 'l2', 6, 0, 0, 0],
      ['c2', 'l1', 6, 0, 0, 0],
      ['c2', 'l2', 6, 1, 1, 0],
      ['c3', 'lb', 6, 0, 0, 0],
      ['c3', 'la', 6, 1, 0, 0],
      ['c4', 'l1', 6, 0, 0, 0],
      ['c1', 'l3', 7, 0, 0, 1],
    ]);
  });

  it('keeps two versions of a call in one batch apart', () => {
    const rows = encodeLegs(
      [
        leg('l1', 'c5', '2026-11-23T12:00:00+01:00', { outcome: 'abandoned', version: 3 }),
        leg('l1', 'c5', '2026-11-23T12:00:00+01:00', { version: 4 }),
      ],
      [],
      () => 0,
    );
    expect(flags(rows)).toEqual([
      ['c5', 'l1', 3, 1, 0, 0],
      ['c5', 'l1', 4, 1, 1, 0],
    ]);
  });
});

describe('encodeCallEvent', () => {
  it("uses '' for the call or callback an event has not (they are sort-key columns)", () => {
    const started: LedgerRow = {
      event: {
        eventId: 'e1',
        type: 'CALL_STARTED',
        occurredAt: at('2026-11-23T10:00:00+01:00'),
        gemeente: 'GM0307',
        callId: 'c1',
        callerKey: 'hmac-1',
        dialledNumber: '14033',
      },
      kafkaPartition: 2,
      kafkaOffset: 41,
    };
    expect(encodeCallEvent(started)).toMatchObject({
      event_id: 'e1',
      type: 'CALL_STARTED',
      occurred_at: at('2026-11-23T09:00:00Z'),
      call_id: 'c1',
      callback_id: '',
      caller_key: 'hmac-1',
      dialled_number: '14033',
      kafka_partition: 2,
      kafka_offset: 41,
    });
    const completed: LedgerRow = {
      event: {
        eventId: 'e8',
        type: 'CALLBACK_COMPLETED',
        occurredAt: at('2026-11-24T11:20:00+01:00'),
        gemeente: 'GM0307',
        callbackId: 'cb1',
        outcome: 'REACHED',
      },
      kafkaPartition: 0,
      kafkaOffset: 7,
    };
    expect(encodeCallEvent(completed)).toMatchObject({
      call_id: '',
      callback_id: 'cb1',
      callback_outcome: 'REACHED',
      queue: null,
    });
  });
});

describe('encodeCallback and encodeSurvey', () => {
  const requested: CallbackFact = {
    callbackId: 'cb1',
    gemeente: 'GM0307',
    queue: 'belastingen',
    callId: 'c1',
    requestedAt: at('2026-11-23T10:04:10+01:00'),
    dueAt: at('2026-11-26T00:00:00+01:00'),
    completedAt: null,
    outcome: null,
    onTime: null,
    version: 1,
  };

  it('stores the due date: the local date whose end is the due moment', () => {
    expect(dueDateOf(at('2026-11-26T00:00:00+01:00'))).toBe('2026-11-25');
    // Due at the end of Sunday 25 October 2026, the 25-hour day.
    expect(dueDateOf(at('2026-10-26T00:00:00+01:00'))).toBe('2026-10-25');
    expect(encodeCallback(requested, ['2026-11-24'])).toMatchObject({
      requested_at: at('2026-11-23T09:04:10Z'),
      due_at: at('2026-11-25T23:00:00Z'),
      due_date: '2026-11-25',
      completed_at: null,
      on_time: null,
      earlier_due_dates: ['2026-11-24'],
      first_event_at: at('2026-11-23T09:04:10Z'),
      version: 1,
    });
  });

  it('partitions a callback known only by its completion by the completion', () => {
    const completionOnly: CallbackFact = {
      ...requested,
      queue: null,
      callId: null,
      requestedAt: null,
      dueAt: null,
      completedAt: at('2026-11-24T11:20:00+01:00'),
      outcome: 'REACHED',
      version: 2,
    };
    expect(encodeCallback(completionOnly)).toMatchObject({
      queue: null,
      due_date: null,
      first_event_at: at('2026-11-24T10:20:00Z'),
      outcome: 'REACHED',
    });
    expect(() => encodeCallback({ ...completionOnly, completedAt: null })).toThrow(TypeError);
  });

  it('marks scores 4 and 5 as satisfied', () => {
    const answer = {
      eventId: 's1',
      callId: 'c1',
      gemeente: 'GM0307',
      answeredAt: at('2026-11-23T10:05:00+01:00'),
    };
    expect(encodeSurvey({ ...answer, score: 4 }, 0).satisfied).toBe(1);
    expect(encodeSurvey({ ...answer, score: 5 }, 0).satisfied).toBe(1);
    expect(encodeSurvey({ ...answer, score: 3 }, 2)).toMatchObject({ satisfied: 0, kafka_partition: 2 });
  });
});

describe('encodeLedgerCalls', () => {
  const row = (offset: number, event: LedgerRow['event']): LedgerRow => ({
    event,
    kafkaPartition: 1,
    kafkaOffset: offset,
  });
  const base = { gemeente: 'GM0307' };

  it('indexes each call once per UTC day it has call-state events on, and nothing else', () => {
    const rows = [
      // c1 from 23:59 on 31 October to 00:01 on 1 November (UTC): two days, two months.
      row(1, {
        ...base,
        eventId: 'e1',
        type: 'CALL_STARTED',
        occurredAt: at('2026-10-31T23:59:00Z'),
        callId: 'c1',
        callerKey: null,
        dialledNumber: '14033',
      }),
      row(2, {
        ...base,
        eventId: 'e2',
        type: 'QUEUE_ENTERED',
        occurredAt: at('2026-10-31T23:59:30Z'),
        callId: 'c1',
        legId: 'l1',
        queue: 'kcc',
        transferredFromLegId: null,
      }),
      row(3, {
        ...base,
        eventId: 'e3',
        type: 'CALL_ENDED',
        occurredAt: at('2026-11-01T00:01:00Z'),
        callId: 'c1',
      }),
      // Not call state: a callback of c2 and a survey answer of c3.
      row(4, {
        ...base,
        eventId: 'e4',
        type: 'CALLBACK_REQUESTED',
        occurredAt: at('2026-11-01T09:00:00Z'),
        callbackId: 'cb1',
        queue: 'kcc',
        callId: 'c2',
      }),
      row(5, {
        ...base,
        eventId: 'e5',
        type: 'SURVEY_ANSWERED',
        occurredAt: at('2026-11-01T09:05:00Z'),
        callId: 'c3',
        score: 4,
      }),
      row(6, {
        ...base,
        eventId: 'e6',
        type: 'ABANDONED',
        occurredAt: at('2026-11-01T09:06:00Z'),
        callId: 'c3',
        legId: 'l3',
        agentId: null,
      }),
    ];
    expect(encodeLedgerCalls(rows)).toEqual([
      { call_id: 'c1', occurred_at: at('2026-10-31T23:59:00Z') },
      { call_id: 'c1', occurred_at: at('2026-11-01T00:01:00Z') },
      { call_id: 'c3', occurred_at: at('2026-11-01T09:06:00Z') },
    ]);
  });
});
