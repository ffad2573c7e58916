/**
 * The gemeente-wide monthly figures as tables: calls end to end and repeat callers, satisfaction
 * and callbacks. In: the report. Out: the gemeente's heading and tables as HTML.
 */
import { escapeMarkup as esc } from './charts.ts';
import { countCell, ratioCell } from './markup.ts';
import type { GemeenteMonth, GemeenteReport } from '../model.ts';
import { monthRowsWithTotal, monthTable, sumFields, type Column } from './month-table.ts';

type GemeenteCounts = Omit<GemeenteMonth, 'month'>;

const GEMEENTE_FIELDS = [
  'callsWithOfferedLeg',
  'callsLastOfferedAnswered',
  'calls',
  'repeatCalls',
  'surveyAnswers',
  'surveySatisfied',
  'callbacksDue',
  'callbacksJudged',
  'callbacksOnTime',
] as const satisfies readonly (keyof GemeenteCounts)[];

function countColumn(header: string, field: (typeof GEMEENTE_FIELDS)[number]): Column<GemeenteCounts> {
  return { header, cell: (s, m) => countCell(s, field, m[field]) };
}

const CALL_COLUMNS: readonly Column<GemeenteCounts>[] = [
  countColumn('Gesprekken met aangeboden leg', 'callsWithOfferedLeg'),
  countColumn('Laatste leg beantwoord', 'callsLastOfferedAnswered'),
  {
    header: 'Bereikbaarheid van begin tot eind',
    cell: (s, m) => ratioCell(s, 'endToEndReachability', m.callsLastOfferedAnswered, m.callsWithOfferedLeg),
  },
  countColumn('Gesprekken (zonder anoniem)', 'calls'),
  countColumn('Herhaalbellers', 'repeatCalls'),
  {
    header: 'Herhaalpercentage',
    cell: (s, m) => ratioCell(s, 'repeatRate', m.repeatCalls, m.calls),
  },
];

const SURVEY_CALLBACK_COLUMNS: readonly Column<GemeenteCounts>[] = [
  countColumn('Antwoorden tevredenheid', 'surveyAnswers'),
  countColumn('Score 4-5', 'surveySatisfied'),
  {
    header: 'Tevredenheid',
    cell: (s, m) => ratioCell(s, 'satisfaction', m.surveySatisfied, m.surveyAnswers),
  },
  countColumn('Terugbelverzoeken met termijn in de maand', 'callbacksDue'),
  countColumn('Beoordeeld', 'callbacksJudged'),
  countColumn('Op tijd', 'callbacksOnTime'),
  {
    header: 'Op tijd (%)',
    cell: (s, m) => ratioCell(s, 'callbacksOnTimeRate', m.callbacksOnTime, m.callbacksJudged),
  },
];

export function gemeenteTables(report: GemeenteReport): string {
  const rows = monthRowsWithTotal(
    report,
    { 'data-scope': 'gemeente' },
    report.months,
    sumFields(report.months, GEMEENTE_FIELDS),
  );
  const name = esc(report.gemeente.name);
  return (
    `<h3>Gemeente ${name} <span class="hint">(alle wachtrijen)</span></h3>\n` +
    `<div class="table-block">${monthTable(`Gemeente ${name}: gesprekken en herhaalbellers`, CALL_COLUMNS, rows)}</div>\n` +
    `<div class="table-block">${monthTable(`Gemeente ${name}: tevredenheid en terugbelverzoeken`, SURVEY_CALLBACK_COLUMNS, rows)}</div>`
  );
}
