/**
 * Streefcijfers: the target of a gemeente's queue for a year. The most specific configured
 * override wins (gemeente and queue, then gemeente, then queue, then every queue), else the
 * default for the queue's kind (KCC 90%, vakafdeling 80%, callbacks on time 95%).
 */
import type { ConfigFile } from './schema.ts';

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
