/** Which rollup rows a batch makes stale, and which due dates a callback leaves (hand-worked times). */
import { describe, expect, it } from 'vitest';
import { emptyBatch } from '../../../../src/pipeline/contracts.ts';
import {
  dateOfDayNumber,
  dayNumberOf,
  dirtyWindows,
  hoursOf,
  localDaysOf,
  planCallbacks,
  type ScopedWindows,
} from '../../../../src/sinks/clickhouse/dirty-windows.ts';
import type { CallbackFact, LegFact } from '../../../../src/events/facts.ts';

const at = (iso: string) => Date.parse(iso);
const sec = (iso: string) => at(iso) / 1000;
const leg = (legId: string, queue: string, iso: string): LegFact => ({
  legId,
  callId: 'c1',
  gemeente: 'GM0307',
  queue,
  enteredAt: at(iso),
  outcome: 'answered',
  outcomeSource: 'event',
  outcomeAt: at(iso) + 1000,
  waitMs: 1000,
  category: 'offered',
  withinServiceLevel: true,
  transferredFromLegId: null,
  transferredOut: false,
  agentId: null,
  normId: 'n',
  version: 3,
});
const callback = (fields: Partial<CallbackFact>): CallbackFact => ({
  callbackId: 'cb1',
  gemeente: 'GM0307',
  queue: 'belastingen',
  callId: null,
  requestedAt: at('2026-11-23T10:04:10+01:00'),
  dueAt: at('2026-11-26T00:00:00+01:00'),
  completedAt: null,
  outcome: null,
  onTime: null,
  version: 1,
  ...fields,
});
/** Keys as readable strings: scope and window (UTC time, or a date for day numbers). */
const show = (windows: ScopedWindows, days = false) =>
  windows
    .keys()
    .map(
      ({ scope, start }) =>
        `${scope.gemeente}/${scope.queue ?? '-'} ${days ? dateOfDayNumber(start) : new Date(start * 1000).toISOString().slice(0, 16)}`,
    );

describe('dirtyWindows', () => {
  it('takes the minutes of legs (tombstones too), call starts, surveys and callbacks', () => {
    const planned = planCallbacks(
      [
        callback({
          completedAt: at('2026-11-24T11:20:00+01:00'),
          outcome: 'REACHED',
          onTime: true,
          version: 3,
        }),
        // A completion whose request is unknown is counted under no queue yet: nothing dirty.
        callback({
          callbackId: 'cb2',
          queue: null,
          requestedAt: null,
          dueAt: null,
          completedAt: at('2026-11-24T12:00:00Z'),
          version: 2,
        }),
      ],
      new Map(),
    );
    const dirty = dirtyWindows(
      {
        ...emptyBatch('g'),
        legs: [
          leg('l1', 'kcc', '2026-11-23T10:00:00+01:00'),
          leg('l2', 'belastingen', '2026-11-23T10:02:40+01:00'),
        ],
        legTombstones: [leg('l3', 'kcc', '2026-11-23T10:00:59.999+01:00')],
        callStarts: [
          {
            callId: 'c1',
            gemeente: 'GM0307',
            startedAt: at('2026-11-23T09:59:58+01:00'),
            callerKey: null,
            repeat: null,
            version: 1,
          },
        ],
        surveys: [
          {
            eventId: 's1',
            callId: 'c1',
            gemeente: 'GM0034',
            answeredAt: at('2026-11-23T10:05:30+01:00'),
            score: 4,
          },
        ],
      },
      planned,
    );
    expect(show(dirty.queueMinutes)).toEqual([
      'GM0307/kcc 2026-11-23T09:00',
      'GM0307/belastingen 2026-11-23T09:02',
    ]);
    expect(show(dirty.gemeenteMinutes)).toEqual([
      'GM0307/- 2026-11-23T08:59',
      'GM0307/- 2026-11-23T09:00',
      'GM0307/- 2026-11-23T09:02',
      'GM0034/- 2026-11-23T09:05',
    ]);
    expect(show(dirty.callbackMinutes)).toEqual([
      'GM0307/belastingen 2026-11-23T09:04',
      'GM0307/belastingen 2026-11-24T10:20',
    ]);
    expect(show(dirty.dueDays, true)).toEqual(['GM0307/belastingen 2026-11-25']);
  });

  it('maps minutes to UTC hours and to Europe/Amsterdam dates', () => {
    const dirty = dirtyWindows(
      {
        ...emptyBatch('g'),
        legs: [
          leg('l1', 'kcc', '2026-11-23T23:59:59+01:00'),
          leg('l2', 'kcc', '2026-11-24T00:00:00+01:00'),
          // Both 02:30 of the autumn DST change, summer and winter time: two UTC hours, one day.
          leg('l3', 'kcc', '2026-10-25T02:30:00+02:00'),
          leg('l4', 'kcc', '2026-10-25T02:30:00+01:00'),
        ],
      },
      [],
    );
    expect(show(hoursOf(dirty.queueMinutes))).toEqual([
      'GM0307/kcc 2026-10-25T00:00',
      'GM0307/kcc 2026-10-25T01:00',
      'GM0307/kcc 2026-11-23T22:00',
      'GM0307/kcc 2026-11-23T23:00',
    ]);
    expect(show(localDaysOf(dirty.queueMinutes), true)).toEqual([
      'GM0307/kcc 2026-10-25',
      'GM0307/kcc 2026-11-23',
      'GM0307/kcc 2026-11-24',
    ]);
    expect(dirty.queueMinutes.size).toBe(4);
    expect(sec('2026-11-23T23:00:00Z')).toBe(hoursOf(dirty.queueMinutes).keys()[3]?.start);
  });

  it('converts dates and day numbers both ways', () => {
    expect(dayNumberOf('1970-01-02')).toBe(1);
    expect(dateOfDayNumber(dayNumberOf('2028-02-29'))).toBe('2028-02-29');
  });
});

describe('planCallbacks', () => {
  const moved = callback({
    dueAt: at('2026-11-27T00:00:00+01:00'),
    completedAt: at('2026-11-24T11:20:00+01:00'),
    onTime: true,
    version: 3,
  });

  it('records the due date a callback left, so that day is recomputed too', () => {
    const stored = new Map([['cb1', { version: 1, dueDate: '2026-11-25', earlierDueDates: [] }]]);
    const planned = planCallbacks([moved], stored);
    expect(planned).toEqual([{ fact: moved, earlierDueDates: ['2026-11-25'] }]);
    expect(show(dirtyWindows(emptyBatch('g'), planned).dueDays, true)).toEqual([
      'GM0307/belastingen 2026-11-25',
      'GM0307/belastingen 2026-11-26',
    ]);
  });

  it('gives a replay the same earlier dates, and a move back drops the date from them', () => {
    const afterMove = new Map([
      ['cb1', { version: 3, dueDate: '2026-11-26', earlierDueDates: ['2026-11-25'] }],
    ]);
    expect(planCallbacks([moved], afterMove)[0]?.earlierDueDates).toEqual(['2026-11-25']);
    const back = { ...moved, dueAt: at('2026-11-26T00:00:00+01:00') };
    expect(planCallbacks([back], afterMove)[0]?.earlierDueDates).toEqual(['2026-11-26']);
  });

  it('leaves out facts older than what is stored, and chains facts of one batch', () => {
    const stored = new Map([['cb1', { version: 3, dueDate: '2026-11-25', earlierDueDates: [] }]]);
    expect(planCallbacks([callback({})], stored)).toEqual([]);
    const first = callback({});
    const planned = planCallbacks([first, moved], new Map());
    expect(planned.map((p) => p.earlierDueDates)).toEqual([[], ['2026-11-25']]);
  });
});
