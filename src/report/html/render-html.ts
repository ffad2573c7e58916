/**
 * The yearly report of one gemeente (jaarverslag telefonie) as one self-contained, print-ready
 * HTML page in Dutch. In: a GemeenteReport. Out: the HTML text, with the charts as inline SVG
 * (rendered here, on the server), no script and no external resource, so it can be mailed,
 * archived or printed to PDF as it is.
 *
 * This module holds the page's head (title, print CSS) and title block and puts the printed pages
 * in order: the KPI table (kpi-section.ts), the charts (chart-section.ts), the monthly tables
 * (monthly-section.ts) and the definitions (appendix.ts). Every printed figure carries its counts
 * in data- attributes (markup.ts); numbers are printed in Dutch (format-nl.ts).
 */
import { appendixSection } from './appendix.ts';
import { chartPages } from './chart-section.ts';
import { escapeMarkup as esc } from './charts.ts';
import { dateTimeText } from './format-nl.ts';
import { kpiPages } from './kpi-section.ts';
import type { GemeenteReport } from '../model.ts';
import { monthlyPages } from './monthly-section.ts';

const CSS = `
@page { size: A4 portrait; margin: 16mm 15mm 18mm; }
* { box-sizing: border-box; }
html { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; line-height: 1.35; color: #1a1a1a; }
body { margin: 0 auto; max-width: 180mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 14pt; margin: 0 0 4mm; border-bottom: 1.5pt solid #1a1a1a; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 6mm 0 2mm; }
h2, h3 { break-after: avoid; page-break-after: avoid; }
.page { break-before: page; page-break-before: always; }
.page:first-of-type { break-before: auto; page-break-before: auto; }
.meta { color: #444; margin: 0 0 4mm; }
.notice { border: 1.5pt solid #b4262b; background: #fdf1f1; padding: 2mm 3mm; margin: 0 0 5mm; }
.hint { color: #555; font-size: 8pt; }
.lopend { color: #b4262b; font-size: 8pt; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; margin: 0 0 5mm; font-variant-numeric: tabular-nums; }
table.figures { font-size: 8.5pt; }
caption { text-align: left; font-weight: bold; padding: 0 0 1.5mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { padding: 1mm 1.5mm; border-bottom: 0.5pt solid #bbb; vertical-align: top; }
thead th { border-bottom: 1pt solid #1a1a1a; text-align: right; vertical-align: bottom; }
thead th:first-child, thead th.text { text-align: left; }
tbody th { text-align: left; font-weight: normal; }
td.num { text-align: right; white-space: nowrap; }
tr.total th, tr.total td { font-weight: bold; border-top: 1pt solid #1a1a1a; }
.gehaald-ja { color: #1d6b2f; }
.gehaald-nee { color: #b4262b; }
td.jaar-ja::after { content: " \\2713"; color: #1d6b2f; }
td.jaar-nee::after { content: " \\2717"; color: #b4262b; }
.table-block { break-inside: avoid; page-break-inside: avoid; }
figure.chart { margin: 0 0 6mm; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 9pt; color: #333; margin-top: 1mm; }
dl.definitions dt { font-weight: bold; margin-top: 3mm; }
dl.definitions dd { margin: 0.5mm 0 0 0; }
@media print { body { max-width: none; padding: 0; } }
`;

function reportTitle(report: GemeenteReport): string {
  return `Jaarverslag telefonie ${report.year} — ${report.gemeente.name} (${report.gemeente.code})`;
}

function titleBlock(report: GemeenteReport): string {
  const notice = report.yearComplete
    ? ''
    : `<p class="notice" role="note"><strong>Let op:</strong> ${report.year} is nog niet afgelopen. ` +
      `Alle cijfers van ${report.year} zijn voorlopig en kunnen nog veranderen.</p>\n`;
  return (
    `<header>\n<h1>${esc(reportTitle(report))}</h1>\n` +
    `<p class="meta">Gemaakt op <time datetime="${esc(report.generatedAt)}">${esc(dateTimeText(report.generatedAt))}</time> ` +
    `(Nederlandse tijd). Norm: <code>${esc(report.norm.id)}</code>.</p>\n${notice}</header>`
  );
}

/**
 * The report's A4 pages, each one `div.page` that starts a new printed page and fits on it, so
 * the PDF has exactly as many pages as the document has page elements. The first page of each
 * part carries the part's id (kerncijfers, grafieken, maandcijfers, definities) as a link target.
 */
function printedPages(report: GemeenteReport): string[] {
  const parts: [string, string[]][] = [
    ['kerncijfers', kpiPages(report).map((page, i) => (i === 0 ? `${titleBlock(report)}\n${page}` : page))],
    ['grafieken', chartPages(report)],
    ['maandcijfers', monthlyPages(report)],
    ['definities', [appendixSection(report)]],
  ];
  return parts.flatMap(([id, pages]) =>
    pages.map((page, i) => `<div class="page"${i === 0 ? ` id="${id}"` : ''}>\n${page}\n</div>`),
  );
}

/** The report as one self-contained HTML document (Dutch, A4 print layout, inline SVG charts). */
export function renderReportHtml(report: GemeenteReport): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="nl">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(reportTitle(report))}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...printedPages(report),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
