/**
 * The exact set of dirty windows as a SQL condition that ClickHouse parses cheaply: each window as
 * one integer, its scope's place in a list of scopes times 2^32 plus the window (epoch seconds or
 * a day number), so the set is `(indexOf(scopes, scope) * 4294967296 + window) IN (SELECT
 * arrayJoin([n, ...]))`: a hash lookup per row, like a set of tuples, built from one array literal.
 *
 * Why not `(gemeente, queue, window) IN (('GM0307', 'kcc', 1748442360), ...)`: ClickHouse 18.16
 * parses each tuple of such a list as an expression. A gemeente_minute statement with three lists
 * of 1 000 tuples spent about 150 ms of its 200 ms parsing them. A list of plain integers still
 * costs about 25 ms per 2 000 (each an expression too); an array literal is parsed as one value,
 * and `IN (SELECT arrayJoin(array))` builds the same set from it (a 2 000-window statement: 110 ms
 * as an integer list, 50 ms so, 35 ms with no set at all). An OR of one term per window or per run
 * of windows is worse still: every term is evaluated for every row read.
 *
 * Scopes are 'GM0307' or 'GM0307/kcc', with '/3' added for a Kafka partition where rows are kept
 * per partition: a gemeente code has no '/' (configured codes are GM and four digits, and events of
 * other gemeenten are dead-lettered) and a queue id has none either, so the parts are unambiguous.
 *
 * Pure: in window keys, out SQL text.
 */
import type { WindowKey } from './dirty-windows.ts';
import { sqlInteger, sqlString } from './sql-literals.ts';

const SCOPE_FACTOR = 2 ** 32;

/**
 * True for rows whose scope and window (`windowExpression`: a whole number below 2^32, such as
 * epoch seconds or a day number) is one of the keys. All keys name a queue, or none does; all
 * name a partition (the rows' `kafka_partition`), or none does.
 */
export function windowSetCondition(
  keys: readonly WindowKey[],
  windowExpression: string,
  queueExpression = 'queue',
): string {
  if (keys.length === 0) throw new RangeError('no windows to recompute');
  const withQueue = keys[0]?.scope.queue !== undefined;
  const withPartition = keys[0]?.scope.partition !== undefined;
  const scopes = new Map<string, number>();
  const numbers = new Set<number>();
  for (const { scope, start } of keys) {
    if ((scope.queue !== undefined) !== withQueue) {
      throw new RangeError('window keys of one set all name a queue, or none does');
    }
    if ((scope.partition !== undefined) !== withPartition) {
      throw new RangeError('window keys of one set all name a partition, or none does');
    }
    if (!Number.isInteger(start) || start < 0 || start >= SCOPE_FACTOR) {
      throw new RangeError(`window ${start} is not a whole number from 0 to 2^32`);
    }
    const name = `${scope.gemeente}${withQueue ? `/${scope.queue ?? ''}` : ''}${withPartition ? `/${scope.partition ?? 0}` : ''}`;
    let place = scopes.get(name);
    if (place === undefined) {
      place = scopes.size + 1;
      scopes.set(name, place);
    }
    numbers.add(place * SCOPE_FACTOR + start);
  }
  const parts = [
    'gemeente',
    ...(withQueue ? [`'/'`, queueExpression] : []),
    ...(withPartition ? [`'/'`, 'toString(kafka_partition)'] : []),
  ];
  const scopeExpression = parts.length === 1 ? 'gemeente' : `concat(${parts.join(', ')})`;
  const scopeList = `[${[...scopes.keys()].map(sqlString).join(', ')}]`;
  return `(indexOf(${scopeList}, ${scopeExpression}) * ${SCOPE_FACTOR} + ${windowExpression}) IN (SELECT arrayJoin([${[...numbers].map(sqlInteger).join(', ')}]))`;
}

/** Window starts from `from` up to, not including, `to`. */
export interface WindowRange {
  readonly from: number;
  readonly to: number;
}

/**
 * The time the windows cover, as at most `maxRanges` ranges: cut at the widest gaps between
 * consecutive windows that are wider than `minGap`, each range ending one `width` after its last
 * window. A batch of a disordered backfill dirties windows on days months apart; one range from the
 * first to the last would make ClickHouse read every fact in between (on the bench's random-day
 * backlog, 190 000 rows read per gemeente_minute statement). A few ranges the sort key and the
 * partitions can use, OR-ed, read only those days; a range per window would cost a comparison per
 * window per row.
 */
export function windowRanges(
  starts: Iterable<number>,
  width: number,
  minGap: number,
  maxRanges: number,
): WindowRange[] {
  const sorted = [...new Set(starts)].sort((a, b) => a - b);
  const first = sorted[0];
  if (first === undefined) throw new RangeError('no windows to recompute');
  const cuts = sorted
    .slice(1)
    .map((start, i) => ({ at: i + 1, gap: start - (sorted[i] ?? start) }))
    .filter((g) => g.gap > minGap)
    .sort((a, b) => b.gap - a.gap || a.at - b.at)
    .slice(0, Math.max(0, maxRanges - 1))
    .map((g) => g.at)
    .sort((a, b) => a - b);
  const ranges: WindowRange[] = [];
  let from = 0;
  for (const at of [...cuts, sorted.length]) {
    ranges.push({ from: sorted[from] ?? first, to: (sorted[at - 1] ?? first) + width });
    from = at;
  }
  return ranges;
}
