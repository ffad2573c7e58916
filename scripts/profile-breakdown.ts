/**
 * Where a bench run's time went, for `BENCH_PROFILE=1 npm run bench`:
 * - the processor's CPU (a V8 .cpuprofile from `--cpu-prof`): self time per part of bereik, with
 *   time in natives and Node internals (JSON.stringify, Buffer, streams) charged to the bereik or
 *   library code that called them, so "ClickHouse client" includes the JSON it serialises;
 * - ClickHouse's side (system.query_log): per kind of statement the count, the summed duration,
 *   rows read and rows written.
 * And `foldedStacks` writes the profile as folded stacks, the input of a flame graph renderer.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of bereik (or library) a frame belongs to; undefined: charge it to the caller. */
function categoryOf(frame: ProfileNode['callFrame']): string | undefined {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle (waiting for I/O)';
  if (functionName === '(program)') return 'V8 and native, unattributed';
  const parts: [RegExp, string][] = [
    [/\/avsc\//, 'Avro decoding (avsc)'],
    [/@clickhouse\/client/, 'ClickHouse client (HTTP, JSON)'],
    [/\/kafkajs\//, 'kafkajs (fetch, protocol)'],
    [/prom-client/, 'Prometheus counting (prom-client)'],
    [/\/src\/sinks\/clickhouse\/encode-rows/, 'row encoding (sinks/clickhouse)'],
    [/\/src\/sinks\/clickhouse\//, 'ClickHouse sink: SQL and batches'],
    [/\/src\/sinks\/prometheus\//, 'Prometheus counting (business metrics)'],
    [/\/src\/sinks\/kafka\//, 'dead letters'],
    [
      /\/src\/sources\/kafka\/(decode-message|validate-event|event-reader|pseudonymise)/,
      'reading (decode, validate, pseudonymise)',
    ],
    [/\/src\/sources\/kafka\//, 'consumer loop'],
    [/\/src\/transforms\//, 'tracking (transforms)'],
    [/\/src\/domain\//, 'domain rules'],
    [/\/src\/pipeline\//, 'engine (pipeline)'],
    [/\/src\/telemetry\//, 'telemetry'],
    [/\/src\//, 'bereik, other'],
    [/node_modules\//, 'other libraries'],
  ];
  for (const [pattern, name] of parts) if (pattern.test(url)) return name;
  return undefined;
}

export interface CpuShare {
  readonly part: string;
  readonly ms: number;
  readonly share: number;
}

/** Self time per part, largest first. */
export function cpuBreakdown(profileFile: string): CpuShare[] {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const category = categorise(profile);
  const ms = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const part = category.get(id) ?? 'Node internals';
    ms.set(part, (ms.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...ms.values()].reduce((a, b) => a + b, 0);
  return [...ms].map(([part, t]) => ({ part, ms: t, share: t / total })).sort((a, b) => b.ms - a.ms);
}

/** Each node's part: its own, else its caller's (natives and Node internals go to who called them). */
function categorise(profile: CpuProfile): Map<number, string> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const category = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = category.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const parent = parentOf.get(id);
    const own = node === undefined ? undefined : categoryOf(node.callFrame);
    const part = own ?? (parent === undefined ? 'Node internals' : resolve(parent));
    category.set(id, part);
    return part;
  };
  for (const n of profile.nodes) resolve(n.id);
  return category;
}

/** The profile as folded stacks ("frame;frame;frame count" per line), for a flame graph renderer. */
export function foldedStacks(profileFile: string, outFile: string): void {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const label = (n: ProfileNode) => {
    const file = n.callFrame.url.replace(/^.*\/(node_modules\/|src\/)/, '$1');
    return `${n.callFrame.functionName || '(anonymous)'}${file === '' ? '' : ` ${file}`}`.replaceAll(
      ';',
      ',',
    );
  };
  const counts = new Map<number, number>();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const lines: string[] = [];
  for (const [id, count] of counts) {
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const node = byId.get(at);
      if (node !== undefined && node.callFrame.functionName !== '(root)') frames.push(label(node));
    }
    lines.push(`${frames.reverse().join(';')} ${count}`);
  }
  writeFileSync(outFile, `${lines.join('\n')}\n`);
}

export interface StatementKind {
  readonly kind: string;
  readonly count: number;
  readonly durationMs: number;
  readonly readRows: number;
  readonly writtenRows: number;
}

/** What ClickHouse spent on one database since `since` (epoch seconds), per kind of statement. */
export async function clickhouseBreakdown(
  client: ClickHouseClient,
  database: string,
  since: number,
): Promise<StatementKind[]> {
  // The query log is written every few seconds; flush it so the last statements are in.
  await client.command({ query: 'SYSTEM FLUSH LOGS' });
  const result = await client.query({
    query: `SELECT substring(query, 1, 400) AS q, query_duration_ms AS ms, read_rows AS r, written_rows AS w
FROM system.query_log
WHERE toUInt8(type) = 2 AND event_time >= toDateTime(${Math.floor(since)}) AND position(query, '${database}.') > 0`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ q: string; ms: number; r: number; w: number }>();
  const kinds = new Map<
    string,
    { count: number; durationMs: number; readRows: number; writtenRows: number }
  >();
  for (const row of rows) {
    const kind = statementKind(row.q, database);
    const k = kinds.get(kind) ?? { count: 0, durationMs: 0, readRows: 0, writtenRows: 0 };
    k.count++;
    k.durationMs += row.ms;
    k.readRows += row.r;
    k.writtenRows += row.w;
    kinds.set(kind, k);
  }
  return [...kinds].map(([kind, k]) => ({ kind, ...k })).sort((a, b) => b.durationMs - a.durationMs);
}

/** CPU seconds ClickHouse spent on a run's statements (user, system), and how many statements. */
export interface ClickHouseCpu {
  readonly statements: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
}

/** ClickHouse's CPU on the statements that name `database`, since `since` (epoch seconds). */
export async function clickhouseCpu(
  client: ClickHouseClient,
  database: string,
  since: number,
): Promise<ClickHouseCpu> {
  await client.command({ query: 'SYSTEM FLUSH LOGS' });
  const where = `toUInt8(type) = 2 AND event_time >= toDateTime(${Math.floor(since)}) AND position(query, '${database}.') > 0`;
  // 18.16 keeps ProfileEvents as two arrays, current ClickHouse as a Map.
  const counters = [
    (name: string) => `ProfileEvents.Values[indexOf(ProfileEvents.Names, '${name}')]`,
    (name: string) => `ProfileEvents['${name}']`,
  ];
  let lastError: unknown;
  for (const counter of counters) {
    try {
      const result = await client.query({
        query: `SELECT count() AS n, sum(${counter('UserTimeMicroseconds')}) / 1e6 AS user, sum(${counter('SystemTimeMicroseconds')}) / 1e6 AS system
FROM system.query_log WHERE ${where}`,
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{
        n: number | string;
        user: number | string;
        system: number | string;
      }>();
      return {
        statements: Number(row?.n ?? 0),
        userSeconds: Number(row?.user ?? 0),
        systemSeconds: Number(row?.system ?? 0),
      };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** "insert leg_facts", "recompute queue_minute", "read call_starts", ... */
function statementKind(query: string, database: string): string {
  const q = query.replaceAll(`${database}.`, '').replace(/\s+/g, ' ').trim();
  const insert = /^INSERT INTO (\w+)/i.exec(q);
  if (insert !== null) return `${/\bSELECT\b/i.test(q) ? 'recompute' : 'insert'} ${insert[1] ?? '?'}`;
  const select = /^SELECT .*? FROM (\w+)/i.exec(q);
  if (select !== null) return `read ${select[1] ?? '?'}`;
  return (q.split(' ')[0] ?? '?').toLowerCase();
}
