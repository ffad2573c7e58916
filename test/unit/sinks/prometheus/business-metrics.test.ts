/**
 * The live business metrics, read back from a real prom-client registry: every configured series
 * exists from start-up at 0; final facts are counted once under the result docs/metrics.md gives
 * them (legs by result and transfer, calls by their last offered leg, call starts by caller, survey
 * answers by score, callbacks by request, completion and on-time judgement); a correction adds the
 * new facts to `*_total` and the replaced ones to `*_retracted_total`, so total minus retracted is
 * the corrected count; the "now" gauges follow opening hours, holidays, closing days and the year's
 * targets in Europe/Amsterdam. Inputs are hand-built facts; expected values are worked out from the
 * domain rules and the example configuration (deploy/config/bereik.yaml).
 */
import { Registry } from 'prom-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { Targets } from '../../../../src/config/targets.ts';
import { Topology } from '../../../../src/config/topology.ts';
import type { SurveyAnswered } from '../../../../src/events/call-event.ts';
import type { CallFact, CallStartFact, CallbackFact, LegFact } from '../../../../src/events/facts.ts';
import { BusinessMetrics } from '../../../../src/sinks/prometheus/business-metrics.ts';
import { SurveyTracker } from '../../../../src/transforms/track-surveys/survey-tracker.ts';
import { exampleConfig, legFact } from '../../../helpers/fixtures.ts';

const config = exampleConfig();
const topology = new Topology(config);
const targets = new Targets(config.targets);
const at = (iso: string) => Date.parse(iso);

type Labels = Record<string, string>;
interface Sample {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
}

let registry: Registry;
let metrics: BusinessMetrics;

beforeEach(() => {
  registry = new Registry();
  metrics = new BusinessMetrics(registry, topology);
});

/** Every exposed sample (histograms as their _bucket, _sum and _count samples), labels as text. */
async function samples(): Promise<Sample[]> {
  const all: Sample[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const v of metric.values as {
      labels: Record<string, string | number>;
      value: number;
      metricName?: string;
    }[]) {
      const labels = Object.fromEntries(Object.entries(v.labels).map(([k, l]) => [k, String(l)]));
      all.push({ name: v.metricName ?? metric.name, labels, value: v.value });
    }
  }
  return all;
}

const matches = (sample: Sample, name: string, labels: Labels) =>
  sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v);

/** The samples of a series name whose labels include `labels`. */
async function series(name: string, labels: Labels = {}): Promise<Sample[]> {
  return (await samples()).filter((s) => matches(s, name, labels));
}

/** The value of the one sample with exactly these labels; undefined when it does not exist. */
async function valueOf(name: string, labels: Labels): Promise<number | undefined> {
  const found = (await samples()).filter(
    (s) => matches(s, name, labels) && Object.keys(s.labels).length === Object.keys(labels).length,
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

/** Sum over the samples of a name whose labels include `labels`. */
async function sumOf(name: string, labels: Labels = {}): Promise<number> {
  return (await series(name, labels)).reduce((sum, s) => sum + s.value, 0);
}

/** total - retracted per series of a counter pair, only the non-zero ones, keyed by their labels. */
async function net(total: string, retracted: string): Promise<Record<string, number>> {
  const key = (l: Labels) =>
    Object.entries(l)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  const result: Record<string, number> = {};
  for (const s of await series(total)) result[key(s.labels)] = s.value;
  for (const s of await series(retracted)) result[key(s.labels)] = (result[key(s.labels)] ?? 0) - s.value;
  return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== 0));
}

function leg(fields: Partial<LegFact> & Pick<LegFact, 'legId' | 'queue'>): LegFact {
  return legFact(fields.legId, 'c1', '2026-11-23T09:00:00Z', { version: 4, ...fields });
}

function call(fields: Partial<CallFact> = {}): CallFact {
  return {
    callId: 'c1',
    gemeente: 'GM0307',
    startedAt: at('2026-11-23T09:00:00Z'),
    endedAt: at('2026-11-23T09:05:00Z'),
    endSource: 'call_ended',
    callerKey: 'hmac(+31331234567)',
    dialledNumber: '14033',
    legs: 1,
    offeredLegs: 1,
    firstOfferedAt: at('2026-11-23T09:00:00Z'),
    lastOfferedAnswered: true,
    version: 4,
    ...fields,
  };
}

const legsLabels = (gemeente: string, queue: string, kind: string, result: string, transfer: string) => ({
  gemeente,
  queue,
  kind,
  result,
  transfer,
});

describe('business metrics: every configured series exists from start-up at 0', () => {
  // The example configuration: GM0307 with 5 queues (1 KCC), GM0034 with 4 queues (1 KCC).
  const queues = 9;

  it('has each queue x 6 results x 4 transfers for legs, in total and retracted, all 0', async () => {
    for (const name of ['bereik_legs_total', 'bereik_legs_retracted_total']) {
      const all = await series(name);
      expect(all).toHaveLength(queues * 6 * 4);
      expect(all.every((s) => s.value === 0)).toBe(true);
      expect(new Set(all.map((s) => s.labels['result']))).toEqual(
        new Set([
          'out_of_hours',
          'short_abandoned',
          'answered_within_sl',
          'answered_late',
          'abandoned',
          'timed_out',
        ]),
      );
      expect(new Set(all.map((s) => s.labels['transfer']))).toEqual(
        new Set(['none', 'in', 'out', 'through']),
      );
    }
    expect(
      await valueOf(
        'bereik_legs_total',
        legsLabels('GM0034', 'meldingen', 'vakafdeling', 'timed_out', 'through'),
      ),
    ).toBe(0);
    expect(
      await valueOf('bereik_legs_total', legsLabels('GM0307', 'kcc', 'kcc', 'answered_within_sl', 'none')),
    ).toBe(0);
  });

  it('labels each queue with the kind from the configuration', async () => {
    const kinds = new Map(
      (await series('bereik_legs_total')).map((s) => [
        `${s.labels['gemeente']}/${s.labels['queue']}`,
        s.labels['kind'],
      ]),
    );
    expect(Object.fromEntries(kinds)).toEqual({
      'GM0307/kcc': 'kcc',
      'GM0307/burgerzaken': 'vakafdeling',
      'GM0307/belastingen': 'vakafdeling',
      'GM0307/wmo': 'vakafdeling',
      'GM0307/openbare-ruimte': 'vakafdeling',
      'GM0034/kcc': 'kcc',
      'GM0034/burgerzaken': 'vakafdeling',
      'GM0034/belastingen': 'vakafdeling',
      'GM0034/meldingen': 'vakafdeling',
    });
  });

  it('has calls, call starts and survey answers per gemeente at 0', async () => {
    for (const [name, label, values] of [
      [
        'bereik_calls_total',
        'result',
        ['last_offered_answered', 'last_offered_unanswered', 'no_offered_leg'],
      ],
      [
        'bereik_calls_retracted_total',
        'result',
        ['last_offered_answered', 'last_offered_unanswered', 'no_offered_leg'],
      ],
      ['bereik_calls_started_total', 'caller', ['first', 'repeat', 'withheld']],
      ['bereik_calls_started_retracted_total', 'caller', ['first', 'repeat', 'withheld']],
      ['bereik_survey_answers_total', 'score', ['1', '2', '3', '4', '5']],
    ] as const) {
      for (const gemeente of ['GM0307', 'GM0034']) {
        for (const value of values) expect(await valueOf(name, { gemeente, [label]: value })).toBe(0);
      }
      expect(await series(name)).toHaveLength(2 * values.length);
    }
  });

  it('has the callback counters and gauges per queue at 0', async () => {
    expect(await series('bereik_callbacks_requested_total')).toHaveLength(queues);
    expect(await series('bereik_callbacks_completed_total')).toHaveLength(queues * 2);
    expect(await series('bereik_callbacks_judged_total')).toHaveLength(queues * 2);
    expect(await series('bereik_callbacks_open')).toHaveLength(queues);
    expect(await series('bereik_callbacks_overdue')).toHaveLength(queues);
    for (const name of [
      'bereik_callbacks_requested_total',
      'bereik_callbacks_completed_total',
      'bereik_callbacks_judged_total',
      'bereik_callbacks_open',
      'bereik_callbacks_overdue',
    ]) {
      expect(await sumOf(name)).toBe(0);
    }
    expect(
      await valueOf('bereik_callbacks_completed_total', {
        gemeente: 'GM0034',
        queue: 'meldingen',
        outcome: 'NOT_REACHED',
      }),
    ).toBe(0);
    expect(
      await valueOf('bereik_callbacks_judged_total', { gemeente: 'GM0307', queue: 'wmo', on_time: 'false' }),
    ).toBe(0);
  });

  it('has an empty wait histogram per queue and outcome (answered, abandoned)', async () => {
    const counts = await series('bereik_leg_wait_seconds_count');
    expect(counts).toHaveLength(queues * 2);
    expect(counts.every((s) => s.value === 0)).toBe(true);
    expect(new Set(counts.map((s) => s.labels['outcome']))).toEqual(new Set(['answered', 'abandoned']));
  });

  it('gives each queue its display names in bereik_queue_info (value 1)', async () => {
    expect(await series('bereik_queue_info')).toHaveLength(queues);
    expect(
      await valueOf('bereik_queue_info', {
        gemeente: 'GM0034',
        gemeente_name: 'Almere',
        queue: 'meldingen',
        queue_name: 'Meldingen openbare ruimte (24/7)',
        kind: 'vakafdeling',
      }),
    ).toBe(1);
    expect(
      await valueOf('bereik_queue_info', {
        gemeente: 'GM0307',
        gemeente_name: 'Amersfoort',
        queue: 'kcc',
        queue_name: 'Klant Contact Centrum',
        kind: 'kcc',
      }),
    ).toBe(1);
  });
});

describe('business metrics: legs and calls', () => {
  it('counts the example call of SWITCH.md: KCC answered within service level and transferred out, Belastingen abandoned after the transfer', async () => {
    const kcc = leg({ legId: 'l1', queue: 'kcc', waitMs: 12_000, transferredOut: true });
    const belastingen = leg({
      legId: 'l2',
      queue: 'belastingen',
      outcome: 'abandoned',
      waitMs: 75_000,
      withinServiceLevel: false,
      transferredFromLegId: 'l1',
      agentId: null,
    });
    metrics.countCall(
      [kcc, belastingen],
      call({ legs: 2, offeredLegs: 2, lastOfferedAnswered: false }),
      undefined,
    );

    expect(
      await valueOf('bereik_legs_total', legsLabels('GM0307', 'kcc', 'kcc', 'answered_within_sl', 'out')),
    ).toBe(1);
    expect(
      await valueOf(
        'bereik_legs_total',
        legsLabels('GM0307', 'belastingen', 'vakafdeling', 'abandoned', 'in'),
      ),
    ).toBe(1);
    expect(await sumOf('bereik_legs_total')).toBe(2);
    expect(await sumOf('bereik_legs_retracted_total')).toBe(0);
    expect(
      await valueOf('bereik_calls_total', { gemeente: 'GM0307', result: 'last_offered_unanswered' }),
    ).toBe(1);
    expect(await sumOf('bereik_calls_total')).toBe(1);
  });

  it('puts each leg under one result: out of hours, short abandon, within service level (25 s is within), late, abandoned, timed out', async () => {
    const base = { gemeente: 'GM0034', queue: 'kcc' } as const;
    const legs = [
      leg({
        ...base,
        legId: 'ooh',
        category: 'out_of_hours',
        outcome: 'abandoned',
        waitMs: 40_000,
        withinServiceLevel: false,
        agentId: null,
      }),
      leg({
        ...base,
        legId: 'short',
        category: 'short_abandoned',
        outcome: 'abandoned',
        waitMs: 4_999,
        withinServiceLevel: false,
        agentId: null,
      }),
      leg({ ...base, legId: 'sl', waitMs: 25_000, withinServiceLevel: true }),
      leg({ ...base, legId: 'late', waitMs: 25_001, withinServiceLevel: false }),
      leg({
        ...base,
        legId: 'abandoned',
        outcome: 'abandoned',
        waitMs: 5_000,
        withinServiceLevel: false,
        agentId: null,
      }),
      leg({
        ...base,
        legId: 'timeout',
        outcome: 'timed_out',
        waitMs: 600_000,
        withinServiceLevel: false,
        agentId: null,
      }),
    ];
    for (const l of legs) {
      metrics.countCall(
        [l],
        call({ callId: l.legId, gemeente: 'GM0034', dialledNumber: '14036' }),
        undefined,
      );
    }
    for (const result of [
      'out_of_hours',
      'short_abandoned',
      'answered_within_sl',
      'answered_late',
      'abandoned',
      'timed_out',
    ]) {
      expect(await valueOf('bereik_legs_total', legsLabels('GM0034', 'kcc', 'kcc', result, 'none'))).toBe(1);
    }
    expect(await sumOf('bereik_legs_total')).toBe(6);
  });

  it('labels a leg created by a transfer and transferred on again as transfer "through"', async () => {
    const first = leg({ legId: 'l1', queue: 'kcc', transferredOut: true });
    const middle = leg({
      legId: 'l2',
      queue: 'belastingen',
      transferredFromLegId: 'l1',
      transferredOut: true,
    });
    const last = leg({
      legId: 'l3',
      queue: 'wmo',
      transferredFromLegId: 'l2',
      waitMs: 30_000,
      withinServiceLevel: false,
    });
    metrics.countCall([first, middle, last], call({ legs: 3, offeredLegs: 3 }), undefined);
    expect(
      await valueOf('bereik_legs_total', legsLabels('GM0307', 'kcc', 'kcc', 'answered_within_sl', 'out')),
    ).toBe(1);
    expect(
      await valueOf(
        'bereik_legs_total',
        legsLabels('GM0307', 'belastingen', 'vakafdeling', 'answered_within_sl', 'through'),
      ),
    ).toBe(1);
    expect(
      await valueOf('bereik_legs_total', legsLabels('GM0307', 'wmo', 'vakafdeling', 'answered_late', 'in')),
    ).toBe(1);
    expect(await sumOf('bereik_legs_total')).toBe(3);
  });

  it('counts a call by its last offered leg, and a call without offered legs as no_offered_leg', async () => {
    metrics.countCall(
      [leg({ legId: 'a', queue: 'kcc' })],
      call({ callId: 'a', lastOfferedAnswered: true }),
      undefined,
    );
    metrics.countCall(
      [leg({ legId: 'b', queue: 'kcc', outcome: 'abandoned', waitMs: 30_000, withinServiceLevel: false })],
      call({ callId: 'b', lastOfferedAnswered: false }),
      undefined,
    );
    metrics.countCall(
      [
        leg({
          legId: 'c',
          queue: 'kcc',
          category: 'out_of_hours',
          outcome: 'abandoned',
          withinServiceLevel: false,
        }),
      ],
      call({ callId: 'c', offeredLegs: 0, firstOfferedAt: null, lastOfferedAnswered: null }),
      undefined,
    );
    expect(await valueOf('bereik_calls_total', { gemeente: 'GM0307', result: 'last_offered_answered' })).toBe(
      1,
    );
    expect(
      await valueOf('bereik_calls_total', { gemeente: 'GM0307', result: 'last_offered_unanswered' }),
    ).toBe(1);
    expect(await valueOf('bereik_calls_total', { gemeente: 'GM0307', result: 'no_offered_leg' })).toBe(1);
    expect(await sumOf('bereik_calls_total', { gemeente: 'GM0034' })).toBe(0);
  });

  it('observes the waits of offered answered and abandoned legs in seconds; 25 s falls in the le="25" bucket', async () => {
    const labels = { gemeente: 'GM0307', queue: 'kcc', kind: 'kcc' };
    metrics.countCall(
      [
        leg({ legId: 'answered', queue: 'kcc', waitMs: 25_000 }),
        leg({
          legId: 'abandoned',
          queue: 'kcc',
          outcome: 'abandoned',
          waitMs: 75_000,
          withinServiceLevel: false,
          agentId: null,
        }),
        // Not offered, or no wait to speak of: not observed.
        leg({
          legId: 'short',
          queue: 'kcc',
          category: 'short_abandoned',
          outcome: 'abandoned',
          waitMs: 3_000,
          withinServiceLevel: false,
        }),
        leg({
          legId: 'ooh',
          queue: 'kcc',
          category: 'out_of_hours',
          outcome: 'abandoned',
          waitMs: 50_000,
          withinServiceLevel: false,
        }),
        leg({
          legId: 'timeout',
          queue: 'kcc',
          outcome: 'timed_out',
          waitMs: 600_000,
          withinServiceLevel: false,
        }),
      ],
      call({ legs: 5, offeredLegs: 3, lastOfferedAnswered: false }),
      undefined,
    );
    const answered = { ...labels, outcome: 'answered' };
    const abandoned = { ...labels, outcome: 'abandoned' };
    expect(await valueOf('bereik_leg_wait_seconds_count', answered)).toBe(1);
    expect(await valueOf('bereik_leg_wait_seconds_sum', answered)).toBe(25);
    expect(await valueOf('bereik_leg_wait_seconds_bucket', { ...answered, le: '20' })).toBe(0);
    expect(await valueOf('bereik_leg_wait_seconds_bucket', { ...answered, le: '25' })).toBe(1);
    expect(await valueOf('bereik_leg_wait_seconds_count', abandoned)).toBe(1);
    expect(await valueOf('bereik_leg_wait_seconds_sum', abandoned)).toBe(75);
    expect(await valueOf('bereik_leg_wait_seconds_bucket', { ...abandoned, le: '60' })).toBe(0);
    expect(await valueOf('bereik_leg_wait_seconds_bucket', { ...abandoned, le: '90' })).toBe(1);
    expect(await valueOf('bereik_leg_wait_seconds_bucket', { ...abandoned, le: '5' })).toBe(0);
    expect(await sumOf('bereik_leg_wait_seconds_count')).toBe(2);
  });

  it('counts a correction into *_total and the replaced facts into *_retracted_total: a leg first abandoned at CALL_ENDED, then answered late', async () => {
    const abandonedAtEnd = leg({
      legId: 'l1',
      queue: 'belastingen',
      outcome: 'abandoned',
      outcomeSource: 'call_ended',
      waitMs: 40_000,
      withinServiceLevel: false,
      agentId: null,
      version: 3,
    });
    const first = { legs: [abandonedAtEnd], call: call({ lastOfferedAnswered: false, version: 3 }) };
    metrics.countCall(first.legs, first.call, undefined);
    const answeredLate = {
      ...abandonedAtEnd,
      outcome: 'answered',
      outcomeSource: 'event',
      agentId: 'a3',
      version: 4,
    } as const;
    metrics.countCall([answeredLate], call({ lastOfferedAnswered: true, version: 4 }), first);

    const belastingen = (result: string) =>
      legsLabels('GM0307', 'belastingen', 'vakafdeling', result, 'none');
    expect(await valueOf('bereik_legs_total', belastingen('abandoned'))).toBe(1);
    expect(await valueOf('bereik_legs_total', belastingen('answered_late'))).toBe(1);
    expect(await valueOf('bereik_legs_retracted_total', belastingen('abandoned'))).toBe(1);
    expect(await sumOf('bereik_legs_retracted_total')).toBe(1);
    expect(await net('bereik_legs_total', 'bereik_legs_retracted_total')).toEqual({
      'gemeente=GM0307,queue=belastingen,kind=vakafdeling,result=answered_late,transfer=none': 1,
    });
    expect(
      await valueOf('bereik_calls_retracted_total', {
        gemeente: 'GM0307',
        result: 'last_offered_unanswered',
      }),
    ).toBe(1);
    expect(await net('bereik_calls_total', 'bereik_calls_retracted_total')).toEqual({
      'gemeente=GM0307,result=last_offered_answered': 1,
    });
  });

  it('keeps the first observation of a wait: a correction is not observed again (as its help text says)', async () => {
    const abandoned = leg({
      legId: 'l1',
      queue: 'kcc',
      outcome: 'abandoned',
      waitMs: 40_000,
      withinServiceLevel: false,
    });
    const first = { legs: [abandoned], call: call({ lastOfferedAnswered: false }) };
    metrics.countCall(first.legs, first.call, undefined);
    metrics.countCall([{ ...abandoned, outcome: 'answered' }], call({ lastOfferedAnswered: true }), first);
    const labels = { gemeente: 'GM0307', queue: 'kcc', kind: 'kcc' };
    expect(await valueOf('bereik_leg_wait_seconds_count', { ...labels, outcome: 'abandoned' })).toBe(1);
    expect(await valueOf('bereik_leg_wait_seconds_count', { ...labels, outcome: 'answered' })).toBe(0);
  });

  it('nets out to the latest facts after several corrections, including a leg that only a correction revealed', async () => {
    // v1: one KCC leg answered within service level.
    const kcc = leg({ legId: 'l1', queue: 'kcc' });
    const v1 = { legs: [kcc], call: call({ version: 4 }) };
    // v2: a late QUEUE_ENTERED shows the agent transferred to Belastingen, where the caller was still waiting at CALL_ENDED.
    const kccOut = { ...kcc, transferredOut: true };
    const waiting = leg({
      legId: 'l2',
      queue: 'belastingen',
      outcome: 'abandoned',
      outcomeSource: 'call_ended',
      waitMs: 30_000,
      withinServiceLevel: false,
      transferredFromLegId: 'l1',
      agentId: null,
    });
    const v2 = {
      legs: [kccOut, waiting],
      call: call({ legs: 2, offeredLegs: 2, lastOfferedAnswered: false, version: 6 }),
    };
    // v3: a late ANSWERED within 20 s at Belastingen.
    const answered = {
      ...waiting,
      outcome: 'answered',
      outcomeSource: 'event',
      waitMs: 20_000,
      withinServiceLevel: true,
      agentId: 'a9',
    } as const;
    const v3 = {
      legs: [kccOut, answered],
      call: call({ legs: 2, offeredLegs: 2, lastOfferedAnswered: true, version: 7 }),
    };

    metrics.countCall(v1.legs, v1.call, undefined);
    metrics.countCall(v2.legs, v2.call, v1);
    metrics.countCall(v3.legs, v3.call, v2);

    expect(await sumOf('bereik_legs_total')).toBe(5);
    expect(await sumOf('bereik_legs_retracted_total')).toBe(3);
    expect(await net('bereik_legs_total', 'bereik_legs_retracted_total')).toEqual({
      'gemeente=GM0307,queue=kcc,kind=kcc,result=answered_within_sl,transfer=out': 1,
      'gemeente=GM0307,queue=belastingen,kind=vakafdeling,result=answered_within_sl,transfer=in': 1,
    });
    expect(await net('bereik_calls_total', 'bereik_calls_retracted_total')).toEqual({
      'gemeente=GM0307,result=last_offered_answered': 1,
    });
  });
});

describe('business metrics: call starts (repeat callers)', () => {
  const start = (callId: string, repeat: boolean | null, gemeente = 'GM0307'): CallStartFact => ({
    callId,
    gemeente,
    startedAt: at('2026-11-23T09:00:00Z'),
    callerKey: repeat === null ? null : 'k1',
    repeat,
    version: repeat === true ? 2 : 1,
  });

  it('counts a start as first, repeat or withheld; the repeat rate leaves withheld numbers out of both counts', async () => {
    metrics.countCallStart(start('a', false), undefined);
    metrics.countCallStart(start('b', false), undefined);
    metrics.countCallStart(start('c', true), undefined);
    metrics.countCallStart(start('d', null), undefined);
    metrics.countCallStart(start('e', true, 'GM0034'), undefined);
    const of = (caller: string, gemeente = 'GM0307') =>
      valueOf('bereik_calls_started_total', { gemeente, caller });
    expect(await of('first')).toBe(2);
    expect(await of('repeat')).toBe(1);
    expect(await of('withheld')).toBe(1);
    expect(await of('repeat', 'GM0034')).toBe(1);
    // docs/metrics.md: repeat / calls, withheld in neither: 1 / (2 + 1) for GM0307.
    const repeat = (await of('repeat')) ?? 0;
    const counted = ((await of('first')) ?? 0) + repeat;
    expect(repeat / counted).toBeCloseTo(1 / 3);
  });

  it('retracts the earlier caller kind when a late earlier call makes a first call a repeat', async () => {
    const asFirst = start('b', false);
    metrics.countCallStart(asFirst, undefined);
    metrics.countCallStart({ ...asFirst, repeat: true, version: 2 }, asFirst);
    expect(await valueOf('bereik_calls_started_total', { gemeente: 'GM0307', caller: 'first' })).toBe(1);
    expect(await valueOf('bereik_calls_started_total', { gemeente: 'GM0307', caller: 'repeat' })).toBe(1);
    expect(
      await valueOf('bereik_calls_started_retracted_total', { gemeente: 'GM0307', caller: 'first' }),
    ).toBe(1);
    expect(await net('bereik_calls_started_total', 'bereik_calls_started_retracted_total')).toEqual({
      'gemeente=GM0307,caller=repeat': 1,
    });
  });
});

describe('business metrics: survey answers', () => {
  const survey = (eventId: string, score: 1 | 2 | 3 | 4 | 5, gemeente = 'GM0307') => ({
    eventId,
    callId: `call-${eventId}`,
    gemeente,
    answeredAt: at('2026-11-23T09:10:00Z'),
    score,
  });

  it('counts answers by gemeente and score; satisfaction is the share of 4 and 5', async () => {
    for (const [id, score] of [
      ['s1', 5],
      ['s2', 4],
      ['s3', 3],
      ['s4', 1],
      ['s5', 5],
    ] as const) {
      metrics.countSurvey(survey(id, score));
    }
    metrics.countSurvey(survey('s6', 2, 'GM0034'));
    const of = (score: string, gemeente = 'GM0307') =>
      valueOf('bereik_survey_answers_total', { gemeente, score });
    expect([await of('1'), await of('2'), await of('3'), await of('4'), await of('5')]).toEqual([
      1, 0, 1, 1, 2,
    ]);
    expect(await of('2', 'GM0034')).toBe(1);
    // satisfaction = answers with score 4 or 5 / answers: 3 of 5 for GM0307, 0 of 1 for GM0034.
    const satisfied = ((await of('4')) ?? 0) + ((await of('5')) ?? 0);
    expect(satisfied / (await sumOf('bereik_survey_answers_total', { gemeente: 'GM0307' }))).toBeCloseTo(0.6);
    expect(
      (((await of('4', 'GM0034')) ?? 0) + ((await of('5', 'GM0034')) ?? 0)) /
        (await sumOf('bereik_survey_answers_total', { gemeente: 'GM0034' })),
    ).toBe(0);
  });

  it('counts a redelivered answer once when it comes through the survey tracker', async () => {
    const tracker = new SurveyTracker<number>(65 * 60_000);
    const event: SurveyAnswered = {
      type: 'SURVEY_ANSWERED',
      eventId: 's1',
      occurredAt: at('2026-11-23T09:10:00Z'),
      gemeente: 'GM0307',
      callId: 'c1',
      score: 4,
    };
    const out = SurveyTracker.output<number>();
    tracker.apply(event, 1, out);
    tracker.apply(event, 2, out);
    tracker.advance(at('2026-11-23T09:20:00Z'));
    tracker.apply(event, 3, out);
    for (const { fact } of out.facts) metrics.countSurvey(fact);
    expect(await valueOf('bereik_survey_answers_total', { gemeente: 'GM0307', score: '4' })).toBe(1);
    expect(await sumOf('bereik_survey_answers_total')).toBe(1);
  });
});

describe('business metrics: terugbelverzoeken', () => {
  // Requested Monday 23 November 2026 10:04 (Amsterdam): due at the end of Wednesday 25 November.
  const requestedAt = at('2026-11-23T10:04:10+01:00');
  const dueAt = at('2026-11-25T23:00:00Z');
  const request: CallbackFact = {
    callbackId: 'cb1',
    gemeente: 'GM0307',
    queue: 'belastingen',
    callId: 'c1',
    requestedAt,
    dueAt,
    completedAt: null,
    outcome: null,
    onTime: null,
    version: 1,
  };
  const completion = (iso: string, outcome: 'REACHED' | 'NOT_REACHED', onTime: boolean): CallbackFact => ({
    ...request,
    completedAt: at(iso),
    outcome,
    onTime,
    version: 3,
  });
  const gq = { gemeente: 'GM0307', queue: 'belastingen' };

  it('counts a request, then its completion (Tuesday, before the due moment) as completed and on time', async () => {
    metrics.countCallback(request, undefined);
    expect(await valueOf('bereik_callbacks_requested_total', gq)).toBe(1);
    expect(await sumOf('bereik_callbacks_completed_total')).toBe(0);
    const done = completion('2026-11-24T11:20:00+01:00', 'REACHED', true);
    metrics.countCallback(done, request);
    expect(await valueOf('bereik_callbacks_requested_total', gq)).toBe(1);
    expect(await valueOf('bereik_callbacks_completed_total', { ...gq, outcome: 'REACHED' })).toBe(1);
    expect(await valueOf('bereik_callbacks_judged_total', { ...gq, on_time: 'true' })).toBe(1);
    expect(await sumOf('bereik_callbacks_completed_total')).toBe(1);
    expect(await sumOf('bereik_callbacks_judged_total')).toBe(1);
  });

  it('counts a completion at or after the due moment as judged late, under its outcome', async () => {
    metrics.countCallback(request, undefined);
    metrics.countCallback(completion('2026-11-26T00:00:00+01:00', 'NOT_REACHED', false), request);
    expect(await valueOf('bereik_callbacks_completed_total', { ...gq, outcome: 'NOT_REACHED' })).toBe(1);
    expect(await valueOf('bereik_callbacks_completed_total', { ...gq, outcome: 'REACHED' })).toBe(0);
    expect(await valueOf('bereik_callbacks_judged_total', { ...gq, on_time: 'false' })).toBe(1);
    expect(await valueOf('bereik_callbacks_judged_total', { ...gq, on_time: 'true' })).toBe(0);
  });

  it('counts nothing again for a fact that repeats what was known (a replay or a restored request)', async () => {
    const done = completion('2026-11-24T11:20:00+01:00', 'REACHED', true);
    metrics.countCallback(request, undefined);
    metrics.countCallback(done, request);
    metrics.countCallback(request, request);
    metrics.countCallback(done, done);
    expect(await sumOf('bereik_callbacks_requested_total')).toBe(1);
    expect(await sumOf('bereik_callbacks_completed_total')).toBe(1);
    expect(await sumOf('bereik_callbacks_judged_total')).toBe(1);
  });

  it('holds a completion that arrives before its request until the request names the queue, then counts each once', async () => {
    const completionOnly: CallbackFact = {
      callbackId: 'cb1',
      gemeente: 'GM0307',
      queue: null,
      callId: null,
      requestedAt: null,
      dueAt: null,
      completedAt: at('2026-11-24T11:20:00+01:00'),
      outcome: 'REACHED',
      onTime: null,
      version: 2,
    };
    metrics.countCallback(completionOnly, undefined);
    expect(await sumOf('bereik_callbacks_requested_total')).toBe(0);
    expect(await sumOf('bereik_callbacks_completed_total')).toBe(0);
    expect(await sumOf('bereik_callbacks_judged_total')).toBe(0);
    // No series outside the configuration (no queue="unknown").
    expect((await samples()).some((s) => s.labels['queue'] === 'unknown')).toBe(false);

    metrics.countCallback(completion('2026-11-24T11:20:00+01:00', 'REACHED', true), completionOnly);
    expect(await valueOf('bereik_callbacks_requested_total', gq)).toBe(1);
    expect(await valueOf('bereik_callbacks_completed_total', { ...gq, outcome: 'REACHED' })).toBe(1);
    expect(await valueOf('bereik_callbacks_judged_total', { ...gq, on_time: 'true' })).toBe(1);
    expect(await sumOf('bereik_callbacks_requested_total')).toBe(1);
    expect(await sumOf('bereik_callbacks_completed_total')).toBe(1);
    expect(await sumOf('bereik_callbacks_judged_total')).toBe(1);
  });
});

describe('business metrics: the "now" gauges', () => {
  const open = async (gemeente: string, queue: string) =>
    valueOf('bereik_queue_open', { gemeente, queue, kind: queue === 'kcc' ? 'kcc' : 'vakafdeling' });

  it('marks queues open by their opening hours: Thursday 26 November 2026, 18:00', async () => {
    metrics.refreshGauges(at('2026-11-26T18:00:00+01:00'), new Map(), targets);
    // KCC and the office-hours queues are open until 20:00 on Thursdays; the morning queues are closed.
    expect(await open('GM0307', 'kcc')).toBe(1);
    expect(await open('GM0307', 'burgerzaken')).toBe(0);
    expect(await open('GM0307', 'belastingen')).toBe(1);
    expect(await open('GM0307', 'wmo')).toBe(0);
    expect(await open('GM0307', 'openbare-ruimte')).toBe(1);
    expect(await open('GM0034', 'kcc')).toBe(1);
    expect(await open('GM0034', 'burgerzaken')).toBe(0);
    expect(await open('GM0034', 'belastingen')).toBe(1);
    expect(await open('GM0034', 'meldingen')).toBe(1);
    expect(await series('bereik_queue_open')).toHaveLength(9);
  });

  it('closes every queue on Koningsdag (Monday 27 April 2026) except the 24/7 line that stays open on holidays', async () => {
    metrics.refreshGauges(at('2026-04-27T10:00:00+02:00'), new Map(), targets);
    const openQueues = (await series('bereik_queue_open')).filter((s) => s.value === 1);
    expect(openQueues.map((s) => `${s.labels['gemeente']}/${s.labels['queue']}`)).toEqual([
      'GM0034/meldingen',
    ]);
  });

  it("closes a gemeente's queues on its own closing day only (Friday 15 May 2026, Amersfoort)", async () => {
    metrics.refreshGauges(at('2026-05-15T10:00:00+02:00'), new Map(), targets);
    for (const queue of ['kcc', 'burgerzaken', 'belastingen', 'wmo', 'openbare-ruimte']) {
      expect(await open('GM0307', queue)).toBe(0);
    }
    for (const queue of ['kcc', 'burgerzaken', 'belastingen', 'meldingen']) {
      expect(await open('GM0034', queue)).toBe(1);
    }
  });

  it('follows the clock on the next refresh: a queue closes at the end of its interval', async () => {
    metrics.refreshGauges(at('2026-11-26T12:29:59+01:00'), new Map(), targets);
    expect(await open('GM0307', 'burgerzaken')).toBe(1);
    metrics.refreshGauges(at('2026-11-26T12:30:00+01:00'), new Map(), targets);
    expect(await open('GM0307', 'burgerzaken')).toBe(0);
  });

  it('sets open and overdue callbacks per queue, and back to 0 for a queue that no longer has any', async () => {
    const now = at('2026-11-26T12:00:00+01:00');
    metrics.refreshGauges(
      now,
      new Map([
        ['GM0307|belastingen', { open: 3, overdue: 1 }],
        ['GM0034|meldingen', { open: 2, overdue: 0 }],
      ]),
      targets,
    );
    expect(await valueOf('bereik_callbacks_open', { gemeente: 'GM0307', queue: 'belastingen' })).toBe(3);
    expect(await valueOf('bereik_callbacks_overdue', { gemeente: 'GM0307', queue: 'belastingen' })).toBe(1);
    expect(await valueOf('bereik_callbacks_open', { gemeente: 'GM0034', queue: 'meldingen' })).toBe(2);
    expect(await sumOf('bereik_callbacks_open')).toBe(5);
    expect(await sumOf('bereik_callbacks_overdue')).toBe(1);

    metrics.refreshGauges(now + 60_000, new Map([['GM0034|meldingen', { open: 1, overdue: 1 }]]), targets);
    expect(await valueOf('bereik_callbacks_open', { gemeente: 'GM0307', queue: 'belastingen' })).toBe(0);
    expect(await valueOf('bereik_callbacks_overdue', { gemeente: 'GM0307', queue: 'belastingen' })).toBe(0);
    expect(await sumOf('bereik_callbacks_open')).toBe(1);
    expect(await sumOf('bereik_callbacks_overdue')).toBe(1);
  });

  it("sets this year's targets: the configured override for Amersfoort's KCC in 2026, the kind's default elsewhere", async () => {
    metrics.refreshGauges(at('2026-06-01T12:00:00+02:00'), new Map(), targets);
    const target = (gemeente: string, queue: string, metric: string) =>
      valueOf('bereik_target_ratio', {
        gemeente,
        queue,
        kind: queue === 'kcc' ? 'kcc' : 'vakafdeling',
        metric,
      });
    expect(await target('GM0307', 'kcc', 'reachability')).toBe(0.85);
    expect(await target('GM0034', 'kcc', 'reachability')).toBe(0.9);
    expect(await target('GM0307', 'belastingen', 'reachability')).toBe(0.8);
    expect(await target('GM0034', 'meldingen', 'reachability')).toBe(0.8);
    expect(await target('GM0307', 'kcc', 'callbacksOnTime')).toBe(0.95);
    expect(await series('bereik_target_ratio')).toHaveLength(9 * 2);
  });

  it('takes the year in Europe/Amsterdam: 31 December 2025 23:30 UTC is already 2026', async () => {
    const target = () =>
      valueOf('bereik_target_ratio', {
        gemeente: 'GM0307',
        queue: 'kcc',
        kind: 'kcc',
        metric: 'reachability',
      });
    metrics.refreshGauges(at('2025-12-31T22:59:59Z'), new Map(), targets);
    expect(await target()).toBe(0.9);
    metrics.refreshGauges(at('2025-12-31T23:30:00Z'), new Map(), targets);
    expect(await target()).toBe(0.85);
  });
});
