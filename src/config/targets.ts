/**
 * Streefcijfers: the target of a gemeente's queue for a year. The most specific configured
 * override wins (gemeente and queue, then gemeente, then queue, then every queue), else the
 * default for the queue's kind (KCC 90%, vakafdeling 80%, callbacks on time 95%).
 */
import { localDateOf } from '../domain/amsterdam-time.ts';
import type { ConfigFile } from './schema.ts';
import type { Topology } from './topology.ts';

export type TargetMetric = 'reachability' | 'callbacksOnTime';

export interface TargetQuery {
  readonly gemeente: string;
  readonly queue: string;
  readonly kind: 'kcc' | 'vakafdeling';
  readonly metric: TargetMetric;
  readonly year: number;
}

export class Targets {
  readonly #config: ConfigFile['targets'];

  constructor(config: ConfigFile['targets']) {
    this.#config = config;
  }

  targetFor(query: TargetQuery): number {
    let best: { specificity: number; value: number } | undefined;
    for (const o of this.#config.overrides) {
      const value = o[query.metric];
      if (o.year !== query.year || value === undefined) continue;
      if (o.gemeente !== undefined && o.gemeente !== query.gemeente) continue;
      if (o.queue !== undefined && o.queue !== query.queue) continue;
      const specificity = (o.gemeente === undefined ? 0 : 2) + (o.queue === undefined ? 0 : 1);
      if (best === undefined || specificity > best.specificity) best = { specificity, value };
    }
    if (best !== undefined) return best.value;
    const d = this.#config.defaults;
    if (query.metric === 'callbacksOnTime') return d.callbacksOnTime;
    return query.kind === 'kcc' ? d.kccReachability : d.vakafdelingReachability;
  }
}

/** One streefcijfer as stored for analysts (the `targets` table). */
export interface StreefcijferRow {
  readonly year: number;
  readonly gemeente: string;
  readonly queue: string;
  readonly metric: TargetMetric;
  readonly target: number;
}

/**
 * The years streefcijfers are written for: every year the retention can still hold data of (so a
 * backfilled year shows its target), the next one (the year turns while bereik runs), and every
 * year an override names. `nowMs` is the wall clock; years are Europe/Amsterdam years.
 */
export function targetYears(config: Pick<ConfigFile, 'targets' | 'clickhouse'>, nowMs: number): number[] {
  const thisYear = Number(localDateOf(nowMs).slice(0, 4));
  const oldest = thisYear - Math.ceil(config.clickhouse.retentionMonths / 12);
  const years = new Set<number>(config.targets.overrides.map((o) => o.year));
  for (let year = oldest; year <= thisYear + 1; year++) years.add(year);
  return [...years].sort((a, b) => a - b);
}

/** Every configured queue's streefcijfer per metric for each of `years`. */
export function streefcijferRows(
  topology: Topology,
  targets: Targets,
  years: readonly number[],
): StreefcijferRow[] {
  return [...topology.gemeenten.values()].flatMap((g) =>
    [...g.queues.values()].flatMap((q) =>
      years.flatMap((year) =>
        (['reachability', 'callbacksOnTime'] as const).map((metric) => ({
          year,
          gemeente: g.code,
          queue: q.id,
          metric,
          target: targets.targetFor({ gemeente: g.code, queue: q.id, kind: q.kind, metric, year }),
        })),
      ),
    ),
  );
}
