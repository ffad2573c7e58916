/**
 * bereik's ClickHouse SQL runs on both engines it must support: the local stack's ClickHouse 18.16
 * and current ClickHouse (26.x, embedded through chdb). Every DDL statement, every query of
 * docs/analyst-queries.sql, the rollup recomputation and the read-back queries run on both; a
 * failure names the statement and the server's error. The rollups computed from the same facts
 * must also come out identical on both engines.
 */
import { readFileSync } from 'node:fs';
import { createClient } from '@clickhouse/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emptyBatch, type SinkBatch } from '../../src/pipeline/contracts.ts';
import { dirtyWindows, planCallbacks } from '../../src/sinks/clickhouse/dirty-windows.ts';
import {
  encodeCall,
  encodeCallback,
  encodeCallEvent,
  encodeCallStart,
  encodeLegs,
  encodeSurvey,
} from '../../src/sinks/clickhouse/encode-rows.ts';
import {
  callbackHistorySql,
  callHistorySql,
  callStartsSinceSql,
  existingSurveyIdsSql,
  expiredPartitionsSql,
  finalCallIdsSql,
  openCallbacksBeforeSql,
  openCallbackRequestsSql,
  partitionWatermarksSql,
  storedCallbacksSql,
  storedCallDaysSql,
  storedDaysSql,
  watermarkSql,
} from '../../src/sinks/clickhouse/read-queries.ts';
import { indexLedgerMonthSql, upgradeStatements } from '../../src/sinks/clickhouse/migrations.ts';
import { views } from '../../src/sinks/clickhouse/views.ts';
import { PartitionMinutes } from '../../src/sinks/clickhouse/partition-minutes.ts';
import { refreshStatements } from '../../src/sinks/clickhouse/rollup-sql.ts';
import { schemaStatements } from '../../src/sinks/clickhouse/schema.ts';
import { rowBinaryEncoder } from '../../src/sinks/clickhouse/row-binary.ts';
import { sqlString } from '../../src/sinks/clickhouse/sql-literals.ts';
import { insertedColumns } from '../../src/sinks/clickhouse/tables.ts';
import { ClickHouseSink } from '../../src/sinks/clickhouse/writer.ts';
import { clickhouseClientOptions } from '../../src/sinks/clickhouse/client-options.ts';
import { runOnChdb } from '../../src/stack/chdb.ts';
import { clickhouseClient, uniqueName } from '../helpers/clients.ts';
import type { LegFact } from '../../src/events/facts.ts';

const endpoints = inject('endpoints');

/**
 * The sink's RowBinary bytes of `rows` as one SQL statement for chdb (which takes SQL text only):
 * the bytes as a string literal of \\x escapes read by the `format` table function.
 */
function rowBinaryInsert(db: string, table: string, rows: readonly object[]): string {
  const columns = insertedColumns(table);
  const bytes = Buffer.concat([...rowBinaryEncoder(columns).slices(rows)]);
  const literal = `'${[...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`;
  const structure = sqlString(columns.map((c) => `${c.name} ${c.type}`).join(', '));
  const names = columns.map((c) => c.name).join(', ');
  return `INSERT INTO ${db}.${table} (${names}) SELECT ${names} FROM format(RowBinary, ${structure}, ${literal})`;
}
const analystQueries = readFileSync(new URL('../../docs/analyst-queries.sql', import.meta.url), 'utf8');

/** Statements of a SQL file: split on `;` at the end of a line, comment lines skipped (as scripts/chdb-run.py does). */
function statementsOf(text: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (current.length === 0 && (trimmed === '' || trimmed.startsWith('--'))) continue;
    if (trimmed.endsWith(';') && !trimmed.startsWith('--')) {
      current.push(line.trimEnd().slice(0, -1));
      statements.push(current.join('\n').trim());
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.some((l) => l.trim() !== '' && !l.trim().startsWith('--')))
    statements.push(current.join('\n').trim());
  return statements;
}

const at = (iso: string) => Date.parse(iso);
const leg = (
  legId: string,
  callId: string,
  queue: string,
  iso: string,
  fields: Partial<LegFact> = {},
): LegFact => ({
  legId,
  callId,
  gemeente: 'GM0307',
  queue,
  enteredAt: at(iso),
  outcome: 'answered',
  outcomeSource: 'event',
  outcomeAt: at(iso) + 20_000,
  waitMs: 20_000,
  category: 'offered',
  withinServiceLevel: true,
  transferredFromLegId: null,
  transferredOut: false,
  agentId: 'a1',
  normId: 'vng-kwaliteitshandvest-25s',
  version: 3,
  ...fields,
});

/** A few facts across a local midnight and a DST change, with a callback and a survey. */
const sample = (consumerGroup: string): SinkBatch => ({
  ...emptyBatch(consumerGroup),
  callPartitions: new Map([
    ['c1', 2],
    ['c2', 0],
    ['c3', 2],
  ]),
  events: [
    {
      event: {
        eventId: 'e1',
        type: 'CALLBACK_REQUESTED',
        occurredAt: at('2026-10-23T16:00:00+02:00'),
        gemeente: 'GM0307',
        callbackId: 'cb1',
        queue: 'belastingen',
        callId: 'c1',
      },
      kafkaPartition: 0,
      kafkaOffset: 1,
    },
  ],
  legs: [
    leg('l1', 'c1', 'kcc', '2026-10-24T23:59:59+02:00', { transferredOut: true }),
    leg('l2', 'c1', 'belastingen', '2026-10-25T00:00:30+02:00', {
      outcome: 'abandoned',
      withinServiceLevel: false,
      transferredFromLegId: 'l1',
    }),
    leg('l1', 'c2', 'kcc', '2026-10-25T02:30:00+01:00', {
      category: 'out_of_hours',
      withinServiceLevel: false,
    }),
  ],
  legTombstones: [leg('l9', 'c1', 'burgerzaken', '2026-10-24T23:00:00+02:00')],
  calls: [
    {
      callId: 'c1',
      gemeente: 'GM0307',
      startedAt: at('2026-10-24T23:59:59+02:00'),
      endedAt: at('2026-10-25T00:02:00+02:00'),
      endSource: 'call_ended',
      callerKey: 'k1',
      dialledNumber: '14033',
      legs: 2,
      offeredLegs: 2,
      firstOfferedAt: at('2026-10-24T23:59:59+02:00'),
      lastOfferedAnswered: false,
      version: 3,
    },
  ],
  callStarts: [
    {
      callId: 'c1',
      gemeente: 'GM0307',
      startedAt: at('2026-10-24T23:59:59+02:00'),
      callerKey: 'k1',
      repeat: true,
      version: 2,
    },
  ],
  surveys: [
    {
      eventId: 's1',
      callId: 'c1',
      gemeente: 'GM0307',
      answeredAt: at('2026-10-25T00:05:00+02:00'),
      score: 5,
    },
  ],
  callbacks: [
    {
      callbackId: 'cb1',
      gemeente: 'GM0307',
      queue: 'belastingen',
      callId: 'c1',
      requestedAt: at('2026-10-23T16:00:00+02:00'),
      dueAt: at('2026-10-28T00:00:00+01:00'),
      completedAt: at('2026-10-26T09:00:00+01:00'),
      outcome: 'NOT_REACHED',
      onTime: true,
      version: 3,
    },
  ],
});

const rollupTables: Record<string, string> = {
  queue_partition_minute: 'gemeente, queue, minute, kafka_partition',
  gemeente_partition_minute: 'gemeente, minute, kafka_partition',
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
/** A rollup's rows in order; the minute rollups of a whole window are views (no FINAL). */
const rollupQuery = (db: string, table: string) =>
  `SELECT * FROM ${db}.${table}${views.some((v) => v.name === table) ? '' : ' FINAL'} ORDER BY ${rollupTables[table] ?? ''}`;

/** The read-back queries of the sink, for a database. */
const readQueries = (db: string) => [
  callHistorySql(db, ['c1', "it's"], [20_415, 20_416, 20_418]),
  storedCallDaysSql(db, ['c1', "it's"]),
  callbackHistorySql(db, ['cb1']),
  existingSurveyIdsSql(db, ['s1']),
  watermarkSql(db, 'bereik'),
  openCallbacksBeforeSql(db, 2, at('2026-11-01T00:00:00Z')),
  openCallbackRequestsSql(db, 2, at('2026-11-01T00:00:00Z')),
  openCallbackRequestsSql(db, 2, undefined),
  storedCallbacksSql(db, ['GM0307'], ['cb1']),
  callStartsSinceSql(db, at('2026-10-01T00:00:00Z')),
  expiredPartitionsSql(db, 203001),
  finalCallIdsSql(db, ['c1', "it's"]),
  partitionWatermarksSql(db, 'bereik', 'switch.call-events.v1'),
  storedDaysSql(db, [0, 2]),
];

describe('ClickHouse schema and queries on 18.16 and 26.x', () => {
  const client = clickhouseClient(endpoints);
  const databases: string[] = [];

  afterAll(async () => {
    for (const db of databases) await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
    await client.close();
  });

  const freshDatabase = () => {
    const db = uniqueName('bereik_schema');
    databases.push(db);
    return db;
  };

  it('has analyst queries to check', () => {
    expect(statementsOf(analystQueries).length).toBeGreaterThanOrEqual(10);
  });

  it('runs every DDL statement, analyst query and read query on the local ClickHouse 18.16', async () => {
    const db = freshDatabase();
    const failures: { statement: string; error: string }[] = [];
    const attempt = async (statement: string, run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        failures.push({ statement, error: error instanceof Error ? error.message : String(error) });
      }
    };
    for (const statement of schemaStatements(db))
      await attempt(statement, () => client.command({ query: statement }));
    // Twice: every statement is idempotent.
    for (const statement of schemaStatements(db))
      await attempt(statement, () => client.command({ query: statement }));
    expect(failures).toEqual([]);

    // With some rows, so the queries also run over data.
    await new ClickHouseSink(client, { database: db }).write(sample('bereik'));
    // Schema versions 3 and 4: their upgrades of stored rows (over data too).
    for (const statement of [...upgradeStatements(db), indexLedgerMonthSql(db, 202611)])
      await attempt(statement, () => client.command({ query: statement }));
    const inDatabase = createClient({ ...clickhouseClientOptions(endpoints.clickhouse.url), database: db });
    try {
      for (const statement of [...statementsOf(analystQueries), ...readQueries(db)]) {
        await attempt(statement, async () => {
          const result = await inDatabase.query({ query: statement, format: 'JSONEachRow' });
          await result.json();
        });
      }
    } finally {
      await inDatabase.close();
    }
    expect(failures).toEqual([]);
  });

  it('runs every DDL statement, analyst query and read query on current ClickHouse (chdb)', async () => {
    const db = 'bereik';
    const script = [
      ...schemaStatements(db),
      ...schemaStatements(db),
      ...upgradeStatements(db),
      indexLedgerMonthSql(db, 202611),
      `USE ${db}`,
      ...statementsOf(analystQueries),
      ...readQueries(db),
    ]
      .map((s) => `${s};\n`)
      .join('\n');
    // Rejects with every failing statement and ClickHouse's message.
    await expect(runOnChdb(script, { keepGoing: true })).resolves.toBeTypeOf('string');
  });

  it('recomputes the same rollup rows from the same facts on both engines', async () => {
    const db = freshDatabase();
    const sink = new ClickHouseSink(client, { database: db });
    await sink.ensureSchema();
    const batch = sample('bereik');
    await sink.write(batch);
    const onServer: string[] = [];
    for (const table of Object.keys(rollupTables)) {
      const result = await client.query({ query: rollupQuery(db, table), format: 'TabSeparated' });
      onServer.push(`== ${table}\n${await result.text()}`); // chdb-run.py prints results the same way
    }

    // The same write on chdb, statement by statement: the rows as the sink encodes them, in the
    // RowBinary bytes it sends, then its recompute statements (a fresh database has no stored callbacks).
    const callbacks = planCallbacks(batch.callbacks, new Map());
    const partitionOf = (callId: string) => batch.callPartitions.get(callId) ?? -1;
    const legs = encodeLegs(batch.legs, batch.legTombstones, partitionOf);
    const surveys = batch.surveys.map((s) => encodeSurvey(s, partitionOf(s.callId)));
    // The server counted the minute rows in memory; here every minute is recomputed from the
    // facts, as for a window not held, so the two ways must agree as well as the two engines.
    const notHeld = new PartitionMinutes().apply(legs, surveys).stored;
    const refresh = refreshStatements(db, dirtyWindows(batch, callbacks), notHeld);
    const inserts: [string, object[]][] = [
      ['call_events', batch.events.map(encodeCallEvent)],
      ['leg_facts', legs],
      ['call_facts', batch.calls.map(encodeCall)],
      ['call_starts', batch.callStarts.map(encodeCallStart)],
      ['survey_answers', surveys],
      ['callback_facts', callbacks.map((c) => encodeCallback(c.fact, c.earlierDueDates))],
    ];
    const script = [
      ...schemaStatements(db),
      ...inserts
        .filter(([, rows]) => rows.length > 0)
        .map(([table, rows]) => rowBinaryInsert(db, table, rows)),
      ...refresh.minutes,
      ...refresh.hours,
      ...refresh.days,
      ...Object.keys(rollupTables).flatMap((table) => [`SELECT '== ${table}'`, rollupQuery(db, table)]),
    ]
      .map((s) => `${s};\n`)
      .join('\n');
    const onChdb = await runOnChdb(script);
    expect(onChdb).toBe(onServer.join(''));
  });
});
