/**
 * Repeat callers across processors. A caller's calls land in different partitions (the key is
 * the callId), so with several processors in one group no single one sees all of a caller's calls:
 * each one's repeat flags are a lower bound. After call starts are stored, the writer reads the
 * stored starts of the callers it touched (the 168 h around them) and raises the flag of every
 * call that has an earlier call of the same caller within 168 h. A repeat flag only ever goes
 * from false to true (version 1 -> 2), so whichever processor reconciles last, with the most
 * starts stored, leaves the exact answer; none can lower it.
 *
 * A raised flag changes its call's rollup windows, which the same write recomputes. A processor
 * killed between storing the raise and recomputing would leave them behind, and the replay finds
 * the flag already raised: so every write also recomputes the windows of the stored repeats its
 * own starts cause (repeatsCausedBy), raised now or before. Recomputing is idempotent.
 */
import { sqlDateTime, sqlIdentifier, sqlStringList } from './sql-literals.ts';
import type { CallStartFact } from '../../events/facts.ts';
import { REPEAT_WINDOW_MS } from '../../domain/kpi.ts';

export interface StoredStartRow {
  readonly call_id: string;
  readonly gemeente: string;
  readonly caller_key: string;
  readonly started_at_ms: number | string;
  readonly is_repeat: number | string | null;
}

/**
 * The repeat window around each start, as few time ranges: windows that overlap or touch make one.
 * A batch of a backlog in random day order holds days far apart; one range from its first to its
 * last start would read the stored starts of every day between.
 */
function windowsAround(startTimes: readonly number[]): [from: number, to: number][] {
  const sorted = [...startTimes].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const t of sorted) {
    const last = ranges.at(-1);
    if (last !== undefined && t - REPEAT_WINDOW_MS <= last[1]) last[1] = t + REPEAT_WINDOW_MS;
    else ranges.push([t - REPEAT_WINDOW_MS, t + REPEAT_WINDOW_MS]);
  }
  return ranges;
}

/**
 * The stored starts of the batch's callers within the repeat window around the batch's starts.
 * Every repeat has its earlier start within the window of the later one and the other way round,
 * so whichever of the two is stored last finds the other: the windows of the batch's own starts
 * are all a write needs to read.
 */
export function storedStartsSql(database: string, starts: readonly CallStartFact[]): string | undefined {
  const keyed = starts.filter((s) => s.callerKey !== null);
  if (keyed.length === 0) return undefined;
  const ranges = windowsAround(keyed.map((s) => s.startedAt)).map(
    ([from, to]) =>
      `(started_at >= ${sqlDateTime(Math.floor(from / 1000))} AND started_at <= ${sqlDateTime(Math.floor(to / 1000))})`,
  );
  const db = sqlIdentifier(database);
  return `SELECT call_id, gemeente, assumeNotNull(caller_key) AS caller_key, started_at_ms, is_repeat
FROM ${db}.call_starts FINAL
WHERE gemeente IN ${sqlStringList(new Set(keyed.map((s) => s.gemeente)))}
  AND caller_key IN ${sqlStringList(new Set(keyed.map((s) => s.callerKey ?? '')))}
  AND (${ranges.join(' OR ')})`;
}

/** The stored starts that are repeats but not marked so, as corrected facts (version 2). */
export function repeatCorrections(rows: readonly StoredStartRow[]): CallStartFact[] {
  const byCaller = new Map<
    string,
    { callId: string; gemeente: string; callerKey: string; startedAt: number; repeat: boolean }[]
  >();
  for (const r of rows) {
    const key = `${r.gemeente}|${r.caller_key}`;
    const list = byCaller.get(key) ?? [];
    list.push({
      callId: r.call_id,
      gemeente: r.gemeente,
      callerKey: r.caller_key,
      startedAt: Number(r.started_at_ms),
      repeat: Number(r.is_repeat) === 1,
    });
    byCaller.set(key, list);
  }
  const corrected: CallStartFact[] = [];
  for (const starts of byCaller.values()) {
    starts.sort((a, b) => a.startedAt - b.startedAt || (a.callId < b.callId ? -1 : 1));
    for (let i = 1; i < starts.length; i++) {
      const previous = starts[i - 1];
      const start = starts[i];
      if (previous === undefined || start === undefined || start.repeat) continue;
      if (start.startedAt > previous.startedAt && start.startedAt - previous.startedAt <= REPEAT_WINDOW_MS) {
        corrected.push({
          callId: start.callId,
          gemeente: start.gemeente,
          startedAt: start.startedAt,
          callerKey: start.callerKey,
          repeat: true,
          version: 2,
        });
      }
    }
  }
  return corrected;
}

/**
 * The stored starts that are repeats because of a start in `batch`: same gemeente and caller,
 * started after it and at most the repeat window later. Their rollup windows are recomputed with
 * the batch's (see the top of this file).
 */
export function repeatsCausedBy(
  rows: readonly StoredStartRow[],
  batch: readonly CallStartFact[],
): CallStartFact[] {
  const batchStarts = new Map<string, number[]>();
  for (const s of batch) {
    if (s.callerKey === null) continue;
    const key = `${s.gemeente}|${s.callerKey}`;
    const times = batchStarts.get(key);
    if (times === undefined) batchStarts.set(key, [s.startedAt]);
    else times.push(s.startedAt);
  }
  const caused: CallStartFact[] = [];
  for (const r of rows) {
    if (Number(r.is_repeat) !== 1) continue;
    const startedAt = Number(r.started_at_ms);
    const earlier = batchStarts.get(`${r.gemeente}|${r.caller_key}`) ?? [];
    if (earlier.some((t) => startedAt > t && startedAt - t <= REPEAT_WINDOW_MS))
      caused.push({
        callId: r.call_id,
        gemeente: r.gemeente,
        startedAt,
        callerKey: r.caller_key,
        repeat: true,
        version: 2,
      });
  }
  return caused;
}
