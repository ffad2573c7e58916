/**
 * Reads what bereik stored in ClickHouse back into the shape of the simulator's ground truth
 * (keys `gemeente|queue|minuteMs`, `gemeente|minuteMs`, `gemeente|queue|dueDate`; all-zero windows
 * left out), and bereik's Prometheus counters as net values, so end-to-end tests compare both with
 * the ground truth window by window.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { LegCounts } from '../../src/domain/kpi.ts';
import type { GroundTruth } from '../../src/simulate/index.ts';

type Row = Record<string, string | number>;

async function rows(client: ClickHouseClient, query: string): Promise<Row[]> {
  const result = await client.query({ query, format: 'JSONEachRow' });
  return result.json<Row>();
}

const legColumns: Record<string, keyof LegCounts> = {
  offered: 'offered',
  answered: 'answered',
  answered_within_sl: 'answeredWithinSl',
  abandoned: 'abandoned',
  timed_out: 'timedOut',
  short_abandoned: 'shortAbandoned',
  out_of_hours: 'outOfHours',
  transferred_out: 'transferredOut',
  offered_from_transfer: 'offeredFromTransfer',
  answered_from_transfer: 'answeredFromTransfer',
  answered_wait_ms_sum: 'answeredWaitMsSum',
  abandoned_wait_ms_sum: 'abandonedWaitMsSum',
};

function nonZero<T extends object>(entries: [string, T][]): Record<string, T> {
  return Object.fromEntries(entries.filter(([, v]) => Object.values(v).some((n) => n !== 0)));
}

/** The stored per-window counts, in the ground truth's shape. */
export async function storedWindows(
  client: ClickHouseClient,
  database: string,
): Promise<
  Pick<GroundTruth, 'legs' | 'endToEnd' | 'repeats' | 'satisfaction' | 'callbacks' | 'callbacksOnTime'>
> {
  const legs = await rows(
    client,
    `SELECT gemeente, queue, toUInt64(toUnixTimestamp(minute)) * 1000 AS m, ${Object.keys(legColumns).join(', ')} FROM ${database}.queue_minute`,
  );
  const gemeente = await rows(
    client,
    `SELECT gemeente, toUInt64(toUnixTimestamp(minute)) * 1000 AS m, calls_with_offered_leg, calls_last_offered_answered, calls, repeat_calls, survey_answers, survey_satisfied FROM ${database}.gemeente_minute`,
  );
  const callbacks = await rows(
    client,
    `SELECT gemeente, queue, toUInt64(toUnixTimestamp(minute)) * 1000 AS m, requested, completed FROM ${database}.callback_minute FINAL`,
  );
  const due = await rows(
    client,
    `SELECT gemeente, queue, toString(due_date) AS d, due, completed_on_time FROM ${database}.callback_due_day FINAL`,
  );
  const n = (v: string | number | undefined) => Number(v ?? 0);
  const s = (v: string | number | undefined) => String(v ?? '');
  return {
    legs: nonZero(
      legs.map((r) => [
        `${s(r['gemeente'])}|${s(r['queue'])}|${s(r['m'])}`,
        Object.fromEntries(
          Object.entries(legColumns).map(([column, field]) => [field, n(r[column])]),
        ) as unknown as LegCounts,
      ]),
    ),
    endToEnd: nonZero(
      gemeente.map((r) => [
        `${s(r['gemeente'])}|${s(r['m'])}`,
        {
          callsWithOfferedLeg: n(r['calls_with_offered_leg']),
          callsLastOfferedLegAnswered: n(r['calls_last_offered_answered']),
        },
      ]),
    ),
    repeats: nonZero(
      gemeente.map((r) => [
        `${s(r['gemeente'])}|${s(r['m'])}`,
        { calls: n(r['calls']), repeatCalls: n(r['repeat_calls']) },
      ]),
    ),
    satisfaction: nonZero(
      gemeente.map((r) => [
        `${s(r['gemeente'])}|${s(r['m'])}`,
        { answers: n(r['survey_answers']), scores4or5: n(r['survey_satisfied']) },
      ]),
    ),
    callbacks: nonZero(
      callbacks.map((r) => [
        `${s(r['gemeente'])}|${s(r['queue'])}|${s(r['m'])}`,
        { requested: n(r['requested']), completed: n(r['completed']) },
      ]),
    ),
    callbacksOnTime: nonZero(
      due.map((r) => [
        `${s(r['gemeente'])}|${s(r['queue'])}|${s(r['d'])}`,
        { dueInWindow: n(r['due']), completedOnTime: n(r['completed_on_time']) },
      ]),
    ),
  };
}

/** The ground truth's windows with all-zero entries left out, to compare with storedWindows. */
export function expectedWindows(truth: GroundTruth): Awaited<ReturnType<typeof storedWindows>> {
  return {
    legs: nonZero(Object.entries(truth.legs)),
    endToEnd: nonZero(Object.entries(truth.endToEnd)),
    repeats: nonZero(Object.entries(truth.repeats)),
    satisfaction: nonZero(Object.entries(truth.satisfaction)),
    callbacks: nonZero(Object.entries(truth.callbacks)),
    callbacksOnTime: nonZero(Object.entries(truth.callbacksOnTime)),
  };
}

/** Asserts every kind of window equal, one at a time, so a failure names the metric that differs. */
export function expectSameWindows(
  stored: Awaited<ReturnType<typeof storedWindows>>,
  expected: Awaited<ReturnType<typeof storedWindows>>,
  expectEqual: (actual: unknown, wanted: unknown, what: string) => void,
): void {
  for (const what of [
    'legs',
    'endToEnd',
    'repeats',
    'satisfaction',
    'callbacks',
    'callbacksOnTime',
  ] as const) {
    expectEqual(stored[what], expected[what], what);
  }
}

/** Net leg counts per `gemeente|queue|result` from the ground truth, as bereik_legs_total minus retracted should show. */
export function expectedLegResults(truth: GroundTruth): Record<string, number> {
  const totals = new Map<string, number>();
  const add = (key: string, n: number) => totals.set(key, (totals.get(key) ?? 0) + n);
  for (const [key, c] of Object.entries(truth.legs)) {
    const [g = '', q = ''] = key.split('|');
    add(`${g}|${q}|out_of_hours`, c.outOfHours);
    add(`${g}|${q}|short_abandoned`, c.shortAbandoned);
    add(`${g}|${q}|answered_within_sl`, c.answeredWithinSl);
    add(`${g}|${q}|answered_late`, c.answered - c.answeredWithinSl);
    add(`${g}|${q}|abandoned`, c.abandoned);
    add(`${g}|${q}|timed_out`, c.timedOut);
  }
  return Object.fromEntries([...totals].filter(([, v]) => v !== 0));
}

/** Runs an instant PromQL query; returns label-set key -> value. */
export async function promQuery(
  prometheusUrl: string,
  query: string,
  keyOf: (labels: Record<string, string>) => string,
): Promise<Record<string, number>> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`PromQL failed: ${body.error ?? 'unknown'} for ${query}`);
  return Object.fromEntries(body.data.result.map((r) => [keyOf(r.metric), Number(r.value[1])]));
}
