/** Helpers for the simulator tests: a standard run, and views of its messages computed without the simulator's code. */
import type { RawCallEvent } from '../../../src/events/call-event.ts';
import { simulate, type SimMessage, type SimulatorOptionsInput } from '../../../src/simulate/index.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';

/** Monday 2 March 2026 00:00 Amsterdam (CET) to Monday 23 March: three full weeks, no holidays, no DST change. */
export const THREE_WEEKS = {
  fromMs: Date.parse('2026-03-01T23:00:00Z'),
  toMs: Date.parse('2026-03-22T23:00:00Z'),
};

export function run(options: Partial<SimulatorOptionsInput> = {}) {
  return simulate(exampleConfig(), {
    seed: 42,
    ...THREE_WEEKS,
    gemeenten: ['GM0307'],
    callsPerDay: 600,
    ...options,
  });
}

/** The events among the messages, in delivery order. */
export function eventsOf(messages: readonly SimMessage[]): RawCallEvent[] {
  const events: RawCallEvent[] = [];
  for (const m of messages) if (m.payload.kind === 'event') events.push(m.payload.event);
  return events;
}

/** The real events (no message the processor must dead-letter), once each (duplicates dropped by eventId). */
export function realEvents(messages: readonly SimMessage[]): RawCallEvent[] {
  const seen = new Set<string>();
  const events: RawCallEvent[] = [];
  for (const m of messages) {
    if (m.payload.kind !== 'event' || m.expectedDeadLetter !== undefined || seen.has(m.payload.event.eventId))
      continue;
    seen.add(m.payload.event.eventId);
    events.push(m.payload.event);
  }
  return events;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** The value, or a test failure naming what was missing. */
export function must<T>(value: T | null | undefined, what = 'a value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}`);
  return value;
}
