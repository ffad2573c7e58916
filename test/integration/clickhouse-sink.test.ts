/**
 * The ClickHouse sink against the local 18.16 server: hand-made facts of a small Monday in
 * Amersfoort (the SWITCH.md example call, a short abandon, an out-of-hours leg, a repeat caller,
 * survey answers, callbacks) go in, and the rollups and views must give numbers worked out by
 * hand below, never numbers computed by the code under test. Then the same batches again (a
 * replay: nothing may change), a correction (a leg answered instead of abandoned, a leg removed),
 * and legs either side of midnight Europe/Amsterdam. Each test has a database of its own.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { CallEvent } from '../../src/events/call-event.ts';
import { emptyBatch, type LedgerRow, type SinkBatch } from '../../src/pipeline/contracts.ts';
import { ClickHouseSink } from '../../src/sinks/clickhouse/writer.ts';
import { addDays, endOfLocalDay, localDateOf } from '../../src/domain/index.ts';
import { clickhouseClient, uniqueName } from '../helpers/clients.ts';
import type { CallFact, CallStartFact, CallbackFact, LegFact, SurveyFact } from '../../src/events/facts.ts';

const endpoints = inject('endpoints');
const at = (iso: string) => Date.parse(iso);
const G = 'GM0307';
const NORM = 'vng-kwaliteitshandvest-25s';
const group = 'bereik-test';

function leg(
  fields: Partial<LegFact> & Pick<LegFact, 'legId' | 'callId' | 'queue' | 'enteredAt' | 'version'>,
): LegFact {
  const outcomeAt = fields.outcomeAt ?? fields.enteredAt + (fields.waitMs ?? 0);
  return {
    gemeente: G,
    outcome: 'answered',
    outcomeSource: 'event',
    outcomeAt,
    waitMs: outcomeAt - fields.enteredAt,
    category: 'offered',
    withinServiceLevel: false,
    transferredFromLegId: null,
    transferredOut: false,
    agentId: null,
    normId: NORM,
    ...fields,
  };
}

function call(fields: Partial<CallFact> & Pick<CallFact, 'callId' | 'endedAt' | 'version'>): CallFact {
  return {
    gemeente: G,
    startedAt: null,
    endSource: 'call_ended',
    callerKey: null,
    dialledNumber: '14033',
    legs: 1,
    offeredLegs: 1,
    firstOfferedAt: null,
    lastOfferedAnswered: null,
    ...fields,
  };
}

const start = (
  callId: string,
  iso: string,
  callerKey: string | null,
  repeat: boolean | null,
): CallStartFact => ({
  callId,
  gemeente: G,
  startedAt: at(iso),
  callerKey,
  repeat,
  version: repeat === true ? 2 : 1,
});

const survey = (eventId: string, callId: string, iso: string, score: SurveyFact['score']): SurveyFact => ({
  eventId,
  callId,
  gemeente: G,
  answeredAt: at(iso),
  score,
});

const ledger = (kafkaPartition: number, kafkaOffset: number, event: CallEvent): LedgerRow => ({
  event,
  kafkaPartition,
  kafkaOffset,
});

/**
 * The partition of a call's events in these tests: c1's are on partition 0 (its ledger rows below),
 * the other calls spread over three partitions by their number.
 */
const partitionOfCall = (callId: string) =>
  callId === 'c1' ? 0 : Number(callId.replace(/\D/g, '') || '0') % 3;

const batch = (consumerGroup: string, parts: Partial<SinkBatch>): SinkBatch => {
  const facts = [...(parts.legs ?? []), ...(parts.legTombstones ?? []), ...(parts.surveys ?? [])];
  return {
    ...emptyBatch(consumerGroup),
    callPartitions: new Map(facts.map((f) => [f.callId, partitionOfCall(f.callId)])),
    ...parts,
  };
};

// ---- the scenario: Monday 23 November 2026, CET (UTC+1) ------------------------------------------

// c1, the SWITCH.md example: KCC answered after 12 s and transferred to Belastingen at 10:02:40;
// nobody answers there and the caller hangs up at 10:03:55 (75 s). 6 events: version 6.
const c1l1 = leg({
  legId: 'l1',
  callId: 'c1',
  queue: 'kcc',
  enteredAt: at('2026-11-23T10:00:00+01:00'),
  waitMs: 12_000,
  withinServiceLevel: true,
  transferredOut: true,
  agentId: 'a17',
  version: 6,
});
const c1l2 = leg({
  legId: 'l2',
  callId: 'c1',
  queue: 'belastingen',
  enteredAt: at('2026-11-23T10:02:40+01:00'),
  outcome: 'abandoned',
  waitMs: 75_000,
  transferredFromLegId: 'l1',
  version: 6,
});
// c2: the caller hangs up at the KCC after 3 s: a short abandon, not offered.
const c2l1 = leg({
  legId: 'l1',
  callId: 'c2',
  queue: 'kcc',
  enteredAt: at('2026-11-23T10:10:00+01:00'),
  outcome: 'abandoned',
  waitMs: 3000,
  category: 'short_abandoned',
  version: 4,
});
// c3: 06:30, before the KCC opens: out of hours, not offered. The number was withheld.
const c3l1 = leg({
  legId: 'l1',
  callId: 'c3',
  queue: 'kcc',
  enteredAt: at('2026-11-23T06:30:00+01:00'),
  outcome: 'abandoned',
  waitMs: 60_000,
  category: 'out_of_hours',
  version: 4,
});
// c4: the caller of c1 again at 14:00, answered after 30 s (over the 25 s norm): a repeat call.
const c4l1 = leg({
  legId: 'l1',
  callId: 'c4',
  queue: 'kcc',
  enteredAt: at('2026-11-23T14:00:00+01:00'),
  waitMs: 30_000,
  agentId: 'a3',
  version: 4,
});
// c5 as first known (version 3): the KCC leg abandoned at CALL_ENDED after 60 s, and a leg to
// Burgerzaken abandoned after 10 s. The correction (version 4) says otherwise; see below.
const c5l1 = leg({
  legId: 'l1',
  callId: 'c5',
  queue: 'kcc',
  enteredAt: at('2026-11-23T12:00:00+01:00'),
  outcome: 'abandoned',
  outcomeSource: 'call_ended',
  waitMs: 60_000,
  version: 3,
});
const c5l2 = leg({
  legId: 'l2',
  callId: 'c5',
  queue: 'burgerzaken',
  enteredAt: at('2026-11-23T12:00:50+01:00'),
  outcome: 'abandoned',
  outcomeSource: 'call_ended',
  waitMs: 10_000,
  version: 3,
});

const calls: CallFact[] = [
  call({
    callId: 'c1',
    startedAt: at('2026-11-23T10:00:00+01:00'),
    endedAt: at('2026-11-23T10:03:55+01:00'),
    callerKey: 'k-anna',
    legs: 2,
    offeredLegs: 2,
    firstOfferedAt: c1l1.enteredAt,
    lastOfferedAnswered: false,
    version: 6,
  }),
  call({ callId: 'c2', endedAt: c2l1.outcomeAt, callerKey: 'k-bob', offeredLegs: 0, version: 4 }),
  call({ callId: 'c3', endedAt: c3l1.outcomeAt, offeredLegs: 0, version: 4 }),
  call({
    callId: 'c4',
    endedAt: at('2026-11-23T14:05:00+01:00'),
    callerKey: 'k-anna',
    firstOfferedAt: c4l1.enteredAt,
    lastOfferedAnswered: true,
    version: 4,
  }),
  call({
    callId: 'c5',
    endedAt: at('2026-11-23T12:01:00+01:00'),
    callerKey: 'k-carla',
    legs: 2,
    offeredLegs: 2,
    firstOfferedAt: c5l1.enteredAt,
    lastOfferedAnswered: false,
    version: 3,
  }),
];

const callStarts: CallStartFact[] = [
  start('c1', '2026-11-23T10:00:00+01:00', 'k-anna', false),
  start('c2', '2026-11-23T10:10:00+01:00', 'k-bob', false),
  start('c3', '2026-11-23T06:30:00+01:00', null, null),
  start('c4', '2026-11-23T14:00:00+01:00', 'k-anna', true),
  start('c5', '2026-11-23T12:00:00+01:00', 'k-carla', false),
];

// cb1 (SWITCH.md): filed for Belastingen on Monday 10:04:10, due at the end of Wednesday, done on
// Tuesday 11:20 (reached): on time. cb2: filed for the KCC on Monday 15:00, never done.
const cb1Requested: CallbackFact = {
  callbackId: 'cb1',
  gemeente: G,
  queue: 'belastingen',
  callId: 'c1',
  requestedAt: at('2026-11-23T10:04:10+01:00'),
  dueAt: at('2026-11-26T00:00:00+01:00'),
  completedAt: null,
  outcome: null,
  onTime: null,
  version: 1,
};
const cb1Completed: CallbackFact = {
  ...cb1Requested,
  completedAt: at('2026-11-24T11:20:00+01:00'),
  outcome: 'REACHED',
  onTime: true,
  version: 3,
};
const cb2Requested: CallbackFact = {
  ...cb1Requested,
  callbackId: 'cb2',
  queue: 'kcc',
  callId: null,
  requestedAt: at('2026-11-23T15:00:00+01:00'),
};

const c1Events: LedgerRow[] = [
  ledger(0, 10, {
    eventId: 'e1',
    type: 'CALL_STARTED',
    occurredAt: at('2026-11-23T10:00:00+01:00'),
    gemeente: G,
    callId: 'c1',
    callerKey: 'k-anna',
    dialledNumber: '14033',
  }),
  ledger(0, 11, {
    eventId: 'e2',
    type: 'QUEUE_ENTERED',
    occurredAt: c1l1.enteredAt,
    gemeente: G,
    callId: 'c1',
    legId: 'l1',
    queue: 'kcc',
    transferredFromLegId: null,
  }),
  ledger(0, 12, {
    eventId: 'e3',
    type: 'ANSWERED',
    occurredAt: c1l1.outcomeAt,
    gemeente: G,
    callId: 'c1',
    legId: 'l1',
    agentId: 'a17',
  }),
  ledger(0, 13, {
    eventId: 'e4',
    type: 'QUEUE_ENTERED',
    occurredAt: c1l2.enteredAt,
    gemeente: G,
    callId: 'c1',
    legId: 'l2',
    queue: 'belastingen',
    transferredFromLegId: 'l1',
  }),
  ledger(0, 14, {
    eventId: 'e5',
    type: 'ABANDONED',
    occurredAt: c1l2.outcomeAt,
    gemeente: G,
    callId: 'c1',
    legId: 'l2',
    agentId: null,
  }),
  ledger(0, 15, { eventId: 'e6', type: 'CALL_ENDED', occurredAt: c1l2.outcomeAt, gemeente: G, callId: 'c1' }),
  ledger(1, 3, {
    eventId: 'e7',
    type: 'CALLBACK_REQUESTED',
    occurredAt: cb1Requested.requestedAt ?? 0,
    gemeente: G,
    callbackId: 'cb1',
    queue: 'belastingen',
    callId: 'c1',
  }),
  ledger(0, 16, {
    eventId: 's2',
    type: 'SURVEY_ANSWERED',
    occurredAt: at('2026-11-23T10:05:00+01:00'),
    gemeente: G,
    callId: 'c1',
    score: 3,
  }),
];

/** Monday, as the processor would flush it. */
const monday = (consumerGroup: string): SinkBatch =>
  batch(consumerGroup, {
    events: c1Events,
    legs: [c1l1, c1l2, c2l1, c3l1, c4l1, c5l1, c5l2],
    calls,
    callStarts,
    surveys: [
      survey('s1', 'c4', '2026-11-23T14:10:00+01:00', 4),
      survey('s2', 'c1', '2026-11-23T10:05:00+01:00', 3),
    ],
    callbacks: [cb1Requested, cb2Requested],
    watermarkMs: at('2026-11-23T16:00:00+01:00'),
  });

/** Tuesday: the callback for Belastingen is done. */
const tuesday = (consumerGroup: string): SinkBatch =>
  batch(consumerGroup, {
    events: [
      ledger(1, 4, {
        eventId: 'e8',
        type: 'CALLBACK_COMPLETED',
        occurredAt: cb1Completed.completedAt ?? 0,
        gemeente: G,
        callbackId: 'cb1',
        outcome: 'REACHED',
      }),
    ],
    callbacks: [cb1Completed],
    watermarkMs: at('2026-11-24T12:00:00+01:00'),
    partitionWatermarks: {
      topic: 'switch',
      watermarks: new Map([
        [1, at('2026-11-24T12:00:00+01:00')],
        [4, at('2026-11-24T12:30:00+01:00')],
      ]),
    },
  });

/** The correction of c5 (version 4): a late ANSWERED after 20 s for the KCC leg; the Burgerzaken leg is gone. */
const correction = (consumerGroup: string): SinkBatch =>
  batch(consumerGroup, {
    legs: [
      {
        ...c5l1,
        outcome: 'answered',
        outcomeSource: 'event',
        outcomeAt: c5l1.enteredAt + 20_000,
        waitMs: 20_000,
        withinServiceLevel: true,
        agentId: 'a5',
        version: 4,
      },
    ],
    legTombstones: [{ ...c5l2, version: 4 }],
    calls: [{ ...(calls[4] as CallFact), legs: 1, offeredLegs: 1, lastOfferedAnswered: true, version: 4 }],
    watermarkMs: at('2026-11-24T12:30:00+01:00'),
  });

// ---- helpers ---------------------------------------------------------------------------------------

describe('ClickHouse sink (local ClickHouse 18.16)', () => {
  const client = clickhouseClient(endpoints);
  const databases: string[] = [];

  afterAll(async () => {
    for (const db of databases) await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
    await client.close();
  });

  async function freshSink(): Promise<{ sink: ClickHouseSink; db: string }> {
    const db = uniqueName('bereik_sink');
    databases.push(db);
    const sink = new ClickHouseSink(client, { database: db });
    await sink.ensureSchema();
    return { sink, db };
  }

  async function rows(query: string): Promise<Record<string, unknown>[]> {
    const result = await client.query({ query, format: 'JSONEachRow' });
    return result.json<Record<string, unknown>>();
  }

  /**
   * Runs `read` within one local day of the server's clock: the views judge by that clock, so an
   * expectation built from the date must not meet a result read after midnight. Should the date
   * change during the read, it is read again (on the new day).
   */
  async function onOneServerDay<T>(
    read: (today: string) => Promise<T>,
  ): Promise<{ today: string; result: T }> {
    const serverToday = async (): Promise<string> => {
      const [row] = (await rows("SELECT toString(toDate(now(), 'Europe/Amsterdam')) AS today")) as {
        today?: string;
      }[];
      if (row?.today === undefined) throw new Error('the server did not say what day it is');
      return row.today;
    };
    for (;;) {
      const today = await serverToday();
      const result = await read(today);
      if ((await serverToday()) === today) return { today, result };
    }
  }

  /** Makes a database look as an older bereik left it: `undo` takes back what came since, then the stored version. */
  async function asSchemaVersion(db: string, version: number, undo: readonly string[]): Promise<void> {
    for (const query of [
      ...undo,
      `TRUNCATE TABLE ${db}.schema_version`,
      `INSERT INTO ${db}.schema_version (version) VALUES (${version})`,
    ])
      await client.command({ query });
  }

  /** Every rollup row (FINAL; the whole-window minute views without), for comparing whole states. */
  async function rollups(db: string): Promise<Record<string, Record<string, unknown>[]>> {
    const result: Record<string, Record<string, unknown>[]> = {};
    const minuteViews = new Set(['queue_minute', 'gemeente_minute']);
    const tables = {
      queue_minute: 'gemeente, queue, minute',
      queue_hour: 'gemeente, queue, hour',
      queue_day: 'gemeente, queue, day',
      gemeente_minute: 'gemeente, minute',
      gemeente_hour: 'gemeente, hour',
      gemeente_day: 'gemeente, day',
      callback_minute: 'gemeente, queue, minute',
      callback_day: 'gemeente, queue, day',
      callback_due_day: 'gemeente, queue, due_date',
    };
    for (const [table, order] of Object.entries(tables)) {
      const final = minuteViews.has(table) ? '' : ' FINAL';
      result[table] = await rows(`SELECT * FROM ${db}.${table}${final} ORDER BY ${order}`);
    }
    return result;
  }

  const perDay = (db: string, queue: string) =>
    rows(`SELECT * FROM ${db}.bereikbaarheid_per_dag WHERE queue = '${queue}' ORDER BY day`);

  it('stores the text of events as it came: tabs, line breaks, backslashes, quotes and \\N', async () => {
    const { sink } = await freshSink();
    const odd = ['tab\there', 'two\nlines\r', 'back\\slash', "it's", '\\N', 'ünïcode 🙂'];
    const callId = `call\t${odd.join('|')}`;
    const events: LedgerRow[] = odd.map((text, i) =>
      ledger(0, 100 + i, {
        eventId: `e-${text}`,
        type: 'QUEUE_ENTERED',
        occurredAt: at('2026-11-23T10:00:00+01:00') + i * 1000,
        gemeente: G,
        callId,
        legId: `l-${text}`,
        queue: 'kcc',
        transferredFromLegId: i === 0 ? null : `l-${odd[i - 1] ?? ''}`,
      }),
    );
    await sink.write(batch(group, { events }));
    const stored = await sink.loadStoredCalls([callId]);
    expect(stored).toEqual({ history: events.map(({ event }) => event), final: new Set() });
  });

  it('stores a Monday and gives the hand-worked numbers; a replay changes nothing', async () => {
    const { sink, db } = await freshSink();
    await sink.writeTargets([
      { year: 2026, gemeente: G, queue: 'kcc', metric: 'reachability', target: 0.9 },
      { year: 2026, gemeente: G, queue: 'kcc', metric: 'firstLineResolution', target: 0.8 },
      { year: 2026, gemeente: G, queue: 'kcc', metric: 'serviceLevel', target: null },
      { year: 2026, gemeente: G, queue: 'belastingen', metric: 'reachability', target: 0.8 },
      { year: 2026, gemeente: G, queue: 'belastingen', metric: 'callbacksOnTime', target: 0.95 },
      { year: 2026, gemeente: G, queue: '', metric: 'repeatRate', target: 0.3 },
      { year: 2026, gemeente: G, queue: '', metric: 'satisfaction', target: 0.6 },
      // The defaults (year 0) stand in for a year without a row of its own, not for one whose row says "none".
      { year: 0, gemeente: G, queue: 'burgerzaken', metric: 'reachability', target: 0.8 },
      { year: 0, gemeente: G, queue: 'kcc', metric: 'serviceLevel', target: 0.5 },
    ]);
    await sink.writeQueues([
      { gemeente: G, gemeenteName: 'Amersfoort', queue: 'kcc', queueName: 'KCC', kind: 'kcc' },
      {
        gemeente: G,
        gemeenteName: 'Amersfoort',
        queue: 'belastingen',
        queueName: 'Belastingen',
        kind: 'vakafdeling',
      },
      {
        gemeente: G,
        gemeenteName: 'Amersfoort',
        queue: 'burgerzaken',
        queueName: 'Burgerzaken',
        kind: 'vakafdeling',
      },
    ]);
    await sink.write(monday(group));

    // KCC, Monday: offered c1, c4, c5 (c2 short abandon, c3 out of hours); answered c1 (12 s,
    // within SL, transferred) and c4 (30 s); c5 abandoned after 60 s. ASA (12 + 30) / 2 = 21 s.
    expect(await perDay(db, 'kcc')).toEqual([
      {
        gemeente: G,
        queue: 'kcc',
        day: '2026-11-23',
        offered: 3,
        answered: 2,
        answered_within_sl: 1,
        abandoned: 1,
        timed_out: 0,
        short_abandoned: 1,
        out_of_hours: 1,
        transferred_out: 1,
        offered_from_transfer: 0,
        answered_from_transfer: 0,
        answered_wait_ms_sum: 42_000,
        abandoned_wait_ms_sum: 60_000,
        reachability: 2 / 3,
        service_level: 1 / 3,
        asa_seconds: 21,
        avg_abandoned_wait_seconds: 60,
        first_line_resolution: 1 / 2,
        transfer_success: null,
        norm_id: NORM,
      },
    ]);
    // Belastingen: one offered leg, from the transfer, abandoned after 75 s: 0% (not "no value").
    const [belastingen] = await perDay(db, 'belastingen');
    expect(belastingen).toMatchObject({
      offered: 1,
      answered: 0,
      abandoned: 1,
      offered_from_transfer: 1,
      answered_from_transfer: 0,
      abandoned_wait_ms_sum: 75_000,
      reachability: 0,
      transfer_success: 0,
      asa_seconds: null,
      first_line_resolution: null,
    });
    // The KCC leg of c1 is in the 09:00 UTC hour, with nothing else.
    expect(
      await rows(`SELECT offered, answered, answered_within_sl, transferred_out FROM ${db}.queue_hour FINAL
                  WHERE queue = 'kcc' AND hour = toDateTime('2026-11-23 09:00:00', 'UTC')`),
    ).toEqual([{ offered: 1, answered: 1, answered_within_sl: 1, transferred_out: 1 }]);

    // Per gemeente: calls with an offered leg c1, c4, c5; last offered answered only c4 (c1 ends
    // at Belastingen, c5 at Burgerzaken). Calls with a number: c1, c2, c4, c5 (c3 withheld);
    // repeats: c4. Answers: 4 and 3, one satisfied.
    expect(await rows(`SELECT * FROM ${db}.gemeente_per_dag`)).toEqual([
      {
        gemeente: G,
        day: '2026-11-23',
        calls_with_offered_leg: 3,
        calls_last_offered_answered: 1,
        calls: 4,
        repeat_calls: 1,
        survey_answers: 2,
        survey_satisfied: 1,
        end_to_end_reachability: 1 / 3,
        repeat_rate: 1 / 4,
        satisfaction: 1 / 2,
      },
    ]);

    await sink.write(tuesday(group));
    expect(await rows(`SELECT * FROM ${db}.terugbelverzoeken_per_dag ORDER BY queue, day`)).toEqual([
      {
        gemeente: G,
        queue: 'belastingen',
        day: '2026-11-23',
        requested: 1,
        completed: 0,
        completed_reached: 0,
      },
      {
        gemeente: G,
        queue: 'belastingen',
        day: '2026-11-24',
        requested: 0,
        completed: 1,
        completed_reached: 1,
      },
      { gemeente: G, queue: 'kcc', day: '2026-11-23', requested: 1, completed: 0, completed_reached: 0 },
    ]);
    // Both due at the end of Wednesday 25 November; cb1 done on Tuesday, cb2 never.
    expect(await rows(`SELECT * FROM ${db}.terugbellen_op_tijd_per_dag ORDER BY queue`)).toEqual([
      {
        gemeente: G,
        queue: 'belastingen',
        due_date: '2026-11-25',
        due: 1,
        completed_on_time: 1,
        completed_late: 0,
        not_completed: 0,
        still_open: 0,
        judged: 1,
        on_time_rate: 1,
      },
      {
        gemeente: G,
        queue: 'kcc',
        due_date: '2026-11-25',
        due: 1,
        completed_on_time: 0,
        completed_late: 0,
        not_completed: 1,
        still_open: 0,
        judged: 1,
        on_time_rate: 0,
      },
    ]);

    // The yearly KPI table: realisation against target; no target configured gives NULL. The
    // callbacks were due on 25 November 2026, long past: the open one (kcc) counts as late.
    const kpi = (queue: string, metric: string, numerator: number, denominator: number, more = {}) => ({
      year: 2026,
      gemeente: G,
      gemeente_name: 'Amersfoort',
      queue,
      queue_name: { '': 'hele gemeente', kcc: 'KCC', belastingen: 'Belastingen', burgerzaken: 'Burgerzaken' }[
        queue
      ],
      kind: queue === '' ? 'gemeente' : queue === 'kcc' ? 'kcc' : 'vakafdeling',
      metric,
      numerator,
      denominator,
      streefcijfer: null,
      streefcijfer_pct: null,
      better: metric === 'repeat_rate' ? 'lower' : 'higher',
      gehaald: null,
      norm_id: ['reachability', 'service_level'].includes(metric) ? NORM : null,
      ...more,
    });
    const pct = (realisatie: number | null, target?: number) => ({
      realisatie,
      realisatie_pct: realisatie === null ? null : Math.round(realisatie * 1000) / 10,
      ...(target === undefined ? {} : { streefcijfer: target, streefcijfer_pct: target * 100 }),
    });
    // 2026 is complete once it has ended in Amsterdam (the server clock decides, as for analysts).
    const { today, result: yearly } = await onOneServerDay(() =>
      rows(`SELECT * FROM ${db}.kpi_per_jaar ORDER BY metric, queue`),
    );
    const ended = Number(today >= '2027-01-01');
    expect(yearly.map((r) => r['complete'])).toEqual(yearly.map(() => ended));
    expect(yearly.map(({ complete: _, ...rest }) => rest)).toEqual([
      // Callbacks: gemeente-wide 1 of 2 on time; belastingen 1 of 1 (target 95%); kcc 0 of 1.
      kpi('', 'callbacks_on_time', 1, 2, pct(0.5)),
      kpi('belastingen', 'callbacks_on_time', 1, 1, { ...pct(1, 0.95), gehaald: 1 }),
      kpi('kcc', 'callbacks_on_time', 0, 1, pct(0)),
      // End to end: c1, c4, c5 had an offered leg; only c4's last offered leg was answered.
      kpi('', 'end_to_end_reachability', 1, 3, pct(1 / 3)),
      // First-line resolution, KCC only: answered c1 and c4, c1 transferred: 1 of 2, below 80%.
      kpi('kcc', 'first_line_resolution', 1, 2, { ...pct(0.5, 0.8), gehaald: 0 }),
      // Reachability: all queues together 2 answered of 5 offered.
      kpi('', 'reachability', 2, 5, pct(0.4)),
      kpi('belastingen', 'reachability', 0, 1, { ...pct(0, 0.8), gehaald: 0 }),
      kpi('burgerzaken', 'reachability', 0, 1, { ...pct(0, 0.8), gehaald: 0 }),
      kpi('kcc', 'reachability', 2, 3, { ...pct(2 / 3, 0.9), gehaald: 0 }),
      // Repeat rate: c4 of the 4 calls with a number; at most 30% is the target, so met.
      kpi('', 'repeat_rate', 1, 4, { ...pct(0.25, 0.3), gehaald: 1 }),
      // Satisfaction: 1 of 2 answers scored 4 or 5, below 60%.
      kpi('', 'satisfaction', 1, 2, { ...pct(0.5, 0.6), gehaald: 0 }),
      // Service level: only c1 answered within 25 s; the KCC's target was written as "none".
      kpi('', 'service_level', 1, 5, pct(0.2)),
      kpi('belastingen', 'service_level', 0, 1, pct(0)),
      kpi('burgerzaken', 'service_level', 0, 1, pct(0)),
      kpi('kcc', 'service_level', 1, 3, pct(1 / 3)),
    ]);
    // November 2026 has the same rows in kpi_per_maand (the only month with data).
    const monthly = await rows(`SELECT * FROM ${db}.kpi_per_maand ORDER BY metric, queue`);
    expect(
      monthly.map(({ month, complete: _, ...rest }) => ({
        ...rest,
        year: month === '2026-11-01' ? 2026 : month,
      })),
    ).toEqual(yearly.map(({ complete: _, ...rest }) => rest));

    // A replay of both days (after a crash, before the offsets were committed): identical rows.
    // Monday's request of cb1 (version 1) is older than the stored completion (version 3).
    const before = await rollups(db);
    await sink.write(monday(group));
    await sink.write(tuesday(group));
    expect(await rollups(db)).toEqual(before);
    expect(await rows(`SELECT count() AS n FROM (SELECT * FROM ${db}.call_events FINAL)`)).toEqual([
      { n: c1Events.length + 1 },
    ]);
  });

  it('applies a correction: a leg answered instead of abandoned, and a leg removed', async () => {
    const { sink, db } = await freshSink();
    await sink.write(monday(group));
    const burgerzakenBefore = await rows(
      `SELECT version FROM ${db}.queue_day FINAL WHERE queue = 'burgerzaken'`,
    );
    await sink.write(correction(group));

    // KCC: c5 now answered after 20 s (within SL): offered 3, answered 3, within SL 2 (c1, c5),
    // no abandons; ASA (12 + 30 + 20) / 3 s.
    const [kcc] = await perDay(db, 'kcc');
    expect(kcc).toMatchObject({
      offered: 3,
      answered: 3,
      answered_within_sl: 2,
      abandoned: 0,
      answered_wait_ms_sum: 62_000,
      abandoned_wait_ms_sum: 0,
      reachability: 1,
      service_level: 2 / 3,
      avg_abandoned_wait_seconds: null,
    });
    expect(kcc?.['asa_seconds']).toBeCloseTo(62 / 3, 10);
    // Burgerzaken: its only leg is gone: nothing offered, so no reachability (not 0%).
    const [burgerzaken] = await perDay(db, 'burgerzaken');
    expect(burgerzaken).toMatchObject({ offered: 0, abandoned: 0, reachability: null, service_level: null });
    const [after] = await rows(`SELECT version FROM ${db}.queue_day FINAL WHERE queue = 'burgerzaken'`);
    expect(Number(after?.['version'])).toBeGreaterThan(Number(burgerzakenBefore[0]?.['version']));
    // End to end: c5's last offered leg is now its answered KCC leg: c4 and c5 of c1, c4, c5.
    expect(
      await rows(
        `SELECT calls_with_offered_leg, calls_last_offered_answered, end_to_end_reachability FROM ${db}.gemeente_per_dag`,
      ),
    ).toEqual([
      { calls_with_offered_leg: 3, calls_last_offered_answered: 2, end_to_end_reachability: 2 / 3 },
    ]);
    // The analyst's view of the legs leaves the removed one out; of calls, the latest version.
    expect(
      await rows(`SELECT call_id, leg_id, outcome FROM ${db}.current_legs WHERE call_id = 'c5'`),
    ).toEqual([{ call_id: 'c5', leg_id: 'l1', outcome: 'answered' }]);
    expect(
      await rows(`SELECT legs, last_offered_answered, version FROM ${db}.current_calls WHERE call_id = 'c5'`),
    ).toEqual([{ legs: 1, last_offered_answered: 1, version: 4 }]);

    // The correction replayed, and the stale first version of c5 written again: no change.
    const state = await rollups(db);
    await sink.write(correction(group));
    await sink.write(batch(group, { legs: [c5l1, c5l2], calls: [calls[4] as CallFact] }));
    expect(await rollups(db)).toEqual(state);
  });

  it('counts legs at 23:59:59 and 00:00:00 local time on different local days', async () => {
    const { sink, db } = await freshSink();
    // Both on 23 November in UTC (22:59:59 and 23:00:00), but on Monday and Tuesday in Amersfoort.
    const late = leg({
      legId: 'l1',
      callId: 'n1',
      queue: 'kcc',
      enteredAt: at('2026-11-23T23:59:59+01:00'),
      waitMs: 5000,
      withinServiceLevel: true,
      version: 4,
    });
    const early = leg({
      legId: 'l1',
      callId: 'n2',
      queue: 'kcc',
      enteredAt: at('2026-11-24T00:00:00+01:00'),
      outcome: 'abandoned',
      waitMs: 40_000,
      version: 4,
    });
    await sink.write(batch(group, { legs: [late, early] }));
    expect(
      await rows(
        `SELECT day, offered, answered, abandoned, reachability FROM ${db}.bereikbaarheid_per_dag ORDER BY day`,
      ),
    ).toEqual([
      { day: '2026-11-23', offered: 1, answered: 1, abandoned: 0, reachability: 1 },
      { day: '2026-11-24', offered: 1, answered: 0, abandoned: 1, reachability: 0 },
    ]);
    expect(
      await rows(`SELECT toString(hour, 'UTC') AS hour, offered FROM ${db}.queue_hour FINAL ORDER BY hour`),
    ).toEqual([
      { hour: '2026-11-23 22:00:00', offered: 1 },
      { hour: '2026-11-23 23:00:00', offered: 1 },
    ]);
    expect(
      await rows(
        `SELECT toString(local_hour) AS local_hour, day FROM ${db}.bereikbaarheid_per_uur ORDER BY local_hour`,
      ),
    ).toEqual([
      { local_hour: '2026-11-23 23:00:00', day: '2026-11-23' },
      { local_hour: '2026-11-24 00:00:00', day: '2026-11-24' },
    ]);
    // Both in ISO week 48 of 2026 (Monday 23 November).
    expect(
      await rows(
        `SELECT iso_year, iso_week, week_start, offered, answered FROM ${db}.bereikbaarheid_per_week`,
      ),
    ).toEqual([{ iso_year: 2026, iso_week: 48, week_start: '2026-11-23', offered: 2, answered: 1 }]);
  });

  it('moves a callback to its new due date when a changed work calendar recomputes it', async () => {
    const { sink, db } = await freshSink();
    // Requested on Wednesday 13 May 2026, the day before Hemelvaart: due at the end of Monday 18
    // (Friday 15 is the 1st werkdag). The gemeente then closes Friday 15 (bridge day); after a
    // restart the completion on Tuesday 19 comes with the request recomputed: due at the end of
    // Tuesday 19, and done on time.
    const requested: CallbackFact = {
      ...cb1Requested,
      callbackId: 'cb3',
      requestedAt: at('2026-05-13T11:00:00+02:00'),
      dueAt: at('2026-05-19T00:00:00+02:00'),
    };
    const completed: CallbackFact = {
      ...requested,
      dueAt: at('2026-05-20T00:00:00+02:00'),
      completedAt: at('2026-05-19T10:00:00+02:00'),
      outcome: 'REACHED',
      onTime: true,
      version: 3,
    };
    await sink.write(batch(group, { callbacks: [requested] }));
    const dueDays = () =>
      rows(
        `SELECT due_date, due, completed_on_time, not_completed, on_time_rate FROM ${db}.terugbellen_op_tijd_per_dag ORDER BY due_date`,
      );
    expect(await dueDays()).toEqual([
      { due_date: '2026-05-18', due: 1, completed_on_time: 0, not_completed: 1, on_time_rate: 0 },
    ]);
    await sink.write(batch(group, { callbacks: [completed] }));
    const expected = [
      { due_date: '2026-05-18', due: 0, completed_on_time: 0, not_completed: 0, on_time_rate: null },
      { due_date: '2026-05-19', due: 1, completed_on_time: 1, not_completed: 0, on_time_rate: 1 },
    ];
    expect(await dueDays()).toEqual(expected);
    // A replay of the new fact keeps the old date empty.
    await sink.write(batch(group, { callbacks: [completed] }));
    expect(await dueDays()).toEqual(expected);
    expect(await rows(`SELECT toString(due_date) AS due_date FROM ${db}.current_callbacks`)).toEqual([
      { due_date: '2026-05-19' },
    ]);
  });

  it('leaves open callbacks out of the on-time rate until their due moment passes', async () => {
    // The views judge by the server clock, so the dates are taken from it: due at the end of
    // yesterday (passed: an open one is late), of today and of today + 3 (not passed: open).
    const { today, result } = await onOneServerDay(async (today) => {
      const { sink, db } = await freshSink();
      const dueEndOf = (days: number) => endOfLocalDay(addDays(today, days));
      const callback = (callbackId: string, dueInDays: number, completedAt: number | null): CallbackFact => ({
        ...cb1Requested,
        callbackId,
        requestedAt: dueEndOf(dueInDays - 3),
        dueAt: dueEndOf(dueInDays),
        completedAt,
        outcome: completedAt === null ? null : 'REACHED',
        onTime: completedAt === null ? null : true,
        version: completedAt === null ? 1 : 2,
      });
      await sink.write(
        batch(group, {
          callbacks: [
            callback('late', -1, null),
            callback('open-today', 0, null),
            callback('open-later', 3, null),
            callback('done-early', 3, dueEndOf(-2)),
          ],
        }),
      );
      return {
        dueTodayEndsOn: localDateOf(dueEndOf(0) - 1),
        perDay: await rows(
          `SELECT toString(due_date) AS due_date, due, completed_on_time, not_completed, still_open, judged, on_time_rate
           FROM ${db}.terugbellen_op_tijd_per_dag ORDER BY due_date`,
        ),
        kpi: await rows(
          `SELECT sum(numerator) AS on_time, sum(denominator) AS judged FROM ${db}.kpi_per_maand
           WHERE metric = 'callbacks_on_time' AND queue = 'belastingen'`,
        ),
      };
    });
    expect(result.perDay).toEqual([
      {
        due_date: addDays(today, -1),
        due: 1,
        completed_on_time: 0,
        not_completed: 1,
        still_open: 0,
        judged: 1,
        on_time_rate: 0,
      },
      {
        due_date: today,
        due: 1,
        completed_on_time: 0,
        not_completed: 1,
        still_open: 1,
        judged: 0,
        on_time_rate: null,
      },
      {
        due_date: addDays(today, 3),
        due: 2,
        completed_on_time: 1,
        not_completed: 1,
        still_open: 1,
        judged: 1,
        on_time_rate: 1,
      },
    ]);
    // The KPI rows use the same rule: 1 on time of the 2 judged (the late one and the early one).
    expect(result.kpi).toEqual([{ on_time: 1, judged: 2 }]);
    expect(result.dueTodayEndsOn).toBe(today);
  });

  it('reads back what a restart and late events need', async () => {
    const { sink, db } = await freshSink();
    expect(await sink.loadWatermark(group)).toBeUndefined();
    await sink.write(monday(group));
    await sink.write(tuesday(group));
    expect(await sink.loadWatermark(group)).toBe(at('2026-11-24T12:00:00+01:00'));
    expect(await sink.loadWatermark('another-group')).toBeUndefined();
    // Per partition, each its own: only the partitions the writing processor owned, of its topic
    // and group.
    expect(await sink.loadPartitionWatermarks(group, 'switch')).toEqual(
      new Map([
        [1, at('2026-11-24T12:00:00+01:00')],
        [4, at('2026-11-24T12:30:00+01:00')],
      ]),
    );
    expect(await sink.loadPartitionWatermarks(group, 'another-topic')).toEqual(new Map());
    expect(await sink.loadPartitionWatermarks('another-group', 'switch')).toEqual(new Map());
    // Calls with stored facts are final; a call id never stored is not.
    const { history, final } = await sink.loadStoredCalls(['c1', 'nope']);
    expect(final).toEqual(new Set(['c1']));
    expect(history.map((e) => e.eventId)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(history[3]).toEqual({
      eventId: 'e4',
      type: 'QUEUE_ENTERED',
      occurredAt: c1l2.enteredAt,
      gemeente: G,
      callId: 'c1',
      legId: 'l2',
      queue: 'belastingen',
      transferredFromLegId: 'l1',
    });
    expect(await sink.loadCallbackHistory(['cb1'])).toEqual([
      {
        eventId: 'e7',
        type: 'CALLBACK_REQUESTED',
        occurredAt: cb1Requested.requestedAt,
        gemeente: G,
        callbackId: 'cb1',
        queue: 'belastingen',
        callId: 'c1',
      },
      {
        eventId: 'e8',
        type: 'CALLBACK_COMPLETED',
        occurredAt: cb1Completed.completedAt,
        gemeente: G,
        callbackId: 'cb1',
        outcome: 'REACHED',
      },
    ]);
    expect(await sink.existingSurveyIds(['s1', 's3'])).toEqual(new Set(['s1']));
    // Open callbacks per partition of their request: cb2 (Monday) and cb3 (October) in partition 2.
    const cb2Event = {
      eventId: 'e9',
      type: 'CALLBACK_REQUESTED',
      occurredAt: cb2Requested.requestedAt ?? 0,
      gemeente: G,
      callbackId: 'cb2',
      queue: 'kcc',
      callId: null,
    } as const;
    const cb3Event = {
      ...cb2Event,
      eventId: 'e10',
      callbackId: 'cb3',
      queue: 'belastingen',
      occurredAt: at('2026-10-01T10:00:00+02:00'),
    };
    const cb3Requested: CallbackFact = {
      ...cb2Requested,
      callbackId: 'cb3',
      queue: 'belastingen',
      requestedAt: cb3Event.occurredAt,
      dueAt: at('2026-10-03T00:00:00+02:00'),
    };
    await sink.write(
      batch(group, { events: [ledger(2, 7, cb2Event), ledger(2, 8, cb3Event)], callbacks: [cb3Requested] }),
    );
    const streamed = async (partition: number, after: number | undefined) => {
      const events = [];
      for await (const e of sink.streamOpenCallbackRequests(partition, after)) events.push(e);
      return events;
    };
    const before = async (partition: number, beforeMs: number) => {
      const released = [];
      for await (const c of sink.streamOpenCallbacksBefore(partition, beforeMs)) released.push(c);
      return released;
    };
    const november = at('2026-11-01T00:00:00+01:00');
    expect(await before(2, november)).toEqual([{ callbackId: 'cb3', gemeente: G, queue: 'belastingen' }]);
    expect(await streamed(2, november)).toEqual([cb2Event]);
    expect(await streamed(2, undefined)).toEqual([cb3Event, cb2Event]);
    // cb1 (partition 1) is completed.
    expect(await before(1, at('2027-01-01T00:00:00+01:00'))).toEqual([]);
    expect(await streamed(1, undefined)).toEqual([]);
    // A completion whose request has not come (cb4, partition 2) is held too; cb1's was requested.
    const cb4Completion = {
      eventId: 'e11',
      type: 'CALLBACK_COMPLETED',
      occurredAt: at('2026-11-24T09:00:00+01:00'),
      gemeente: G,
      callbackId: 'cb4',
      outcome: 'NOT_REACHED',
    } as const;
    await sink.write(batch(group, { events: [ledger(2, 9, cb4Completion)] }));
    const completions = async (partition: number) => {
      const events = [];
      for await (const e of sink.streamUnrequestedCompletions(partition)) events.push(e);
      return events;
    };
    expect(await completions(2)).toEqual([cb4Completion]);
    expect(await completions(1)).toEqual([]);
    // Where each partition's stored callback events end; partition 0 holds call and survey events only.
    expect(await Promise.all([0, 1, 2, 3].map((p) => sink.lastCallbackOffset(p)))).toEqual([
      undefined,
      4,
      9,
      undefined,
    ]);
    expect(await sink.loadCallStartsSince(at('2026-11-23T10:00:00+01:00'))).toEqual(
      callStarts
        .filter((s) => s.startedAt >= at('2026-11-23T10:00:00+01:00'))
        .sort((a, b) => a.startedAt - b.startedAt),
    );
    expect(await rows(`SELECT count() AS n FROM ${db}.processor_progress`)).toEqual([{ n: 2 }]);
  });

  it('upgrades a database of schema version 2: legs and answers get the partition of their ledger rows, every rollup row stays', async () => {
    const { sink, db } = await freshSink();
    await sink.write(monday(group));
    await sink.write(correction(group));
    // The ledger rows of the other calls and of answer s1, on their calls' partitions.
    const ended = (callId: string, offset: number) =>
      ledger(partitionOfCall(callId), offset, {
        eventId: `end-${callId}`,
        type: 'CALL_ENDED',
        occurredAt: at('2026-11-23T16:00:00+01:00'),
        gemeente: G,
        callId,
      });
    await sink.write(
      batch(group, {
        events: [
          ended('c2', 20),
          ended('c3', 21),
          ended('c4', 22),
          ended('c5', 23),
          ledger(partitionOfCall('c4'), 24, {
            eventId: 's1',
            type: 'SURVEY_ANSWERED',
            occurredAt: at('2026-11-23T14:10:00+01:00'),
            gemeente: G,
            callId: 'c4',
            score: 4,
          }),
        ],
      }),
    );
    const before = await rollups(db);
    // What version 2 had: no partition on legs and answers, no per-partition minute rows.
    await asSchemaVersion(db, 2, [
      `ALTER TABLE ${db}.leg_facts DROP COLUMN kafka_partition`,
      `ALTER TABLE ${db}.survey_answers DROP COLUMN kafka_partition`,
      `DROP TABLE ${db}.queue_minute`,
      `DROP TABLE ${db}.gemeente_minute`,
      `DROP TABLE ${db}.queue_partition_minute`,
      `DROP TABLE ${db}.gemeente_partition_minute`,
    ]);

    const upgraded = new ClickHouseSink(client, { database: db });
    await upgraded.ensureSchema();
    expect(await rows(`SELECT max(version) AS v FROM ${db}.schema_version`)).toEqual([{ v: 4 }]);
    expect(
      await rows(`SELECT DISTINCT call_id, kafka_partition FROM ${db}.leg_facts FINAL ORDER BY call_id`),
    ).toEqual([
      { call_id: 'c1', kafka_partition: 0 },
      { call_id: 'c2', kafka_partition: 2 },
      { call_id: 'c3', kafka_partition: 0 },
      { call_id: 'c4', kafka_partition: 1 },
      { call_id: 'c5', kafka_partition: 2 },
    ]);
    expect(
      await rows(`SELECT event_id, kafka_partition FROM ${db}.survey_answers FINAL ORDER BY event_id`),
    ).toEqual([
      { event_id: 's1', kafka_partition: 1 },
      { event_id: 's2', kafka_partition: 0 },
    ]);
    expect(await rollups(db)).toEqual(before);
    // Running it again (another processor starting) and a replay after it change nothing.
    await upgraded.ensureSchema();
    await upgraded.write(monday(group));
    await upgraded.write(correction(group));
    expect(await rollups(db)).toEqual(before);
  });

  it('raises the repeat flags a batch of starts months apart causes, reading the week around each start', async () => {
    const { sink, db } = await freshSink();
    // Stored earlier by another processor, which knew none of the calls below: no repeats.
    await sink.write(
      batch(group, {
        callStarts: [
          start('r-jan', '2026-01-10T10:00:00Z', 'k-carol', false),
          start('r-apr', '2026-04-01T10:00:00Z', 'k-carol', false),
          start('r-jul', '2026-07-10T10:00:00Z', 'k-carol', false),
        ],
      }),
    );
    // One batch with a start in January and one in July, as a backlog in random day order has.
    await sink.write(
      batch(group, {
        callStarts: [
          // Exactly 168 h before r-jan: r-jan is a repeat.
          start('b-jan', '2026-01-03T10:00:00Z', 'k-carol', false),
          // Two days after r-jul: a repeat itself.
          start('b-jul', '2026-07-12T10:00:00Z', 'k-carol', false),
        ],
      }),
    );
    expect(
      await rows(`SELECT call_id, is_repeat, version FROM ${db}.call_starts FINAL ORDER BY started_at`),
    ).toEqual([
      { call_id: 'b-jan', is_repeat: 0, version: 1 },
      { call_id: 'r-jan', is_repeat: 1, version: 2 },
      { call_id: 'r-apr', is_repeat: 0, version: 1 },
      { call_id: 'r-jul', is_repeat: 0, version: 1 },
      { call_id: 'b-jul', is_repeat: 1, version: 2 },
    ]);
  });

  it("reads a call's whole history when its events lie on several UTC days and months, before and after a rebuilt index", async () => {
    const { sink, db } = await freshSink();
    const callId = 'c-midnight';
    const events: LedgerRow[] = [
      ledger(3, 1, {
        eventId: 'm1',
        type: 'CALL_STARTED',
        occurredAt: at('2026-10-31T23:59:58Z'),
        gemeente: G,
        callId,
        callerKey: null,
        dialledNumber: '14033',
      }),
      ledger(3, 2, {
        eventId: 'm2',
        type: 'QUEUE_ENTERED',
        occurredAt: at('2026-11-01T00:00:01Z'),
        gemeente: G,
        callId,
        legId: 'ml1',
        queue: 'kcc',
        transferredFromLegId: null,
      }),
      ledger(3, 3, {
        eventId: 'm3',
        type: 'CALL_ENDED',
        occurredAt: at('2026-11-03T12:00:00Z'),
        gemeente: G,
        callId,
      }),
    ];
    // In two writes, as two flushes would store them.
    await sink.write(batch(group, { events: events.slice(0, 2) }));
    await sink.write(batch(group, { events: events.slice(2) }));
    const expected = events.map(({ event }) => event);
    // Events without facts: a live call.
    expect(await sink.loadStoredCalls([callId, 'nope'])).toEqual({ history: expected, final: new Set() });
    // The index of a version 3 database, filled from the ledger by the upgrade.
    await asSchemaVersion(db, 3, [`DROP TABLE ${db}.ledger_calls`]);
    await sink.ensureSchema();
    expect(await sink.loadStoredCalls([callId])).toEqual({ history: expected, final: new Set() });
  });

  it('upgrades a database of schema version 3: the ledger is indexed by call, and late events still find their history', async () => {
    const { sink, db } = await freshSink();
    await sink.write(monday(group));
    const before = await sink.loadStoredCalls(['c1', 'c2', 'nope']);
    expect(before.history.map((e) => e.eventId)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    // c2 has facts in this fixture but no events in the ledger: only calls the ledger holds are asked for facts.
    expect(before.final).toEqual(new Set(['c1']));
    // What version 3 had: no index of the ledger.
    await asSchemaVersion(db, 3, [`DROP TABLE ${db}.ledger_calls`]);
    const upgraded = new ClickHouseSink(client, { database: db });
    await upgraded.ensureSchema();
    expect(await rows(`SELECT max(version) AS v FROM ${db}.schema_version`)).toEqual([{ v: 4 }]);
    // The one call with call-state events in the ledger (cb1's request names c1 too; it is a callback event).
    expect(await rows(`SELECT DISTINCT call_id FROM ${db}.ledger_calls ORDER BY call_id`)).toEqual([
      { call_id: 'c1' },
    ]);
    expect(await upgraded.loadStoredCalls(['c1', 'c2', 'nope'])).toEqual(before);
    // Another processor starting with it changes nothing.
    await upgraded.ensureSchema();
    expect(await upgraded.loadStoredCalls(['c1', 'c2', 'nope'])).toEqual(before);
  });

  it('drops whole months past the retention from facts, ledger and minute rollups, keeping hours and days', async () => {
    const { sink, db } = await freshSink();
    await sink.write(monday(group));
    // 84 months after November 2026 the month is still kept; a month later it goes.
    expect(await sink.dropExpiredPartitions(84, at('2033-11-30T12:00:00Z'))).toEqual([]);
    const dropped = await sink.dropExpiredPartitions(84, at('2033-12-01T12:00:00Z'));
    expect(dropped.map((d) => d.table).sort()).toEqual([
      'call_events',
      'call_facts',
      'call_starts',
      'callback_facts',
      'callback_minute',
      'gemeente_partition_minute',
      'ledger_calls',
      'leg_facts',
      'queue_partition_minute',
      'survey_answers',
    ]);
    // The ledger's index goes after the ledger: it may name a call the ledger lost, never the reverse.
    expect(dropped.at(-1)?.table).toBe('ledger_calls');
    expect(new Set(dropped.map((d) => d.partition))).toEqual(new Set(['202611']));
    expect(await rows(`SELECT count() AS n FROM ${db}.leg_facts`)).toEqual([{ n: 0 }]);
    expect(
      await rows(`SELECT sum(offered) AS offered FROM ${db}.bereikbaarheid_per_jaar WHERE queue = 'kcc'`),
    ).toEqual([{ offered: 3 }]);
  });
});
