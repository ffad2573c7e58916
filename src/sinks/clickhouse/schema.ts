/**
 * bereik's ClickHouse schema as statements, and `ensureSchema`, which applies them idempotently:
 * `CREATE DATABASE/TABLE/VIEW IF NOT EXISTS` for the tables of tables.ts and the views of
 * views.ts, each statement valid on ClickHouse 18.16 (the local stack) and current ClickHouse
 * (26.x); see docs/stack.md.
 *
 * Views are dropped and created again when SCHEMA_VERSION grows (18.16 has no `CREATE OR REPLACE
 * VIEW`); the version applied is kept in `schema_version`. What else a new version changes in a
 * stored database (a column added, rows rebuilt) is a step in migrations.ts, run before the views
 * are replaced; see docs/clickhouse.md, "Changing the schema".
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { SinkError, toSinkError } from './errors.ts';
import { sqlIdentifier, sqlString } from './sql-literals.ts';
import { migrations } from './migrations.ts';
import { retiredTables, tables, type TableDef } from './tables.ts';
import { views, type ViewDef } from './views.ts';

/** The version of tables and views this code writes and reads; raise it when a view changes. */
export const SCHEMA_VERSION = 4;

function createTable(database: string, table: TableDef): string {
  const columns = table.columns
    .map(
      (c) =>
        `  ${c.name} ${c.type}${c.default === undefined ? '' : ` DEFAULT ${c.default}`} COMMENT ${sqlString(c.comment)}`,
    )
    .join(',\n');
  return [
    `CREATE TABLE IF NOT EXISTS ${database}.${table.name} (\n${columns}\n)`,
    `ENGINE = ${table.engine}`,
    ...(table.partitionBy === undefined ? [] : [`PARTITION BY ${table.partitionBy}`]),
    `ORDER BY ${table.orderBy}`,
    ...(table.settings === undefined ? [] : [`SETTINGS ${table.settings}`]),
  ].join('\n');
}

function createView(database: string, view: ViewDef): string {
  return `CREATE VIEW IF NOT EXISTS ${database}.${view.name} AS\n${view.select.replaceAll('{db}', database)}`;
}

/** Every DDL statement, in order: the database, the tables, the views. Each is idempotent. */
export function schemaStatements(database: string): string[] {
  const db = sqlIdentifier(database);
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    ...tables.map((t) => createTable(db, t)),
    ...views.map((v) => createView(db, v)),
  ];
}

/** The statements that replace the views (18.16 has no CREATE OR REPLACE VIEW): drop, then create. */
export function viewReplacementStatements(database: string): string[] {
  const db = sqlIdentifier(database);
  return [
    ...views.map((v) => `DROP TABLE IF EXISTS ${db}.${v.name}`),
    ...retiredTables.map((t) => `DROP TABLE IF EXISTS ${db}.${sqlIdentifier(t)}`),
    ...views.map((v) => createView(db, v)),
  ];
}

/**
 * Creates what is missing and brings the views to SCHEMA_VERSION. Safe to run at every start and
 * by several processes (every statement is idempotent). Refuses a database a newer bereik wrote.
 * @throws SinkError (canRetry when ClickHouse is unreachable; not when a statement is refused or
 *   the stored schema version is newer than this code).
 */
export async function ensureSchema(client: ClickHouseClient, database: string): Promise<void> {
  const db = sqlIdentifier(database);
  const run = async (query: string) => {
    try {
      await client.command({ query });
    } catch (error) {
      throw toSinkError(error, query);
    }
  };
  const statements = schemaStatements(db);
  const viewCount = views.length;
  for (const statement of statements.slice(0, statements.length - viewCount)) await run(statement);

  const versionQuery = `SELECT max(version) AS version, count() AS applied FROM ${db}.schema_version`;
  let stored: number | undefined;
  try {
    const result = await client.query({ query: versionQuery, format: 'JSONEachRow' });
    const [row] = await result.json<{ version: number; applied: number }>();
    stored = row === undefined || row.applied === 0 ? undefined : row.version;
  } catch (error) {
    throw toSinkError(error, versionQuery);
  }
  if (stored !== undefined && stored > SCHEMA_VERSION) {
    throw new SinkError(
      'SCHEMA_TOO_NEW',
      `database ${db} has schema version ${stored}, newer than this bereik's ${SCHEMA_VERSION}: run a bereik at least as new as the one that wrote it`,
      { canRetry: false },
    );
  }
  if (stored !== SCHEMA_VERSION) {
    // Also without a stored version: tables of a database from before schema_version stay as they were.
    const context = {
      database: db,
      command: run,
      select: async <T>(query: string): Promise<T[]> => {
        try {
          const result = await client.query({ query, format: 'JSONEachRow' });
          return await result.json<T>();
        } catch (error) {
          throw toSinkError(error, query);
        }
      },
    };
    for (const migration of migrations) if (migration.version > (stored ?? 0)) await migration.run(context);
  }
  const viewStatements =
    stored === SCHEMA_VERSION
      ? statements.slice(statements.length - viewCount)
      : viewReplacementStatements(db);
  for (const statement of viewStatements) await run(statement);
  if (stored !== SCHEMA_VERSION) {
    await run(`INSERT INTO ${db}.schema_version (version) VALUES (${SCHEMA_VERSION})`);
  }
}
