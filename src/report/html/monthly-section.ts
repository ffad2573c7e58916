/**
 * Section 3 of the report, "Maandcijfers": the figures behind the charts, the tables of every
 * queue and then the gemeente-wide tables. In: the report. Out: its printed pages as HTML.
 */
import { gemeenteTables } from './gemeente-tables.ts';
import type { GemeenteReport } from '../model.ts';
import { queueTables } from './queue-tables.ts';

/** Section 3 as pages: one per queue, then one for the gemeente as a whole. */
export function monthlyPages(report: GemeenteReport): string[] {
  const intro =
    `<h2>3. Maandcijfers</h2>\n` +
    `<p>De cijfers achter de grafieken. Elk gesprek telt per wachtrij in de maand waarin het die wachtrij binnenkwam.</p>\n`;
  const pages = [...report.queues.map((q) => queueTables(report, q)), gemeenteTables(report)];
  return pages.map((page, i) => (i === 0 ? intro + page : page));
}
