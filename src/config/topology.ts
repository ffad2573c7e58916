/**
 * The configured gemeenten turned into what the processor asks on its hot path: is this gemeente
 * and queue known, which kind is the queue, was it open at an instant, what is the gemeente's
 * work calendar, and which norm judges waits. Built once from the validated configuration.
 */
import { createNorm, type Norm } from '../domain/norm.ts';
import { isQueueOpen, type QueueSchedule } from '../domain/opening-hours.ts';
import { WorkCalendar } from '../domain/werkdag.ts';
import type { ConfigFile, QueueConfig } from './schema.ts';

const weekdayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export interface QueueInfo {
  readonly id: string;
  readonly kind: QueueConfig['kind'];
  readonly name: string;
  readonly schedule: QueueSchedule;
}

export interface GemeenteInfo {
  readonly code: string;
  readonly name: string;
  readonly calendar: WorkCalendar;
  readonly queues: ReadonlyMap<string, QueueInfo>;
}

export class Topology {
  readonly norm: Norm;
  readonly gemeenten: ReadonlyMap<string, GemeenteInfo>;
  /** gemeente code -> its queue ids, for event validation. */
  readonly queueIds: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(config: Pick<ConfigFile, 'norm' | 'gemeenten'>) {
    this.norm = createNorm({
      id: config.norm.id,
      shortAbandonBelowMs: Math.round(config.norm.shortAbandonBelowSeconds * 1000),
      serviceLevelWithinMs: Math.round(config.norm.serviceLevelWithinSeconds * 1000),
    });
    const gemeenten = new Map<string, GemeenteInfo>();
    for (const g of config.gemeenten) {
      const queues = new Map<string, QueueInfo>();
      for (const q of g.queues) {
        const schedule: QueueSchedule = {
          weekly: [[], ...weekdayKeys.map((day) => q.hours[day])],
          openOnClosingDays: q.openOnClosingDays,
        };
        queues.set(q.id, { id: q.id, kind: q.kind, name: q.name, schedule });
      }
      gemeenten.set(g.code, {
        code: g.code,
        name: g.name,
        calendar: new WorkCalendar(g.closingDays),
        queues,
      });
    }
    this.gemeenten = gemeenten;
    this.queueIds = new Map([...gemeenten].map(([code, g]) => [code, new Set(g.queues.keys())]));
  }

  /** Whether a configured queue was open at an instant; false for an unknown queue. */
  isQueueOpen(gemeente: string, queue: string, atMs: number): boolean {
    const g = this.gemeenten.get(gemeente);
    const q = g?.queues.get(queue);
    return g !== undefined && q !== undefined && isQueueOpen(q.schedule, g.calendar, atMs);
  }

  calendarOf(gemeente: string): WorkCalendar {
    const g = this.gemeenten.get(gemeente);
    if (g === undefined) throw new Error(`gemeente ${gemeente} is not configured`);
    return g.calendar;
  }
}
