/**
 * `bereik report`: the yearly report (jaarverslag telefonie) of one gemeente, or of each, from
 * ClickHouse to a self-contained HTML file and, with --pdf, a PDF printed by headless Chromium
 * (installed by the stack's Debian packages when missing).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { localDateOf } from '../domain/amsterdam-time.ts';
import { loadCliConfig } from './local-defaults.ts';

interface ReportOptions {
  config?: string;
  year: number;
  gemeente?: string;
  compareYears: number;
  out?: string;
  pdf?: string;
}

/** A report year: four digits, 2000-2100. */
export function parseYear(value: string): number {
  const y = Number(value);
  if (!/^\d{4}$/.test(value.trim()) || y < 2000 || y > 2100)
    throw new InvalidArgumentError(`"${value}" is not a year: give four digits, e.g. 2025.`);
  return y;
}

/** How many years the KPI table compares: 1 to 10. */
export function parseCompareYears(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 10)
    throw new InvalidArgumentError(`"${value}" is not a number of years: give a whole number from 1 to 10.`);
  return n;
}

/** A CBS gemeente code, GM and four digits. */
export function parseGemeenteCode(value: string): string {
  if (!/^GM\d{4}$/.test(value))
    throw new InvalidArgumentError(`"${value}" is not a gemeente code: give its CBS code, e.g. GM0307.`);
  return value;
}

/** `verslag.html` for one gemeente; `verslag-GM0307.html` when the report covers several. */
export function outputFile(file: string, gemeente: string, several: boolean): string {
  if (!several) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${gemeente}${ext}`;
}

export function registerReportCommand(program: Command): void {
  const lastYear = Number(localDateOf(Date.now()).slice(0, 4)) - 1;
  program
    .command('report')
    .description(
      'write the yearly report (jaarverslag telefonie) of a gemeente from ClickHouse: the KPI table against the streefcijfers, charts per month, definitions; HTML, and PDF with --pdf',
    )
    .option('-c, --config <file>', 'configuration file (default: BEREIK_CONFIG or deploy/config/bereik.yaml)')
    .option('--year <yyyy>', 'the report year (last year when left out)', parseYear, lastYear)
    .option(
      '--gemeente <code>',
      'only this gemeente, e.g. GM0307 (default: every gemeente in the database)',
      parseGemeenteCode,
    )
    .option(
      '--compare-years <n>',
      'years in the KPI table, ending with the report year (1-10)',
      parseCompareYears,
      5,
    )
    .option('--out <file>', 'the HTML file (default: verslag-<year>.html)')
    .option('--pdf <file>', 'also print the report to this PDF file')
    .action(async (options: ReportOptions) => {
      const config = loadCliConfig(options.config);
      // Loaded here: `bereik --help` need not load ClickHouse's client or the chart library.
      const [{ createClickHouseClient }, { readGemeenteReport, reportableGemeenten }, { renderReportHtml }] =
        await Promise.all([
          import('../sinks/clickhouse/client.ts'),
          import('../report/read-report.ts'),
          import('../report/html/render-html.ts'),
        ]);
      const client = createClickHouseClient(config.connections.clickhouse);
      const run = async (query: string) =>
        (await client.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>();
      try {
        const gemeenten =
          options.gemeente === undefined
            ? (await reportableGemeenten(run, config.clickhouse.database)).map((g) => g.code)
            : [options.gemeente];
        if (gemeenten.length === 0)
          throw new InvalidArgumentError(
            `database ${config.clickhouse.database} has no gemeenten yet: run \`bereik run\` with the configuration first.`,
          );
        const several = gemeenten.length > 1;
        const htmlFile = options.out ?? `verslag-${options.year}.html`;
        const executablePath = options.pdf === undefined ? undefined : await chromium();
        for (const gemeente of gemeenten) {
          const report = await readGemeenteReport(run, {
            database: config.clickhouse.database,
            gemeente,
            year: options.year,
            compareYears: options.compareYears,
            norm: config.norm,
            nowMs: Date.now(),
          });
          const html = renderReportHtml(report);
          const out = outputFile(htmlFile, gemeente, several);
          mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
          writeFileSync(out, html);
          console.log(`${gemeente} ${report.gemeente.name} ${options.year}: ${out}`);
          if (options.pdf !== undefined && executablePath !== undefined) {
            const { printPdf } = await import('../report/print-pdf.ts');
            const pdf = outputFile(options.pdf, gemeente, several);
            mkdirSync(path.dirname(path.resolve(pdf)), { recursive: true });
            await printPdf(html, { executablePath, outFile: pdf });
            console.log(`${gemeente} ${report.gemeente.name} ${options.year}: ${pdf}`);
          }
        }
      } finally {
        await client.close();
      }
    });
}

async function chromium(): Promise<string> {
  const { ensureChromium } = await import('../stack/chromium.ts');
  return ensureChromium();
}
