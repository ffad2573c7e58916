/**
 * The charts of the report's queues: reachability and the offered and answered calls, the waits
 * (a histogram per queue, the ASA and the service level) and the transfers into each vakafdeling.
 * In: the report. Out: the chart groups, not yet drawn, with the queues' streefcijfers as target
 * lines.
 */
import {
  averageSpeedOfAnswerSeconds,
  reachability,
  serviceLevel,
  transferSuccess,
} from '../../domain/index.ts';
import { perMonth, monthLabels, type FigureGroup, type FigureSpec } from './chart-spec.ts';
import {
  countsWithRatioChart,
  groupedBarChart,
  histogramChart,
  ratioLineChart,
  secondsLineChart,
  type TargetLine,
} from './charts.ts';
import { bucketLabel, compactPercent, monthsOf, plainNumber } from './format-nl.ts';
import { reportYearTarget } from './kpi-figures.ts';
import type { GemeenteReport, QueueMonth, QueueYear } from '../model.ts';

/**
 * Target lines for per-queue targets, one per distinct value: "Streefcijfer KCC 90%" when every KCC
 * queue has it, "vakafdelingen" when every vakafdeling has it, else the queues by name.
 */
function queueTargetLines(entries: readonly { queue: QueueYear; target: number | null }[]): TargetLine[] {
  const values = [...new Set(entries.flatMap((e) => (e.target === null ? [] : [e.target])))];
  return values.map((value) => {
    const names = (['kcc', 'vakafdeling'] as const).flatMap((kind) => {
      const ofKind = entries.filter((e) => e.queue.kind === kind && e.target !== null);
      const here = ofKind.filter((e) => e.target === value);
      if (here.length === 0) return [];
      if (here.length === ofKind.length && (kind === 'kcc' || here.length > 1)) {
        return [kind === 'kcc' ? 'KCC' : 'vakafdelingen'];
      }
      return here.map((e) => e.queue.queueName);
    });
    return { label: `Streefcijfer ${names.join(', ')} ${compactPercent(value)}`, value };
  });
}

function queueRatioFigure(
  report: GemeenteReport,
  id: string,
  title: string,
  note: string,
  value: (m: QueueMonth) => number | null,
  targets: readonly TargetLine[],
): FigureSpec {
  const series = report.queues.map((q) => ({ name: q.queueName, values: perMonth(report, q.months, value) }));
  return {
    id,
    title,
    note,
    categories: monthLabels(report),
    draw: (f) => ratioLineChart(f, series, targets),
  };
}

export function reachabilityFigures(report: GemeenteReport): FigureGroup {
  const targets = queueTargetLines(report.queues.map((q) => ({ queue: q, target: q.reachabilityTarget })));
  const sum = (field: 'offered' | 'answered') =>
    monthsOf(report.year).map((month) =>
      report.queues.reduce((s, q) => s + (q.months.find((m) => m.month === month)?.[field] ?? 0), 0),
    );
  const series = [
    { name: 'Aangeboden', values: sum('offered') },
    { name: 'Beantwoord', values: sum('answered') },
  ];
  return {
    heading: 'Bereikbaarheid en aanbod',
    figures: [
      queueRatioFigure(
        report,
        'reachability',
        'Bereikbaarheid per maand, per wachtrij',
        'Beantwoord gedeeld door aangeboden; de stippellijnen zijn de streefcijfers.',
        (m) => reachability(m),
        targets,
      ),
      {
        id: 'offered-answered',
        title: 'Aangeboden en beantwoorde gesprekken per maand, alle wachtrijen samen',
        note: 'Een doorverbonden gesprek telt in elke wachtrij die het bereikte.',
        categories: monthLabels(report),
        draw: (f) => groupedBarChart(f, series),
      },
    ],
  };
}

export function waitFigures(report: GemeenteReport): FigureGroup {
  const sl = plainNumber(report.norm.serviceLevelWithinSeconds);
  const slTargets = queueTargetLines(
    report.queues.map((q) => ({ queue: q, target: reportYearTarget(report, 'serviceLevel', q.queue) })),
  );
  const histograms = report.queues.map<FigureSpec>((q) => ({
    id: `wait-${q.queue}`,
    title: `Wachttijd van beantwoorde gesprekken in ${report.year}, ${q.queueName}`,
    note: 'Elke staaf telt de wachttijden boven de vorige grens tot en met de genoemde grens.',
    categories: q.waitBuckets.map((_, i) => bucketLabel(q.waitBuckets, i)),
    draw: (f) => histogramChart(f, { name: 'Beantwoord', values: q.waitBuckets.map((b) => b.answered) }),
  }));
  const asaSeries = report.queues.map((q) => ({
    name: q.queueName,
    values: perMonth(report, q.months, (m) => averageSpeedOfAnswerSeconds(m)),
  }));
  return {
    heading: 'Wachttijd en servicelevel',
    figures: [
      ...histograms,
      {
        id: 'asa',
        title: 'Gemiddelde wachttijd tot beantwoorden (ASA) per maand, per wachtrij',
        note: 'In seconden, over de beantwoorde gesprekken.',
        categories: monthLabels(report),
        draw: (f) => secondsLineChart(f, asaSeries),
      },
      queueRatioFigure(
        report,
        'service-level',
        `Servicelevel per maand, per wachtrij (binnen ${sl} s beantwoord)`,
        `Binnen ${sl} s beantwoord gedeeld door aangeboden.`,
        (m) => serviceLevel(m),
        slTargets,
      ),
    ],
  };
}

export function transferFigures(report: GemeenteReport): FigureGroup {
  const figures = report.queues
    .filter((q) => q.kind === 'vakafdeling')
    .map<FigureSpec>((q) => {
      const counts = {
        name: 'Doorverbonden',
        values: perMonth(report, q.months, (m) => m.offeredFromTransfer),
      };
      const success = {
        name: 'Beantwoord na doorverbinden',
        values: perMonth(report, q.months, transferSuccess),
      };
      return {
        id: `transfers-${q.queue}`,
        title: `Doorverbonden naar ${q.queueName} per maand, en het deel daarvan dat werd beantwoord`,
        note: 'Staven: doorverbonden gesprekken (linker as); lijn: beantwoord na doorverbinden (rechter as).',
        categories: monthLabels(report),
        draw: (f) => countsWithRatioChart(f, counts, success),
      };
    });
  return { heading: 'Doorverbinden vanuit het KCC', figures };
}
