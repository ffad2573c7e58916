/**
 * The table shape of the monthly figures: one row per month of the report year plus a year-total
 * row, one column per figure. In: the report, the rows' scope, the months and their year total,
 * and the columns. Out: the rows, and the table as HTML with "Maand" as its row header column.
 */
import { escapeMarkup as esc } from './charts.ts';
import { localMonthOf, monthName } from './format-nl.ts';
import { LOPEND, type Attrs } from './markup.ts';
import type { GemeenteReport } from '../model.ts';

export interface Column<T> {
  readonly header: string;
  readonly cell: (scope: Attrs, row: T) => string;
}

interface TableRow<T> {
  readonly label: string;
  readonly scope: Attrs;
  readonly data: T;
  readonly total?: boolean;
}

/** The field-by-field sum of counters (the year total of months). */
export function sumFields<K extends string>(
  items: readonly Readonly<Record<K, number>>[],
  fields: readonly K[],
) {
  return Object.fromEntries(fields.map((k) => [k, items.reduce((s, i) => s + i[k], 0)])) as Record<K, number>;
}

/** The month rows plus a year-total row; the running month is marked (lopend). */
export function monthRowsWithTotal<T extends { readonly month: string }, C>(
  report: GemeenteReport,
  scope: Attrs,
  months: readonly T[],
  total: C,
): TableRow<T | C>[] {
  const running = report.yearComplete ? null : localMonthOf(report.generatedAt);
  const monthRows = months.map((m) => ({
    label: esc(monthName(m.month)) + (m.month === running ? ` ${LOPEND}` : ''),
    scope: { ...scope, 'data-month': m.month },
    data: m,
  }));
  const totalLabel = `Totaal ${report.year}${report.yearComplete ? '' : ` ${LOPEND}`}`;
  return [
    ...monthRows,
    { label: totalLabel, scope: { ...scope, 'data-year': report.year }, data: total, total: true },
  ];
}

/** A table with one row header column ("Maand") and `columns`; headers and captions are markup. */
export function monthTable<T>(
  caption: string,
  columns: readonly Column<T>[],
  rows: readonly TableRow<T>[],
): string {
  const head = ['Maand', ...columns.map((c) => c.header)].map((h) => `<th scope="col">${h}</th>`).join('');
  const body = rows
    .map((r) => {
      const cells = columns.map((c) => c.cell(r.scope, r.data));
      return `<tr${r.total === true ? ' class="total"' : ''}><th scope="row">${r.label}</th>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<table class="figures">\n<caption>${caption}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
