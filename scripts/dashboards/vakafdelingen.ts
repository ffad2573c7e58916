/** Vakafdelingen: every vakafdeling of one gemeente side by side, the worst first, from Prometheus. */
import { dashboard } from './dashboard.ts';
import { fromZero, ratioSeries, targetSteps, type Column } from './field-config.ts';
import type { Dashboard } from './model.ts';
import { ratioAgainstTarget, timeseries, type PanelSpec } from './panels.ts';
import {
  ANSWERED,
  OFFERED,
  chosenGemeente,
  legResult,
  meanWait,
  net,
  netPerMinute,
  perQueue,
  period,
  rateInterval,
  reachability,
  selector,
  serviceLevel,
  slidingWindow,
  target,
  targetRatio,
  transferSuccess,
  vakafdeling,
  waitQuantile,
  withQueueName,
} from './promql.ts';
import { prometheusTable } from './tables.ts';
import { gemeenteVariable, windowVariable } from './variables.ts';

const vakafdelingLegs = [chosenGemeente, vakafdeling];

type QueryColumn = Column & { readonly expr: string };

/** How each vakafdeling does against its streefcijfer; the table sorts on the first column. */
const kpiColumns = (): QueryColumn[] => [
  {
    field: 'reachability',
    name: 'Bereikbaarheid',
    unit: 'percentunit',
    decimals: 1,
    steps: targetSteps(0.8),
    expr: withQueueName(reachability(vakafdelingLegs, perQueue, period)),
  },
  {
    field: 'target',
    name: 'Streefcijfer',
    unit: 'percentunit',
    decimals: 0,
    expr: target(vakafdelingLegs, 'reachability'),
  },
  {
    field: 'gap',
    name: 't.o.v. streefcijfer',
    unit: 'percentunit',
    decimals: 1,
    // Red below 0: under the streefcijfer.
    steps: targetSteps(0),
    expr: withQueueName(
      `${reachability(vakafdelingLegs, perQueue, period)} - on (gemeente, queue) ${targetRatio(vakafdelingLegs, 'reachability')}`,
    ),
  },
  {
    field: 'service_level',
    name: 'Servicelevel',
    unit: 'percentunit',
    decimals: 1,
    expr: withQueueName(serviceLevel(vakafdelingLegs, perQueue, period)),
  },
];

/** Net legs per vakafdeling over the period with these results. */
const legs = (results: string) =>
  withQueueName(net('bereik_legs', [...vakafdelingLegs, legResult(results)], perQueue, period));

/** The volume behind the percentages, transfers, waiting and whether the queue is open now. */
const detailColumns = (): QueryColumn[] => [
  { field: 'offered', name: 'Aangeboden', unit: 'short', decimals: 0, expr: legs(OFFERED) },
  { field: 'answered', name: 'Beantwoord', unit: 'short', decimals: 0, expr: legs(ANSWERED) },
  { field: 'abandoned', name: 'Opgehangen', unit: 'short', decimals: 0, expr: legs('abandoned|timed_out') },
  {
    field: 'transfer_success',
    name: 'Doorverbinding aangenomen',
    unit: 'percentunit',
    decimals: 1,
    expr: withQueueName(transferSuccess(vakafdelingLegs, perQueue, period)),
  },
  {
    field: 'asa',
    name: 'Gem. wachttijd',
    unit: 's',
    decimals: 0,
    expr: withQueueName(meanWait([...vakafdelingLegs, 'outcome="answered"'], perQueue, period)),
  },
  {
    field: 'open',
    name: 'Nu open',
    unit: 'none',
    decimals: 0,
    expr: withQueueName(`max by (gemeente, queue) (bereik_queue_open${selector(vakafdelingLegs)})`),
  },
];

const overviewTable = (): PanelSpec =>
  prometheusTable({
    title: 'Vakafdelingen over de gekozen periode',
    description:
      'Eén rij per vakafdeling, laagste bereikbaarheid bovenaan. "t.o.v. streefcijfer" is bereikbaarheid min het streefcijfer van dit jaar: rood = onder het streefcijfer. Leeg = niets aangeboden.',
    w: 24,
    h: 10,
    nameColumn: 'Vakafdeling',
    columns: [...kpiColumns(), ...detailColumns()],
    sortBy: { column: 'Bereikbaarheid', desc: false },
  });

const ratiosOverTime = (): PanelSpec[] => [
  ratioAgainstTarget({
    title: 'Bereikbaarheid per vakafdeling',
    description:
      'Beantwoord / aangeboden per vakafdeling over het venster. Gestippeld: de streefcijfers van dit jaar; de stippellijn over de hele breedte is 80%.',
    w: 12,
    h: 9,
    ratio: withQueueName(reachability(vakafdelingLegs, perQueue, slidingWindow)),
    target: target(vakafdelingLegs, 'reachability'),
    steps: targetSteps(0.8),
  }),
  timeseries({
    title: 'Doorverbindingen aangenomen per vakafdeling',
    description:
      'Van de gesprekken die het KCC (of een andere wachtrij) doorverbond naar de vakafdeling: beantwoord / aangeboden, over het venster.',
    w: 12,
    h: 9,
    queries: [
      {
        expr: withQueueName(transferSuccess(vakafdelingLegs, perQueue, slidingWindow)),
        legend: '{{queue_name}}',
      },
    ],
    field: ratioSeries(),
  }),
];

const trafficAndWait = (): PanelSpec[] => [
  timeseries({
    title: 'Aangeboden per vakafdeling per minuut',
    description: 'Aangeboden gesprekken per minuut, per vakafdeling.',
    w: 12,
    h: 8,
    queries: [
      {
        expr: withQueueName(
          netPerMinute('bereik_legs', [...vakafdelingLegs, legResult(OFFERED)], perQueue, rateInterval),
        ),
        legend: '{{queue_name}}',
      },
    ],
    field: fromZero('cpm'),
  }),
  timeseries({
    title: 'Wachttijd p90 per vakafdeling',
    description:
      '90% van de beantwoorde gesprekken wachtte korter dan dit, per vakafdeling, over het venster.',
    w: 12,
    h: 8,
    queries: [
      {
        expr: withQueueName(
          waitQuantile(0.9, [...vakafdelingLegs, 'outcome="answered"'], perQueue, slidingWindow),
        ),
        legend: '{{queue_name}}',
      },
    ],
    field: fromZero('s'),
  }),
];

export function vakafdelingen(): Dashboard {
  return dashboard({
    uid: 'bereik-vakafdelingen',
    title: 'Vakafdelingen',
    description:
      'Alle vakafdelingen van één gemeente naast elkaar, de slechtste bovenaan, met hun streefcijfer. Live uit Prometheus.',
    time: { from: 'now-24h', to: 'now' },
    refresh: '1m',
    variables: [
      gemeenteVariable,
      windowVariable(
        ['30m', '1h', '4h', '1d'],
        '1h',
        'Het voortschrijdende venster van de grafieken: elk punt is het percentage over dit venster ervoor.',
      ),
    ],
    items: [overviewTable(), ...ratiosOverTime(), ...trafficAndWait()],
  });
}
