/**
 * The KPIs as the report names them, and look-ups in the report's KPI table. In: a KPI table row
 * or the report with a KPI and queue. Out: the Dutch label, a year's figure or the report year's
 * streefcijfer (null when there is none).
 */
import type { ReportKpi } from '../../domain/index.ts';
import type { GemeenteReport, KpiFigure, KpiTableRow } from '../model.ts';

export const KPI_LABELS: Readonly<Record<ReportKpi, string>> = {
  reachability: 'Bereikbaarheid',
  serviceLevel: 'Servicelevel',
  firstLineResolution: 'Eerstelijnsafhandeling KCC',
  callbacksOnTime: 'Terugbelverzoeken op tijd',
  endToEndReachability: 'Bereikbaarheid van begin tot eind',
  repeatRate: 'Herhaalbellers',
  satisfaction: 'Tevredenheid (score 4-5)',
};

/** The figure of a KPI row in `year`; null when the row has none. */
export function figureOf(row: KpiTableRow, year: number): KpiFigure | null {
  return row.years.find((y) => y.year === year)?.figure ?? null;
}

/** The report year's streefcijfer of a KPI row (queue null = gemeente-wide), null when none. */
export function reportYearTarget(
  report: GemeenteReport,
  kpi: ReportKpi,
  queue: string | null,
): number | null {
  const row = report.kpiTable.find((r) => r.kpi === kpi && r.queue === queue);
  return row === undefined ? null : (figureOf(row, report.year)?.streefcijfer ?? null);
}
