/** Terugbelverzoeken: one gemeente's callbacks, on time within 2 werkdagen, from Prometheus. */
import { dashboard } from './dashboard.ts';
import {
  anyIsBad,
  count,
  countSeries,
  dashedLineOverride,
  fromZero,
  percent,
  targetSteps,
} from './field-config.ts';
import type { Dashboard } from './model.ts';
import { ratioAgainstTarget, stat, timeseries, type PanelSpec } from './panels.ts';
import { section } from './layout.ts';
import {
  callbacksOnTime,
  chosenGemeente,
  chosenQueues,
  increase,
  overall,
  perHour,
  perQueue,
  period,
  rateInterval,
  selector,
  slidingWindow,
  target,
  withQueueName,
} from './promql.ts';
import { prometheusTable } from './tables.ts';
import { gemeenteVariable, queueVariable, windowVariable } from './variables.ts';

const chosen = [chosenGemeente, chosenQueues];
/** The default streefcijfer: 95% handled before the end of the 2nd werkdag after the request. */
const onTimeTarget = targetSteps(0.95);

const openPerQueue = withQueueName(`sum by (gemeente, queue) (bereik_callbacks_open${selector(chosen)})`);
const overduePerQueue = withQueueName(
  `sum by (gemeente, queue) (bereik_callbacks_overdue${selector(chosen)})`,
);

const periodCounts = (): PanelSpec[] => [
  stat({
    title: 'Aangevraagd',
    description: 'Terugbelverzoeken aangevraagd in de gekozen periode.',
    w: 5,
    h: 4,
    expr: increase('bereik_callbacks_requested_total', chosen, overall, period),
    field: count(),
    color: 'value',
  }),
  stat({
    title: 'Afgehandeld',
    description: 'Terugbelverzoeken afgehandeld (beller bereikt of niet) in de gekozen periode.',
    w: 5,
    h: 4,
    expr: increase('bereik_callbacks_completed_total', chosen, overall, period),
    field: count(),
    color: 'value',
  }),
  stat({
    title: 'Op tijd afgehandeld',
    description:
      'Van de verzoeken die in de periode werden afgehandeld: het deel dat vóór het einde van de 2e werkdag na de aanvraag klaar was. Rood onder 95%. De officiële score (per vervaldatum, ook nooit afgehandelde verzoeken) staat op het dashboard Historie.',
    w: 5,
    h: 4,
    expr: callbacksOnTime(chosen, overall, period),
    field: percent(onTimeTarget),
  }),
];

const nowCounts = (): PanelSpec[] => [
  stat({
    title: 'Nu open',
    description: 'Aangevraagde en nog niet afgehandelde terugbelverzoeken, nu.',
    w: 4,
    h: 4,
    expr: `sum(bereik_callbacks_open${selector(chosen)})`,
    field: count(),
    color: 'value',
  }),
  stat({
    title: 'Nu te laat',
    description:
      'Open terugbelverzoeken waarvan de termijn (einde van de 2e werkdag) verstreken is, nu. Rood vanaf 1.',
    w: 5,
    h: 4,
    expr: `sum(bereik_callbacks_overdue${selector(chosen)})`,
    field: count(anyIsBad),
  }),
];

const overTime = (): PanelSpec[] => [
  timeseries({
    title: 'Aangevraagd en afgehandeld per uur',
    description:
      'Terugbelverzoeken per uur: aangevraagd, en afgehandeld met de beller bereikt of niet bereikt.',
    w: 12,
    h: 9,
    queries: [
      { expr: perHour('bereik_callbacks_requested_total', chosen, rateInterval), legend: 'Aangevraagd' },
      {
        expr: perHour('bereik_callbacks_completed_total', [...chosen, 'outcome="REACHED"'], rateInterval),
        legend: 'Afgehandeld, bereikt',
      },
      {
        expr: perHour('bereik_callbacks_completed_total', [...chosen, 'outcome="NOT_REACHED"'], rateInterval),
        legend: 'Afgehandeld, niet bereikt',
      },
    ],
    field: fromZero('short'),
  }),
  ratioAgainstTarget({
    title: 'Op tijd afgehandeld per wachtrij',
    description:
      'Deel van de afgehandelde verzoeken dat op tijd was, per wachtrij waaraan het verzoek toebehoort, over het venster. Gestippeld: de streefcijfers van dit jaar; de stippellijn over de hele breedte is 95%.',
    w: 12,
    h: 9,
    ratio: withQueueName(callbacksOnTime(chosen, perQueue, slidingWindow)),
    target: target(chosen, 'callbacksOnTime'),
    steps: onTimeTarget,
  }),
  timeseries({
    title: 'Open en te laat per wachtrij',
    description: 'Open terugbelverzoeken en het deel daarvan dat te laat is, per wachtrij.',
    w: 24,
    h: 8,
    queries: [
      { expr: openPerQueue, legend: 'Open {{queue_name}}' },
      { expr: overduePerQueue, legend: 'Te laat {{queue_name}}' },
    ],
    field: countSeries(),
    overrides: [dashedLineOverride('B')],
  }),
];

/** Sorted with the most overdue first: those need a call back now. */
const perQueueTable = (): PanelSpec =>
  prometheusTable({
    title: 'Terugbelverzoeken per wachtrij',
    description:
      'Per wachtrij waaraan de verzoeken toebehoren: nu open en te laat, en over de gekozen periode aangevraagd, afgehandeld en op tijd, met het streefcijfer van dit jaar.',
    w: 24,
    h: 9,
    nameColumn: 'Wachtrij',
    columns: [
      { field: 'open', name: 'Nu open', unit: 'short', decimals: 0, expr: openPerQueue },
      {
        field: 'overdue',
        name: 'Nu te laat',
        unit: 'short',
        decimals: 0,
        steps: [
          ['transparent', null],
          ['red', 1],
        ],
        expr: overduePerQueue,
      },
      {
        field: 'requested',
        name: 'Aangevraagd',
        unit: 'short',
        decimals: 0,
        expr: withQueueName(increase('bereik_callbacks_requested_total', chosen, perQueue, period)),
      },
      {
        field: 'completed',
        name: 'Afgehandeld',
        unit: 'short',
        decimals: 0,
        expr: withQueueName(increase('bereik_callbacks_completed_total', chosen, perQueue, period)),
      },
      {
        field: 'on_time',
        name: 'Op tijd',
        unit: 'percentunit',
        decimals: 1,
        steps: onTimeTarget,
        expr: withQueueName(callbacksOnTime(chosen, perQueue, period)),
      },
      {
        field: 'target',
        name: 'Streefcijfer',
        unit: 'percentunit',
        decimals: 0,
        expr: target(chosen, 'callbacksOnTime'),
      },
    ],
    sortBy: { column: 'Nu te laat', desc: true },
  });

export function terugbelverzoeken(): Dashboard {
  return dashboard({
    uid: 'bereik-terugbelverzoeken',
    title: 'Terugbelverzoeken',
    description:
      'Terugbelverzoeken van één gemeente: aangevraagd, afgehandeld, op tijd (binnen 2 werkdagen) tegen het streefcijfer van 95%, en wat nu open en te laat is. Live uit Prometheus.',
    time: { from: 'now-7d', to: 'now' },
    refresh: '1m',
    variables: [
      gemeenteVariable,
      queueVariable,
      windowVariable(
        ['4h', '1d', '7d'],
        '1d',
        'Het voortschrijdende venster van de grafiek "op tijd": elk punt is het percentage over dit venster ervoor.',
      ),
    ],
    items: [
      ...section('Over de gekozen periode', [...periodCounts(), ...nowCounts()]),
      ...section('Verloop', overTime()),
      ...section('Per wachtrij', [perQueueTable()]),
    ],
  });
}
