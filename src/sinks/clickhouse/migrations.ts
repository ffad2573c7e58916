/**
 * What brings a database an earlier bereik wrote up to this schema version, beyond creating what
 * is missing and replacing the views (schema.ts). A step runs when the stored version is below its
 * own; it must be idempotent, as a kill can interrupt it (the version is recorded only after every
 * step ran) and several processes may start at once.
 *
 * Version 3 keeps the minute rollups per Kafka partition (partition-minutes.ts): legs and survey
 * answers get the partition of their call's events, taken from the ledger for the stored ones, and
 * the per-partition minute rows are computed from every stored fact. The old minute tables are
 * dropped after this step, with the views (the hour and day rows stay as they are).
 *
 * Version 4 indexes the ledger by call and UTC day (ledger_calls, written before the ledger
 * since): filled here from the stored ledger, one month at a time, so the grouping stays the size
 * of a month.
 */
import { callStateEventTypes } from '../../events/call-event.ts';
import { rebuildPartitionMinutesSql } from './rollup-sql.ts';
import { sqlString, sqlStringList } from './sql-literals.ts';
import { factPartition, tables } from './tables.ts';

/** The statements a step runs through; `database` is a checked identifier. */
export interface MigrationContext {
  readonly database: string;
  command(query: string): Promise<void>;
  select<T>(query: string): Promise<T[]>;
}

export interface Migration {
  /** The schema version that brought the change. */
  readonly version: number;
  run(context: MigrationContext): Promise<void>;
}

async function hasColumn(context: MigrationContext, table: string, column: string): Promise<boolean> {
  const rows = await context.select<{ n: number | string }>(
    `SELECT count() AS n FROM system.columns WHERE database = ${sqlString(context.database)} AND table = ${sqlString(table)} AND name = ${sqlString(column)}`,
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/** Adds the column unless it is there (18.16 has no ADD COLUMN IF NOT EXISTS; another start may race). */
async function addColumn(
  context: MigrationContext,
  table: string,
  column: { name: string; type: string; comment: string },
): Promise<void> {
  if (await hasColumn(context, table, column.name)) return;
  try {
    await context.command(
      `ALTER TABLE ${context.database}.${table} ADD COLUMN ${column.name} ${column.type} COMMENT ${sqlString(column.comment)}`,
    );
  } catch (error) {
    if (!(await hasColumn(context, table, column.name))) throw error;
  }
}

/** The fact rows again, with the partition the ledger read their key from (same version: the later row wins). */
function partitionFromLedgerSql(database: string, table: string, key: string, ledgerRows: string): string {
  const def = tables.find((t) => t.name === table);
  if (def === undefined) throw new Error(`migrations: no table ${table}`);
  const columns = def.columns.map((c) => c.name).filter((name) => name !== factPartition.name);
  return `INSERT INTO ${database}.${table} (${columns.join(', ')}, ${factPartition.name})
SELECT ${columns.join(', ')}, ledger_partition
FROM ${database}.${table} FINAL
ANY LEFT JOIN (SELECT ${key}, min(kafka_partition) AS ledger_partition
               FROM ${database}.call_events WHERE ${ledgerRows} GROUP BY ${key}) AS ledger USING ${key}`;
}

/** Version 3's statements after its columns are added: partitions from the ledger, then the minute rows. */
export function upgradeStatements(database: string): string[] {
  return [
    // Call events only: a callback's events name its call but are keyed by the callback.
    partitionFromLedgerSql(database, 'leg_facts', 'call_id', "call_id != '' AND callback_id = ''"),
    partitionFromLedgerSql(database, 'survey_answers', 'event_id', "type = 'SURVEY_ANSWERED'"),
    ...rebuildPartitionMinutesSql(database),
  ];
}

/**
 * The ledger index's rows for one month (YYYYMM) of the stored ledger: one per call and UTC day, as
 * the writer makes them (encode-rows.ts); a repeat adds only duplicates.
 */
export function indexLedgerMonthSql(database: string, month: number): string {
  return `INSERT INTO ${database}.ledger_calls (call_id, occurred_at)
SELECT call_id, min(occurred_at) FROM ${database}.call_events
WHERE toYYYYMM(occurred_at) = ${month} AND callback_id = '' AND call_id != ''
  AND type IN ${sqlStringList(callStateEventTypes)}
GROUP BY call_id, intDiv(toUInt32(occurred_at), 86400)`;
}

export const migrations: readonly Migration[] = [
  {
    version: 3,
    async run(context) {
      for (const table of ['leg_facts', 'survey_answers']) await addColumn(context, table, factPartition);
      for (const statement of upgradeStatements(context.database)) await context.command(statement);
    },
  },
  {
    version: 4,
    async run(context) {
      const months = await context.select<{ partition: string }>(
        `SELECT DISTINCT partition FROM system.parts WHERE database = ${sqlString(context.database)} AND table = 'call_events' AND active ORDER BY partition`,
      );
      for (const { partition } of months)
        await context.command(indexLedgerMonthSql(context.database, Number(partition)));
    },
  },
];
