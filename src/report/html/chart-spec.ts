/**
 * What a chart of the report is before it is drawn, and the month series the charts share. In:
 * the report and a month-keyed list with a value per item. Out: one value per month of the report
 * year (null for a missing month) or the short month names for the x axis.
 */
import type { ChartFrame } from './charts.ts';
import { monthName, monthsOf } from './format-nl.ts';
import type { GemeenteReport } from '../model.ts';

/** One chart: its page id (data-chart), caption, x-axis categories and how to draw it. */
export interface FigureSpec {
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly categories: readonly string[];
  readonly draw: (frame: ChartFrame) => string;
}

/** Charts printed together under one heading. */
export interface FigureGroup {
  readonly heading: string;
  readonly figures: readonly FigureSpec[];
}

/** One value per month of the report year from `items` (matched by month); null for a missing month. */
export function perMonth<T extends { readonly month: string }>(
  report: GemeenteReport,
  items: readonly T[],
  value: (item: T) => number | null,
): (number | null)[] {
  return monthsOf(report.year).map((month) => {
    const item = items.find((i) => i.month === month);
    return item === undefined ? null : value(item);
  });
}

export function monthLabels(report: GemeenteReport): string[] {
  return monthsOf(report.year).map((m) => monthName(m, true));
}
