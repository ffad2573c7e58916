/**
 * Section 1 of the report, "Kerncijfers": one row per KPI and queue with the realisatie of every
 * compared year, the report year's streefcijfer and whether it was met. In: the report. Out: the
 * <section> as HTML; a figure of a running year is marked (lopend), its verdict (voorlopig).
 */
import { escapeMarkup as esc } from './charts.ts';
import { DASH, fractionText, percentText } from './format-nl.ts';
import { figureOf, KPI_LABELS } from './kpi-figures.ts';
import { attrs, LOPEND } from './markup.ts';
import type { GemeenteReport, KpiFigure, KpiTableRow } from '../model.ts';

/** The KPI's Dutch name; the norm only where it is not the report's own (named under the title). */
function kpiLabel(row: KpiTableRow, reportNorm: string): string {
  const hints = [
    ...(row.direction === 'lower' ? ['lager is beter'] : []),
    ...(row.normId === null || row.normId === reportNorm ? [] : [`norm ${esc(row.normId)}`]),
  ];
  return KPI_LABELS[row.kpi] + hints.map((h) => ` <span class="hint">(${h})</span>`).join('');
}

function queueLabel(row: KpiTableRow): string {
  return esc(row.queueName) + (row.scope === 'gemeente' ? ' <span class="hint">(hele gemeente)</span>' : '');
}

function realisatieCell(row: KpiTableRow, year: number): string {
  const f = figureOf(row, year);
  const a = attrs({
    'data-kpi': row.kpi,
    'data-queue': row.queue,
    'data-year': year,
    'data-numerator': f?.numerator ?? null,
    'data-denominator': f?.denominator ?? null,
    'data-complete': f?.complete ?? null,
  });
  const text = f === null ? DASH : percentText(f.numerator, f.denominator);
  const lopend = f !== null && !f.complete ? ` ${LOPEND}` : '';
  // Each year against its own streefcijfer: a mark drawn by the CSS (not part of the figure's text).
  const met = f?.gehaald ?? null;
  if (met === null) return `<td class="num"${a}>${text}${lopend}</td>`;
  const title = `streefcijfer ${year} ${fractionText(f?.streefcijfer ?? null)}: ${met ? '' : 'niet '}gehaald`;
  return `<td class="num jaar-${met ? 'ja' : 'nee'}" title="${title}"${a}>${text}${lopend}</td>`;
}

function gehaaldCell(row: KpiTableRow, f: KpiFigure | null): string {
  const gehaald = f?.gehaald ?? null;
  const a = attrs({ 'data-kpi': row.kpi, 'data-queue': row.queue, 'data-gehaald': gehaald });
  if (gehaald === null) return `<td class="num"${a}>${DASH}</td>`;
  const voorlopig = f !== null && !f.complete ? ' <span class="lopend">(voorlopig)</span>' : '';
  return `<td class="num gehaald-${gehaald ? 'ja' : 'nee'}"${a}>${gehaald ? 'ja' : 'nee'}${voorlopig}</td>`;
}

function kpiRow(row: KpiTableRow, report: GemeenteReport): string {
  const current = figureOf(row, report.year);
  const target = current?.streefcijfer ?? null;
  const targetAttrs = attrs({ 'data-kpi': row.kpi, 'data-queue': row.queue, 'data-streefcijfer': target });
  return (
    `<tr><th scope="row">${kpiLabel(row, report.norm.id)}</th><td>${queueLabel(row)}</td>` +
    report.years.map((year) => realisatieCell(row, year)).join('') +
    `<td class="num"${targetAttrs}>${fractionText(target)}</td>${gehaaldCell(row, current)}</tr>`
  );
}

/** KPI rows on the first page (below the title) and on each following page. */
const KPI_ROWS_FIRST_PAGE = 26;
const KPI_ROWS_PER_PAGE = 36;

/** Section 1 as pages: the KPI table, continued on a next page when there are many queues. */
export function kpiPages(report: GemeenteReport): string[] {
  const years = report.years.map((y) => `<th scope="col">${y}</th>`).join('');
  const head =
    `<tr><th scope="col">KPI</th><th scope="col" class="text">Wachtrij</th>${years}` +
    `<th scope="col">Streefcijfer ${report.year}</th><th scope="col">Gehaald</th></tr>`;
  const rows = report.kpiTable.map((row) => kpiRow(row, report));
  const chunks = [rows.slice(0, KPI_ROWS_FIRST_PAGE)];
  for (let i = KPI_ROWS_FIRST_PAGE; i < rows.length; i += KPI_ROWS_PER_PAGE)
    chunks.push(rows.slice(i, i + KPI_ROWS_PER_PAGE));
  const hint =
    `<p class="hint">Realisatie in procenten, afgerond op één decimaal. ${DASH} = geen waarde (niets om door te delen, ` +
    `of geen streefcijfer). ✓ / ✗ = het streefcijfer van dat jaar gehaald / niet gehaald. (lopend) = de periode is ` +
    `nog niet afgelopen; het cijfer kan nog veranderen.</p>`;
  return chunks.map(
    (chunk, i) =>
      (i === 0 ? `<h2>1. Kerncijfers</h2>\n` : '') +
      `<table class="kpi">\n<caption>Realisatie per jaar en streefcijfer ${report.year}${i === 0 ? '' : ' (vervolg)'}</caption>\n` +
      `<thead>${head}</thead>\n<tbody>\n${chunk.join('\n')}\n</tbody>\n</table>` +
      (i === chunks.length - 1 ? `\n${hint}` : ''),
  );
}
