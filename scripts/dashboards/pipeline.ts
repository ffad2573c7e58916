/** Pipeline: the health of bereik itself, for whoever runs it (docs/dashboards.md explains each panel). */
import { dashboard } from './dashboard.ts';
import {
  anyIsBad,
  count,
  countSeries,
  fromZero,
  neutral,
  thresholds,
  warnSteps,
  whole,
} from './field-config.ts';
import type { Dashboard } from './model.ts';
import { barGauge, stat, timeseries, type PanelSpec } from './panels.ts';
import { section } from './layout.ts';
import { histogramQuantile, orZero, overall, rateInterval } from './promql.ts';

const quantile = (q: number, metric: string, by: string) =>
  histogramQuantile(q, metric, [], by, rateInterval);

/** Whether bereik keeps up: backlog and the age of the last commit. */
const progressStats = (): PanelSpec[] => [
  stat({
    title: 'Achterstand (consumer lag)',
    description:
      'Berichten in Kafka die bereik nog niet gelezen heeft, alle partities samen. Groeit dit, dan loopt bereik achter.',
    w: 4,
    h: 4,
    expr: 'sum(bereik_consumer_lag_messages)',
    field: count(warnSteps(1000, 10000)),
  }),
  stat({
    title: 'Laatste commit',
    description:
      'Seconden sinds bereik voor het laatst offsets committe (alles tot daar staat in ClickHouse). Oranje na 1 minuut, rood na 5 minuten: bereik staat stil.',
    w: 4,
    h: 4,
    expr: 'time() - max(bereik_last_commit_timestamp_seconds)',
    field: whole('s', warnSteps(60, 300)),
  }),
  stat({
    title: 'Open gesprekken',
    description:
      'Gesprekken die nog niet definitief zijn (lopend of binnen de toegestane vertraging van 5 minuten).',
    w: 4,
    h: 4,
    expr: 'sum(bereik_open_calls)',
    field: count(),
    color: 'value',
  }),
];

/** What went wrong in the period, and how far the event time has come. */
const faultStats = (): PanelSpec[] => [
  stat({
    title: 'Dead letters',
    description:
      'Berichten die bereik in de gekozen periode naar het dead-letter-topic stuurde (onleesbaar of ongeldig).',
    w: 4,
    h: 4,
    expr: 'sum(increase(bereik_dead_letters_total[$__range]))',
    field: count(warnSteps(1)),
  }),
  stat({
    title: 'Schrijffouten',
    description:
      'Mislukte schrijfpogingen naar ClickHouse of Kafka in de gekozen periode (bereik probeert opnieuw).',
    w: 4,
    h: 4,
    expr: orZero('sum(increase(bereik_sink_errors_total[$__range]))'),
    field: count(anyIsBad),
  }),
  stat({
    title: 'Event-tijd (watermark)',
    description: 'Het tijdstip van de laatste gebeurtenis die bereik van de centrale zag (event-tijd).',
    w: 4,
    h: 4,
    // Grafana's date units take milliseconds.
    expr: 'max(bereik_watermark_seconds) * 1000',
    field: { unit: 'dateTimeAsIso', thresholds: thresholds(neutral) },
    color: 'none',
  }),
];

const throughput = (): PanelSpec[] => [
  timeseries({
    title: 'Events per seconde',
    description:
      'Gelezen berichten per seconde, naar wat ermee gebeurde: accepted (verwerkt), duplicate (dubbel), dead_lettered, orphan (bij een gesprek dat niet meer in het geheugen is), redelivered.',
    w: 12,
    h: 8,
    queries: [{ expr: `sum by (result) (rate(bereik_events_total[${rateInterval}]))`, legend: '{{result}}' }],
    field: fromZero('cps'),
  }),
  timeseries({
    title: 'Consumer lag per partitie',
    description: 'Berichten per Kafka-partitie die bereik nog niet gelezen heeft.',
    w: 12,
    h: 8,
    queries: [
      {
        expr: 'sum by (topic, partition) (bereik_consumer_lag_messages)',
        legend: '{{topic}} / {{partition}}',
      },
    ],
    field: countSeries(),
  }),
];

const deadLetters = (): PanelSpec[] => [
  timeseries({
    title: 'Dead letters per reden',
    description: 'Berichten per minuut naar het dead-letter-topic, per reden.',
    w: 12,
    h: 8,
    queries: [
      {
        expr: `sum by (reason) (rate(bereik_dead_letters_total[${rateInterval}])) * 60`,
        legend: '{{reason}}',
      },
    ],
    field: fromZero('cpm'),
  }),
  barGauge({
    title: 'Dead letters per reden over de periode',
    description: 'Aantal dead letters per reden in de gekozen periode.',
    w: 12,
    h: 8,
    queries: [
      { expr: 'sum by (reason) (increase(bereik_dead_letters_total[$__range]))', legend: '{{reason}}' },
    ],
    field: { unit: 'short', decimals: 0, min: 0, thresholds: thresholds(warnSteps(1)) },
  }),
];

const writesAndErrors = (): PanelSpec[] => [
  timeseries({
    title: 'Schrijftijd per batch',
    description:
      'Mediaan, p95 en p99 van de tijd om één batch weg te schrijven, per sink (clickhouse, dead_letters).',
    w: 12,
    h: 8,
    queries: [
      { expr: quantile(0.5, 'bereik_sink_write_seconds', 'sink'), legend: 'Mediaan {{sink}}' },
      { expr: quantile(0.95, 'bereik_sink_write_seconds', 'sink'), legend: 'p95 {{sink}}' },
      { expr: quantile(0.99, 'bereik_sink_write_seconds', 'sink'), legend: 'p99 {{sink}}' },
    ],
    field: fromZero('s'),
  }),
  timeseries({
    title: 'Fouten en herhaalpogingen',
    description:
      'Per minuut: mislukte schrijfpogingen per sink (0 als er geen zijn), herhaalde Schema Registry-opvragingen, en legs zonder QUEUE_ENTERED (nog niet geteld).',
    w: 12,
    h: 8,
    queries: [
      {
        expr: orZero(`sum by (sink) (rate(bereik_sink_errors_total[${rateInterval}])) * 60`),
        legend: 'Schrijffouten {{sink}}',
      },
      {
        expr: `sum(rate(bereik_schema_registry_retries_total[${rateInterval}])) * 60`,
        legend: 'Schema Registry opnieuw',
      },
      { expr: `sum(rate(bereik_incomplete_legs_total[${rateInterval}])) * 60`, legend: 'Onvolledige legs' },
    ],
    field: fromZero('cpm'),
  }),
];

const lateness = (): PanelSpec[] => [
  timeseries({
    title: 'Correcties en late gebeurtenissen',
    description:
      'Per minuut: herberekende feiten na een late gebeurtenis (call) of een later binnengekomen eerder gesprek (repeat), en gebeurtenissen voor gesprekken die niet meer in het geheugen zijn (opgelost via ClickHouse). 0 als er geen zijn.',
    w: 12,
    h: 8,
    queries: [
      {
        expr: orZero(`sum by (kind) (rate(bereik_corrections_total[${rateInterval}])) * 60`),
        legend: 'Correctie {{kind}}',
      },
      {
        expr: orZero(`sum by (kind) (rate(bereik_orphan_events_total[${rateInterval}])) * 60`),
        legend: 'Wees {{kind}}',
      },
    ],
    field: fromZero('cpm'),
  }),
  timeseries({
    title: 'Vertraging tot tellen en opslaan',
    description:
      'p95 van de tijd van de laatste gebeurtenis van een gesprek in Kafka tot de cijfers in Prometheus geteld zijn en in ClickHouse staan. Inclusief de toegestane vertraging (standaard 5 minuten) die een gesprek wacht.',
    w: 12,
    h: 8,
    queries: [
      { expr: quantile(0.95, 'bereik_event_to_metric_seconds', overall), legend: 'Prometheus p95' },
      { expr: quantile(0.95, 'bereik_event_to_row_seconds', overall), legend: 'ClickHouse p95' },
    ],
    field: fromZero('s'),
  }),
];

const memoryAndCommits = (): PanelSpec[] => [
  timeseries({
    title: 'Gesprekken en terugbelverzoeken in het geheugen',
    description:
      'Open gesprekken (nog niet definitief), alle gesprekken in het geheugen (ook definitieve, voor correcties), terugbelverzoeken in het geheugen, en rijen die wachten op de volgende schrijfronde.',
    w: 12,
    h: 8,
    queries: [
      { expr: 'sum(bereik_open_calls)', legend: 'Open gesprekken' },
      { expr: 'sum(bereik_calls_in_memory)', legend: 'Gesprekken in geheugen' },
      { expr: 'sum(bereik_callbacks_in_memory)', legend: 'Terugbelverzoeken in geheugen' },
      { expr: 'sum(bereik_pending_rows)', legend: 'Wachtende rijen' },
    ],
    field: countSeries(),
  }),
  timeseries({
    title: 'Leeftijd laatste commit per partitie',
    description:
      'Seconden sinds de laatste commit, per partitie. Een partitie zonder nieuwe berichten commit niet en veroudert vanzelf; zorgwekkend is een partitie die veroudert terwijl haar achterstand groeit.',
    w: 12,
    h: 8,
    queries: [
      {
        expr: 'time() - max by (partition) (bereik_last_commit_timestamp_seconds)',
        legend: 'partitie {{partition}}',
      },
    ],
    field: fromZero('s'),
  }),
];

export function pipeline(): Dashboard {
  return dashboard({
    uid: 'bereik-pipeline',
    title: 'Pipeline',
    description:
      'De gezondheid van de bereik-verwerking: doorvoer, achterstand, dead letters, schrijftijd en fouten, open gesprekken en de leeftijd van de laatste commit.',
    time: { from: 'now-3h', to: 'now' },
    refresh: '30s',
    variables: [],
    items: [
      ...section('Nu', [...progressStats(), ...faultStats()]),
      ...section('Doorvoer en achterstand', [...throughput(), ...deadLetters()]),
      ...section('Schrijven en fouten', [...writesAndErrors(), ...lateness()]),
      ...section('Geheugen en commits', memoryAndCommits()),
    ],
  });
}
