/**
 * The gemeente-wide charts of the report: callbacks on time, repeat callers and satisfaction per
 * month. In: the report. Out: the chart group, not yet drawn, with the gemeente's streefcijfers as
 * target lines.
 */
import { callbacksOnTimeRate, repeatRate, satisfaction } from '../../domain/index.ts';
import { perMonth, monthLabels, type FigureGroup, type FigureSpec } from './chart-spec.ts';
import { ratioLineChart, type TargetLine } from './charts.ts';
import { compactPercent } from './format-nl.ts';
import { KPI_LABELS, reportYearTarget } from './kpi-figures.ts';
import type { GemeenteMonth, GemeenteReport } from '../model.ts';

function gemeenteTargetLines(target: number | null, suffix = ''): TargetLine[] {
  return target === null ? [] : [{ label: `Streefcijfer ${compactPercent(target)}${suffix}`, value: target }];
}

function gemeenteRatioFigure(
  report: GemeenteReport,
  id: string,
  title: string,
  note: string,
  series: { name: string; value: (m: GemeenteMonth) => number | null },
  targets: readonly TargetLine[],
): FigureSpec {
  const values = perMonth(report, report.months, series.value);
  return {
    id,
    title,
    note,
    categories: monthLabels(report),
    draw: (f) => ratioLineChart(f, [{ name: series.name, values }], targets),
  };
}

export function gemeenteFigures(report: GemeenteReport): FigureGroup {
  const name = report.gemeente.name;
  return {
    heading: 'Terugbelverzoeken, herhaalbellers en tevredenheid',
    figures: [
      gemeenteRatioFigure(
        report,
        'callbacks-on-time',
        `Terugbelverzoeken op tijd per maand, gemeente ${name}`,
        'Op tijd afgerond gedeeld door beoordeelde verzoeken, in de maand waarin ze moesten zijn afgerond.',
        {
          name: KPI_LABELS.callbacksOnTime,
          value: (m) =>
            callbacksOnTimeRate({ dueInWindow: m.callbacksJudged, completedOnTime: m.callbacksOnTime }),
        },
        gemeenteTargetLines(report.callbacksOnTimeTarget),
      ),
      gemeenteRatioFigure(
        report,
        'repeat-rate',
        `Herhaalbellers per maand, gemeente ${name} (lager is beter)`,
        'Gesprekken van iemand die in de 168 uur ervoor al belde, gedeeld door alle gesprekken.',
        { name: KPI_LABELS.repeatRate, value: (m) => repeatRate(m) },
        gemeenteTargetLines(reportYearTarget(report, 'repeatRate', null), ' (hoogstens)'),
      ),
      gemeenteRatioFigure(
        report,
        'satisfaction',
        `Tevredenheid per maand, gemeente ${name} (score 4 of 5)`,
        'Antwoorden met score 4 of 5 gedeeld door alle antwoorden.',
        {
          name: 'Tevreden',
          value: (m) => satisfaction({ answers: m.surveyAnswers, scores4or5: m.surveySatisfied }),
        },
        gemeenteTargetLines(reportYearTarget(report, 'satisfaction', null)),
      ),
    ],
  };
}
