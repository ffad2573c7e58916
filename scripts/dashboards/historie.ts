/**
 * Historie: day, week, month and year figures from ClickHouse, the system figures are published
 * from, and the realisation against the streefcijfer per year.
 */
import { dashboard } from './dashboard.ts';
import { percentColumn, targetSteps, timeseriesDefaults, ratioSeries, fromZero } from './field-config.ts';
import type { Dashboard } from './model.ts';
import { barChart, sqlTimeseries, type PanelSpec } from './panels.ts';
import { section } from './layout.ts';
import {
  fromDay,
  inRange,
  localMidnight,
  queueFilter,
  queueNames,
  queueOrGemeenteFilter,
  toDay,
} from './sql.ts';
import { sqlTable } from './tables.ts';
import { clickhouseGemeenteVariable, clickhouseQueueVariable } from './variables.ts';

const asaColumn = { field: 'asa', name: 'gemiddelde_wachttijd', unit: 's', decimals: 0 };

const reachabilityPerDay = `SELECT ${localMidnight('day')} AS time, queue_name, reachability
FROM bereikbaarheid_per_dag
${queueNames}
WHERE ${queueFilter} AND ${inRange('day')}
ORDER BY time, queue_name`;

const trafficPerDay = `SELECT ${localMidnight('day')} AS time, sum(offered) AS aangeboden, sum(answered) AS beantwoord,
       sum(answered_within_sl) AS binnen_servicelevel, sum(abandoned) AS opgehangen
FROM bereikbaarheid_per_dag
WHERE ${queueFilter} AND ${inRange('day')}
GROUP BY time
ORDER BY time`;

const gemeentePerDay = `SELECT ${localMidnight('day')} AS time, end_to_end_reachability AS eind_tot_eind,
       repeat_rate AS herhaalbellers, satisfaction AS tevredenheid
FROM gemeente_per_dag
WHERE gemeente = '$gemeente' AND ${inRange('day')}
ORDER BY time`;

const callbacksPerDay = `SELECT ${localMidnight('day')} AS time, sum(requested) AS aangevraagd, sum(completed) AS afgehandeld,
       sum(completed_reached) AS bereikt
FROM terugbelverzoeken_per_dag
WHERE ${queueFilter} AND ${inRange('day')}
GROUP BY time
ORDER BY time`;

/** The hour as `09:00`, so the bars sort and read as times of day. */
const reachabilityPerHour = `SELECT concat(if(toHour(local_hour) < 10, '0', ''), toString(toHour(local_hour)), ':00') AS uur,
       sum(offered) AS aangeboden, sum(answered) AS beantwoord,
       if(aangeboden = 0, NULL, beantwoord / aangeboden) AS bereikbaarheid
FROM bereikbaarheid_per_uur
WHERE ${queueFilter} AND ${inRange('day')}
GROUP BY uur
ORDER BY uur`;

const reachabilityAndTraffic = (): PanelSpec[] => [
  sqlTimeseries({
    title: 'Bereikbaarheid per dag',
    description: 'Beantwoord / aangeboden per wachtrij per (Nederlandse) dag. Geen punt = niets aangeboden.',
    w: 12,
    h: 9,
    sql: reachabilityPerDay,
    // One series per queue: name it by its label rather than the value column.
    field: timeseriesDefaults('percentunit', {
      min: 0,
      max: 1,
      decimals: 1,
      displayName: '${__field.labels.queue_name}',
    }),
  }),
  sqlTimeseries({
    title: 'Aangeboden en beantwoord per dag',
    description:
      'Aangeboden, beantwoord, binnen 25 s beantwoord en opgehangen, samen voor de gekozen wachtrijen.',
    w: 12,
    h: 9,
    sql: trafficPerDay,
    // Bars: a day's total is one number, not a trend between days.
    field: timeseriesDefaults('short', {
      min: 0,
      custom: {
        drawStyle: 'bars',
        fillOpacity: 60,
        lineWidth: 1,
        showPoints: 'never',
        spanNulls: false,
        thresholdsStyle: { mode: 'off' },
      },
    }),
  }),
];

const gemeenteAndCallbacks = (): PanelSpec[] => [
  sqlTimeseries({
    title: 'Gemeente per dag: eind-tot-eind, herhaalbellers, tevredenheid',
    description:
      'Eind-tot-eind bereikbaarheid (de beller kreeg uiteindelijk iemand te spreken), het deel herhaalbellers (belde dezelfde gemeente in de 7 dagen ervoor) en tevredenheid (score 4 of 5), per dag, voor de hele gemeente.',
    w: 12,
    h: 9,
    sql: gemeentePerDay,
    field: ratioSeries(),
  }),
  sqlTimeseries({
    title: 'Terugbelverzoeken per dag',
    description: 'Aangevraagd (op de dag van de aanvraag) en afgehandeld (op de dag van afhandeling).',
    w: 12,
    h: 9,
    sql: callbacksPerDay,
    field: fromZero('short'),
  }),
];

/** Bars for the percentage only; the counts behind it show in the tooltip. */
const perHourOfDay = (): PanelSpec =>
  barChart({
    title: 'Bereikbaarheid per uur van de dag',
    description:
      'Beantwoord / aangeboden per (Nederlands) uur van de dag over de gekozen periode, samen voor de gekozen wachtrijen: wanneer zakt de bereikbaarheid in?',
    w: 24,
    h: 8,
    sql: reachabilityPerHour,
    xField: 'uur',
    field: { unit: 'percentunit', min: 0, max: 1, decimals: 1, color: { mode: 'palette-classic' } },
    overrides: ['aangeboden', 'beantwoord'].map((name) => ({
      matcher: { id: 'byName', options: name },
      properties: [
        { id: 'unit', value: 'short' },
        { id: 'decimals', value: 0 },
        { id: 'custom.hideFrom', value: { viz: true, legend: true, tooltip: false } },
      ],
    })),
  });

const weeks = (): PanelSpec =>
  sqlTable({
    title: 'Per week',
    description:
      'Per ISO-week (maandag t/m zondag, Nederlandse tijd) en wachtrij. Percentages zijn berekend uit de opgetelde aantallen, niet gemiddeld.',
    w: 24,
    h: 10,
    sql: `SELECT week_start AS maandag, concat(toString(iso_year), '-W', if(iso_week < 10, '0', ''), toString(iso_week)) AS week,
       queue_name AS wachtrij, offered AS aangeboden, answered AS beantwoord, abandoned AS opgehangen,
       reachability AS bereikbaarheid, service_level AS servicelevel, asa_seconds AS gemiddelde_wachttijd
FROM bereikbaarheid_per_week
${queueNames}
WHERE ${queueFilter} AND week_start >= toMonday(${fromDay}) AND week_start <= ${toDay}
ORDER BY maandag DESC, wachtrij`,
    columns: [percentColumn('bereikbaarheid'), percentColumn('servicelevel'), asaColumn],
  });

const monthsAndYears = (): PanelSpec[] => [
  sqlTable({
    title: 'Per maand',
    description: 'Per kalendermaand (Nederlandse tijd) en wachtrij.',
    w: 12,
    h: 10,
    sql: `SELECT month AS maand, queue_name AS wachtrij, offered AS aangeboden, answered AS beantwoord,
       reachability AS bereikbaarheid, service_level AS servicelevel, asa_seconds AS gemiddelde_wachttijd,
       first_line_resolution AS eerstelijnsoplossing, transfer_success AS doorverbinding_aangenomen
FROM bereikbaarheid_per_maand
${queueNames}
WHERE ${queueFilter} AND month >= toStartOfMonth(${fromDay}) AND month <= ${toDay}
ORDER BY maand DESC, wachtrij`,
    columns: [
      percentColumn('bereikbaarheid'),
      percentColumn('servicelevel'),
      percentColumn('eerstelijnsoplossing'),
      percentColumn('doorverbinding_aangenomen'),
      asaColumn,
    ],
  }),
  sqlTable({
    title: 'Per jaar',
    description: 'Per kalenderjaar (Nederlandse tijd) en wachtrij.',
    w: 12,
    h: 10,
    sql: `SELECT year AS jaar, queue_name AS wachtrij, offered AS aangeboden, answered AS beantwoord,
       reachability AS bereikbaarheid, service_level AS servicelevel, asa_seconds AS gemiddelde_wachttijd
FROM bereikbaarheid_per_jaar
${queueNames}
WHERE ${queueFilter} AND year >= toYear(${fromDay}) AND year <= toYear(${toDay})
ORDER BY jaar DESC, wachtrij`,
    columns: [percentColumn('bereikbaarheid'), percentColumn('servicelevel'), asaColumn],
  }),
];

const gemeentePerMonth = (): PanelSpec =>
  sqlTable({
    title: 'Gemeente per maand',
    description:
      'Eind-tot-eind bereikbaarheid, herhaalbellers en tevredenheid per maand, voor de hele gemeente, met de aantallen erachter.',
    w: 24,
    h: 8,
    sql: `SELECT month AS maand, calls_with_offered_leg AS gesprekken_aangeboden,
       end_to_end_reachability AS eind_tot_eind, calls AS gesprekken, repeat_rate AS herhaalbellers,
       survey_answers AS enquetes, satisfaction AS tevredenheid
FROM gemeente_per_maand
WHERE gemeente = '$gemeente' AND month >= toStartOfMonth(${fromDay}) AND month <= ${toDay}
ORDER BY maand DESC`,
    columns: [percentColumn('eind_tot_eind'), percentColumn('herhaalbellers'), percentColumn('tevredenheid')],
  });

/** The annual report's KPI table: all years, whatever the time range. */
const realisation = (): PanelSpec =>
  sqlTable({
    title: 'Realisatie tegen streefcijfer per jaar',
    description:
      'De KPI-tabel van het jaarverslag (view kpi_per_jaar), alle jaren, voor de gekozen wachtrijen en de hele gemeente: bereikbaarheid en servicelevel per jaar waarin de gesprekken binnenkwamen, terugbellen op tijd per jaar van de vervaldatum (nog open verzoeken tellen pas mee na hun vervaldatum). Gehaald: 1 = ja, 0 = nee, leeg = onbekend; bij herhaalbellers is lager beter. Onafhankelijk van de gekozen periode.',
    w: 24,
    h: 10,
    sql: `SELECT year AS jaar, queue_name AS wachtrij, metric AS kpi, realisatie, streefcijfer, gehaald,
       numerator AS teller, denominator AS noemer, norm_id AS norm, complete AS compleet
FROM kpi_per_jaar
WHERE ${queueOrGemeenteFilter}
ORDER BY jaar DESC, kpi, kind, wachtrij`,
    columns: [
      { field: 'realisatie', name: 'realisatie', unit: 'percentunit', decimals: 1 },
      { field: 'streefcijfer', name: 'streefcijfer', unit: 'percentunit', decimals: 0 },
      // Green when met (1), red when missed (0).
      { field: 'gehaald', name: 'gehaald', unit: 'none', decimals: 0, steps: targetSteps(1) },
    ],
  });

const callbacksPerMonth = (): PanelSpec =>
  sqlTable({
    title: 'Terugbellen op tijd per maand',
    description:
      'Per maand van de vervaldatum (einde van de 2e werkdag na de aanvraag): verzoeken die toen vervielen, op tijd, te laat en niet afgehandeld. Niet afgehandeld telt als niet op tijd zodra de vervaldatum voorbij is; daarvoor is het nog open en telt het niet mee. Streefcijfer 95%.',
    w: 24,
    h: 9,
    sql: `SELECT month AS maand, queue_name AS wachtrij, due AS vervallen, completed_on_time AS op_tijd,
       completed_late AS te_laat, not_completed AS niet_afgehandeld, still_open AS nog_open, on_time_rate AS op_tijd_percentage
FROM terugbellen_op_tijd_per_maand
${queueNames}
WHERE ${queueFilter} AND month >= toStartOfMonth(${fromDay}) AND month <= ${toDay}
ORDER BY maand DESC, wachtrij`,
    columns: [
      {
        field: 'on_time_rate',
        name: 'op_tijd_percentage',
        unit: 'percentunit',
        decimals: 1,
        steps: targetSteps(0.95),
      },
    ],
  });

export function historie(): Dashboard {
  return dashboard({
    uid: 'bereik-historie',
    title: 'Historie',
    description:
      'Dag-, week-, maand- en jaarcijfers uit ClickHouse, het systeem waaruit gepubliceerd wordt, met de realisatie tegen het streefcijfer per jaar.',
    time: { from: 'now-90d', to: 'now' },
    refresh: '',
    variables: [clickhouseGemeenteVariable, clickhouseQueueVariable],
    items: [
      ...section('Per dag', [...reachabilityAndTraffic(), ...gemeenteAndCallbacks(), perHourOfDay()]),
      ...section('Per week, maand en jaar', [weeks(), ...monthsAndYears(), gemeentePerMonth()]),
      ...section('Realisatie tegen streefcijfer', [realisation(), callbacksPerMonth()]),
    ],
  });
}
