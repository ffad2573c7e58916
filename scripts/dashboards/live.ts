/** Bereikbaarheid live: the KPIs of one gemeente's KCC and vakafdelingen, from Prometheus. */
import { dashboard } from './dashboard.ts';
import { count, fromZero, percent, ratioSeries, targetSteps, thresholds } from './field-config.ts';
import type { Dashboard } from './model.ts';
import { ratioAgainstTarget, stat, timeseries, type PanelSpec } from './panels.ts';
import { section } from './layout.ts';
import {
  ANSWERED,
  OFFERED,
  TRANSFERRED_ON,
  chosenGemeente,
  chosenQueues,
  endToEnd,
  firstLineResolution,
  kcc,
  legResult,
  meanWait,
  net,
  netPerMinute,
  overall,
  perQueue,
  period,
  rateInterval,
  reachability,
  selector,
  serviceLevel,
  slidingWindow,
  target,
  transferSuccess,
  vakafdeling,
  waitQuantile,
  withQueueName,
} from './promql.ts';
import { gemeenteVariable, queueVariable, windowVariable } from './variables.ts';

const chosen = [chosenGemeente, chosenQueues];
const kccLegs = [...chosen, kcc];
const vakafdelingLegs = [...chosen, vakafdeling];
const answered = [...chosen, 'outcome="answered"'];
const abandoned = [...chosen, 'outcome="abandoned"'];

/** The KCC's KPIs; red below the default streefcijfer of 90%. */
const kccStats = (): PanelSpec[] => [
  stat({
    title: 'Bereikbaarheid KCC',
    description:
      'Beantwoord / aangeboden over de gekozen periode. Rood onder 90% (het standaard streefcijfer van het KCC; het streefcijfer van dit jaar staat in de grafiek hieronder).',
    w: 3,
    h: 4,
    expr: reachability(kccLegs, overall, period),
    field: percent(targetSteps(0.9)),
  }),
  stat({
    title: 'Servicelevel KCC',
    description: 'Binnen 25 seconden beantwoord / aangeboden (de norm van het kwaliteitshandvest).',
    w: 3,
    h: 4,
    expr: serviceLevel(kccLegs, overall, period),
    field: percent(),
    color: 'value',
  }),
  stat({
    title: 'Eerstelijnsoplossing KCC',
    description: '(Beantwoord - doorverbonden) / beantwoord: het deel dat het KCC zelf afhandelde.',
    w: 3,
    h: 4,
    expr: firstLineResolution(kccLegs, overall, period),
    field: percent(),
    color: 'value',
  }),
];

/** The vakafdelingen together; red below a vakafdeling's default streefcijfer of 80%. */
const vakafdelingStats = (): PanelSpec[] => [
  stat({
    title: 'Bereikbaarheid vakafdelingen',
    description:
      'Beantwoord / aangeboden van alle gekozen vakafdelingen samen. Rood onder 80% (het standaard streefcijfer van een vakafdeling).',
    w: 3,
    h: 4,
    expr: reachability(vakafdelingLegs, overall, period),
    field: percent(targetSteps(0.8)),
  }),
  stat({
    title: 'Servicelevel vakafdelingen',
    description: 'Binnen 25 seconden beantwoord / aangeboden, alle gekozen vakafdelingen samen.',
    w: 3,
    h: 4,
    expr: serviceLevel(vakafdelingLegs, overall, period),
    field: percent(),
    color: 'value',
  }),
  stat({
    title: 'Doorverbinding aangenomen',
    description:
      'Van de gesprekken die naar een gekozen vakafdeling werden doorverbonden: beantwoord / aangeboden (transfer success).',
    w: 3,
    h: 4,
    expr: transferSuccess(vakafdelingLegs, overall, period),
    field: percent(),
    color: 'value',
  }),
];

/** What the caller experienced, across queues, and the volume behind the percentages. */
const callStats = (): PanelSpec[] => [
  stat({
    title: 'Bereikbaarheid eind-tot-eind',
    description:
      'Gesprekken waarvan de laatste aangeboden wachtrij beantwoordde / gesprekken met een aangeboden wachtrij: kreeg de beller uiteindelijk iemand te spreken? Geldt voor de hele gemeente.',
    w: 3,
    h: 4,
    expr: endToEnd([chosenGemeente], overall, period),
    field: percent(),
    color: 'value',
  }),
  stat({
    title: 'Aangeboden aan het KCC',
    description: 'Gesprekken die binnen openingstijd bij het KCC binnenkwamen, min kort opgehangen (< 5 s).',
    w: 3,
    h: 4,
    expr: net('bereik_legs', [...kccLegs, legResult(OFFERED)], overall, period),
    field: count(),
    color: 'value',
  }),
];

/** Per queue over the sliding window, with this year's streefcijfer as a dashed line (query B). */
const reachabilityOverTime = (): PanelSpec[] => [
  ratioAgainstTarget({
    title: 'Bereikbaarheid KCC in de tijd',
    description:
      'Beantwoord / aangeboden over het venster voor elk punt. Gestippeld: het streefcijfer van dit jaar; de stippellijn over de hele breedte is 90%. Geen lijn = niets aangeboden.',
    w: 12,
    h: 9,
    ratio: withQueueName(reachability(kccLegs, perQueue, slidingWindow)),
    target: target(kccLegs, 'reachability'),
    steps: targetSteps(0.9),
  }),
  ratioAgainstTarget({
    title: 'Bereikbaarheid vakafdelingen in de tijd',
    description:
      'Beantwoord / aangeboden per vakafdeling over het venster. Gestippeld: de streefcijfers van dit jaar; de stippellijn over de hele breedte is 80%.',
    w: 12,
    h: 9,
    ratio: withQueueName(reachability(vakafdelingLegs, perQueue, slidingWindow)),
    target: target(vakafdelingLegs, 'reachability'),
    steps: targetSteps(0.8),
  }),
];

const serviceOverTime = (): PanelSpec[] => [
  timeseries({
    title: 'Servicelevel per wachtrij',
    description: 'Binnen 25 seconden beantwoord / aangeboden, per wachtrij, over het venster.',
    w: 12,
    h: 8,
    queries: [
      { expr: withQueueName(serviceLevel(chosen, perQueue, slidingWindow)), legend: '{{queue_name}}' },
    ],
    field: ratioSeries(),
  }),
  timeseries({
    title: 'Eind-tot-eind bereikbaarheid en eerstelijnsoplossing KCC',
    description:
      'Eind-tot-eind: gesprekken waarvan de laatste aangeboden wachtrij beantwoordde / gesprekken met een aangeboden wachtrij (hele gemeente). Eerstelijnsoplossing: deel van de door het KCC beantwoorde gesprekken dat niet werd doorverbonden.',
    w: 12,
    h: 8,
    queries: [
      { expr: endToEnd([chosenGemeente], overall, slidingWindow), legend: 'Eind-tot-eind bereikbaarheid' },
      { expr: firstLineResolution(kccLegs, overall, slidingWindow), legend: 'Eerstelijnsoplossing KCC' },
    ],
    field: ratioSeries(),
  }),
];

/** Net legs per minute of the chosen queues with these results (and other matchers). */
const legsPerMinute = (...matchers: string[]) =>
  netPerMinute('bereik_legs', [...chosen, ...matchers], overall, rateInterval);

const traffic = (): PanelSpec[] => [
  timeseries({
    title: 'Gesprekken per minuut',
    description:
      'Aangeboden, beantwoord, opgehangen (na 5 s of langer), time-out (maximale wachttijd bereikt) en doorverbonden, per minuut, samen voor de gekozen wachtrijen. Buiten openingstijd telt niet als aangeboden.',
    w: 12,
    h: 9,
    queries: [
      { expr: legsPerMinute(legResult(OFFERED)), legend: 'Aangeboden' },
      { expr: legsPerMinute(legResult(ANSWERED)), legend: 'Beantwoord' },
      { expr: legsPerMinute('result="abandoned"'), legend: 'Opgehangen' },
      { expr: legsPerMinute('result="timed_out"'), legend: 'Time-out' },
      { expr: legsPerMinute(legResult(ANSWERED), `transfer=~"${TRANSFERRED_ON}"`), legend: 'Doorverbonden' },
      { expr: legsPerMinute('result="out_of_hours"'), legend: 'Buiten openingstijd' },
    ],
    field: fromZero('cpm'),
  }),
  timeseries({
    title: 'Aangeboden per wachtrij per minuut',
    description: 'Aangeboden gesprekken per minuut, per wachtrij.',
    w: 12,
    h: 9,
    queries: [
      {
        expr: withQueueName(
          netPerMinute('bereik_legs', [...chosen, legResult(OFFERED)], perQueue, rateInterval),
        ),
        legend: '{{queue_name}}',
      },
    ],
    field: fromZero('cpm'),
  }),
];

/** Percentiles are estimated from the histogram's buckets (5 s steps up to 30 s, then wider). */
const waitPercentiles = (): PanelSpec[] => [
  timeseries({
    title: 'Wachttijd tot beantwoorden',
    description:
      'Mediaan (p50), p90 en p95 van de wachttijd van beantwoorde gesprekken over het venster, samen voor de gekozen wachtrijen (geschat uit histogramklassen van 5, 10, 15, 20, 25, 30, 45, 60 ... s).',
    w: 12,
    h: 8,
    queries: [
      { expr: waitQuantile(0.5, answered, overall, slidingWindow), legend: 'Mediaan' },
      { expr: waitQuantile(0.9, answered, overall, slidingWindow), legend: 'p90' },
      { expr: waitQuantile(0.95, answered, overall, slidingWindow), legend: 'p95' },
    ],
    field: fromZero('s'),
  }),
  timeseries({
    title: 'Wachttijd tot ophangen',
    description:
      'Mediaan en p90 van de wachttijd van bellers die ophingen (na 5 s of langer), over het venster.',
    w: 12,
    h: 8,
    queries: [
      { expr: waitQuantile(0.5, abandoned, overall, slidingWindow), legend: 'Mediaan' },
      { expr: waitQuantile(0.9, abandoned, overall, slidingWindow), legend: 'p90' },
    ],
    field: fromZero('s'),
  }),
];

const waitPerQueue = (): PanelSpec[] => [
  timeseries({
    title: 'Gemiddelde wachttijd (ASA) per wachtrij',
    description:
      'Gemiddelde wachttijd van beantwoorde gesprekken (average speed of answer) per wachtrij, over het venster.',
    w: 12,
    h: 8,
    queries: [{ expr: withQueueName(meanWait(answered, perQueue, slidingWindow)), legend: '{{queue_name}}' }],
    field: fromZero('s'),
  }),
  timeseries({
    title: 'Wachttijd p90 per wachtrij',
    description: '90% van de beantwoorde gesprekken wachtte korter dan dit, per wachtrij, over het venster.',
    w: 12,
    h: 8,
    queries: [
      {
        expr: withQueueName(waitQuantile(0.9, answered, perQueue, slidingWindow)),
        legend: '{{queue_name}}',
      },
    ],
    field: fromZero('s'),
  }),
];

/** One tile per queue: open or closed by its opening hours, holidays and closing days. */
const queuesOpen = (): PanelSpec =>
  stat({
    title: 'Wachtrij open',
    description:
      'Of de wachtrij nu open is volgens openingstijden, feestdagen en sluitingsdagen van de gemeente.',
    w: 24,
    h: 4,
    expr: withQueueName(`max by (gemeente, queue) (bereik_queue_open${selector(chosen)})`),
    legend: '{{queue_name}}',
    field: {
      unit: 'none',
      thresholds: thresholds([
        ['text', null],
        ['green', 1],
      ]),
      mappings: [
        { type: 'value', options: { '0': { text: 'Gesloten', color: 'text', index: 0 } } },
        { type: 'value', options: { '1': { text: 'Open', color: 'green', index: 1 } } },
      ],
    },
    textMode: 'value_and_name',
  });

export function live(): Dashboard {
  return dashboard({
    uid: 'bereik-live',
    title: 'Bereikbaarheid live',
    description:
      'Bereikbaarheid, servicelevel, verkeer en wachttijd van het KCC en de vakafdelingen van één gemeente, live uit Prometheus.',
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    variables: [
      gemeenteVariable,
      queueVariable,
      windowVariable(
        ['15m', '30m', '1h', '4h'],
        '30m',
        'Het voortschrijdende venster van de grafieken: elk punt is het percentage over dit venster ervoor.',
      ),
    ],
    items: [
      ...section('Over de gekozen periode', [...kccStats(), ...vakafdelingStats(), ...callStats()]),
      ...section('Bereikbaarheid en servicelevel (voortschrijdend venster)', [
        ...reachabilityOverTime(),
        ...serviceOverTime(),
      ]),
      ...section('Verkeer', traffic()),
      ...section('Wachttijd', [...waitPercentiles(), ...waitPerQueue()]),
      ...section('Nu', [queuesOpen()]),
    ],
  });
}
