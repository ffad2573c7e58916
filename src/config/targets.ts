/**
 * Streefcijfers: the target of a gemeente (or one of its queues) for a KPI and a year. The most
 * specific configured override wins (gemeente and queue, then gemeente, then queue, then every
 * queue), else the default: KCC reachability 90%, vakafdeling reachability 80%, callbacks on time
 * 95%; service level, first-line resolution, end-to-end reachability, repeat rate and satisfaction
 * have a streefcijfer only when configured. An override that names a queue never applies to a
 * gemeente-wide row.
 */
import { localDateOf } from '../domain/amsterdam-time.ts';
import { KPI_SCOPES, reportKpis, type KpiScope, type ReportKpi } from '../domain/kpi.ts';
import type { ConfigFile } from './schema.ts';
import type { Topology } from './topology.ts';

export interface TargetQuery {
  readonly gemeente: string;
  /** The queue id; null for a gemeente-wide row. */
  readonly queue: string | null;
  readonly kind: KpiScope;
  readonly metric: ReportKpi;
  readonly year: number;
}

export class Targets {
  readonly #config: ConfigFile['targets'];

  constructor(config: ConfigFile['targets']) {
    this.#config = config;
  }

  /** The streefcijfer as a fraction, or null when none is configured for this KPI and scope. */
  targetFor(query: TargetQuery): number | null {
    if (!KPI_SCOPES[query.metric].includes(query.kind)) return null;
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
    return this.#defaultFor(query.metric, query.kind) ?? null;
  }

  #defaultFor(metric: ReportKpi, kind: KpiScope): number | undefined {
    const d = this.#config.defaults;
    switch (metric) {
      case 'reachability':
        return kind === 'kcc'
          ? d.kccReachability
          : kind === 'vakafdeling'
            ? d.vakafdelingReachability
            : undefined;
      case 'serviceLevel':
        return d.serviceLevel;
      case 'firstLineResolution':
        return d.kccFirstLineResolution;
      case 'callbacksOnTime':
        return d.callbacksOnTime;
      case 'endToEndReachability':
        return d.endToEndReachability;
      case 'repeatRate':
        return d.repeatRate;
      case 'satisfaction':
        return d.satisfaction;
    }
  }
}

/**
 * The year under which the configured defaults are stored: they apply to every year without rows
 * of its own, however old (no override can name it: override years start at 2000).
 */
export const DEFAULT_TARGETS_YEAR = 0;

/** One streefcijfer as stored for analysts (the `targets` table); `target` null = none configured. */
export interface StreefcijferRow {
  readonly year: number;
  readonly gemeente: string;
  /** The queue id, or '' for a gemeente-wide row. */
  readonly queue: string;
  readonly metric: ReportKpi;
  readonly target: number | null;
}

/**
 * The years streefcijfers are written for: the defaults' year (DEFAULT_TARGETS_YEAR), every year
 * the retention can still hold data of, the next one (the year turns while bereik runs), and
 * every year an override names. `nowMs` is the wall clock; years are Europe/Amsterdam years.
 */
export function targetYears(config: Pick<ConfigFile, 'targets' | 'clickhouse'>, nowMs: number): number[] {
  const thisYear = Number(localDateOf(nowMs).slice(0, 4));
  const oldest = thisYear - Math.ceil(config.clickhouse.retentionMonths / 12);
  const years = new Set<number>([DEFAULT_TARGETS_YEAR, ...config.targets.overrides.map((o) => o.year)]);
  for (let year = oldest; year <= thisYear + 1; year++) years.add(year);
  return [...years].sort((a, b) => a - b);
}

/**
 * Every KPI row's streefcijfer for each of `years`: per configured queue and per gemeente, for
 * each KPI reported at that scope. A KPI without a streefcijfer gets a row too (target null), so
 * a target removed from the configuration is removed from the table as well.
 */
export function streefcijferRows(
  topology: Topology,
  targets: Targets,
  years: readonly number[],
): StreefcijferRow[] {
  const scopes = [...topology.gemeenten.values()].flatMap((g) => [
    { gemeente: g.code, queue: null, kind: 'gemeente' as const },
    ...[...g.queues.values()].map((q) => ({ gemeente: g.code, queue: q.id, kind: q.kind })),
  ]);
  return scopes.flatMap((scope) =>
    years.flatMap((year) =>
      reportKpis
        .filter((metric) => KPI_SCOPES[metric].includes(scope.kind))
        .map((metric) => ({
          year,
          gemeente: scope.gemeente,
          queue: scope.queue ?? '',
          metric,
          target: targets.targetFor({ ...scope, metric, year }),
        })),
    ),
  );
}
