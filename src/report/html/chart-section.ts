/**
 * Section 2 of the report, "Verloop per maand": the chart groups drawn as numbered figures with
 * their captions. In: the report. Out: the printed pages of the section as HTML, with the charts as
 * inline SVG; a group without charts (the transfers, when there is no vakafdeling) is left out.
 */
import type { FigureSpec } from './chart-spec.ts';
import { escapeMarkup as esc } from './charts.ts';
import { gemeenteFigures } from './gemeente-charts.ts';
import { attrs } from './markup.ts';
import type { GemeenteReport } from '../model.ts';
import { reachabilityFigures, transferFigures, waitFigures } from './queue-charts.ts';

function figureHtml(spec: FigureSpec, index: number): string {
  const svg = spec.draw({ title: spec.title, idPrefix: `chart${index + 1}`, categories: spec.categories });
  return (
    `<figure class="chart"${attrs({ 'data-chart': spec.id })}>\n${svg}\n` +
    `<figcaption><strong>Figuur ${index + 1}.</strong> ${esc(spec.title)}. ${esc(spec.note)}</figcaption>\n</figure>`
  );
}

/** Figures per printed page: two charts fill an A4 page with their captions. */
const FIGURES_PER_PAGE = 2;

/** Section 2 as pages of at most two figures, each group's heading above its first figure. */
export function chartPages(report: GemeenteReport): string[] {
  const groups = [reachabilityFigures, waitFigures, gemeenteFigures, transferFigures]
    .map((f) => f(report))
    .filter((g) => g.figures.length > 0);
  const blocks = groups.flatMap((g) =>
    g.figures.map((spec, i) => ({ spec, heading: i === 0 ? `<h3>${esc(g.heading)}</h3>\n` : '' })),
  );
  const pages: string[] = [];
  for (let i = 0; i < blocks.length; i += FIGURES_PER_PAGE) {
    const title = i === 0 ? '<h2>2. Verloop per maand</h2>\n' : '';
    const figures = blocks
      .slice(i, i + FIGURES_PER_PAGE)
      .map((b, j) => b.heading + figureHtml(b.spec, i + j));
    pages.push(title + figures.join('\n'));
  }
  return pages;
}
