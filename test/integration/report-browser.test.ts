/**
 * The report printer in a real headless Chromium (Debian's chromium, installed by the stack when
 * missing): a small hand-written report of three A4 pages prints to a PDF of exactly three A4
 * pages (poppler's pdfinfo), the browser sees no console or script errors and counts every SVG
 * mark of each chart (not text, not clip-path shapes), and a PNG of the first page lands in
 * .stack/test-reports/report-browser/. A document that reaches for the network is reported and
 * refused by name; a script's console.error and an uncaught exception are reported.
 * Needs no Kafka or ClickHouse; Chromium starts once per test (a few seconds on a slow machine).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  inspectHtml,
  pdfInfo,
  pdfPageCount,
  printPdf,
  ReportPrintError,
} from '../../src/report/print-pdf.ts';
import { ensureChromium, pdfinfoPath } from '../../src/stack/chromium.ts';
import { repoRoot } from '../../src/stack/paths.ts';

/** Where `npm test` keeps its reports (scripts/test.ts); this test's files go into a folder of it. */
const outDir = path.join(repoRoot, '.stack', 'test-reports', 'report-browser');

/** Chromium's first start on a slow two-core CI machine, and the apt install on a fresh one. */
const browserTestMs = 180_000;

/** One chart: 3 bars (rect) and 2 lines (path), 2 labels (text, not counted), and a clip rect (not drawn). */
function chart(title: string): string {
  return `<figure class="chart" data-chart="${title}">
  <svg xmlns="http://www.w3.org/2000/svg" width="300" height="120" viewBox="0 0 300 120" role="img">
    <defs><clipPath id="clip-${title}"><rect x="0" y="0" width="300" height="120"/></clipPath></defs>
    <g clip-path="url(#clip-${title})">
      <rect x="10" y="60" width="40" height="60" fill="#1f77b4"/>
      <rect x="60" y="40" width="40" height="80" fill="#1f77b4"/>
      <rect x="110" y="20" width="40" height="100" fill="#1f77b4"/>
      <path d="M 10 100 L 150 30" stroke="#d62728" fill="none"/>
      <path d="M 10 90 L 150 50" stroke="#2ca02c" fill="none"/>
      <text x="10" y="12">Bereikbaarheid ${title}</text>
      <text x="200" y="12">€ één</text>
    </g>
  </svg>
  <figcaption>Figuur ${title}: gesprekken per maand</figcaption>
</figure>`;
}

/** A self-contained report of exactly three A4 pages; `extra` goes at the end of the body. */
function report(extra = ''): string {
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Jaarverslag telefonie</title>
<style>
  @page { size: A4; margin: 15mm; }
  body { font-family: 'DejaVu Sans', sans-serif; margin: 0; }
  section.page { page-break-after: always; }
  section.page:last-of-type { page-break-after: auto; }
  .banner { background: #003366; color: white; padding: 4mm; }
</style>
</head>
<body>
  <section class="page"><h1 class="banner">Jaarverslag telefonie — gemeente Één</h1>${chart('a')}</section>
  <section class="page"><h2>Wachtrijen</h2>${chart('b')}
    <table><tr><th>KCC</th><td data-kpi="reachability" data-numerator="873" data-denominator="1000"> 87,3% </td><td>geen data</td></tr></table></section>
  <section class="page"><h2>Toelichting</h2><p>Geen cijfers geschat; „–” als de noemer 0 is.</p></section>
  ${extra}
</body>
</html>`;
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('report in headless Chromium', () => {
  let executablePath: string;
  let pdfinfo: string;

  beforeAll(async () => {
    executablePath = await ensureChromium();
    pdfinfo = await pdfinfoPath();
    rmSync(outDir, { recursive: true, force: true });
  });

  it(
    'prints a self-contained report to a PDF of exactly three A4 pages',
    async () => {
      const outFile = path.join(outDir, 'three-pages.pdf');
      await printPdf(report(), { executablePath, outFile });

      expect(readFileSync(outFile).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(await pdfPageCount(outFile, pdfinfo)).toBe(3);
      expect((await pdfInfo(outFile, pdfinfo)).pageSize).toContain('(A4)');
    },
    browserTestMs,
  );

  it(
    'sees no errors, counts the drawn marks of each chart and screenshots the first page',
    async () => {
      const screenshotFile = path.join(outDir, 'first-page.png');
      const inspection = await inspectHtml(report(), { executablePath, screenshotFile });

      expect(inspection).toEqual({
        consoleErrors: [],
        pageErrors: [],
        blockedRequests: [],
        svgMarks: { a: 5, b: 5 },
        // Only the cell with data- attributes, its text trimmed.
        cells: [{ data: { kpi: 'reachability', numerator: '873', denominator: '1000' }, text: '87,3%' }],
      });
      expect(existsSync(screenshotFile)).toBe(true);
      expect(readFileSync(screenshotFile).subarray(0, 8)).toEqual(pngSignature);
    },
    browserTestMs,
  );

  it(
    'reports a request to the network, and refuses to print it, naming the URL',
    async () => {
      const url = 'http://example.invalid/x.png';
      const html = report(`<img src="${url}" alt="logo">`);

      const inspection = await inspectHtml(html, { executablePath });
      expect(inspection.blockedRequests).toEqual([url]);
      expect(inspection.pageErrors).toEqual([]);

      const outFile = path.join(outDir, 'with-network.pdf');
      const refused = printPdf(html, { executablePath, outFile });
      await expect(refused).rejects.toBeInstanceOf(ReportPrintError);
      await expect(refused).rejects.toThrow(url);
      expect(existsSync(outFile)).toBe(false);
    },
    browserTestMs,
  );

  it(
    "reports a script's console.error and an uncaught exception",
    async () => {
      const html = report(
        `<script>console.error('boom')</script><script>throw new Error('kapot in het verslag')</script>`,
      );

      const inspection = await inspectHtml(html, { executablePath });
      expect(inspection.consoleErrors).toEqual(['boom']);
      expect(inspection.pageErrors).toEqual([expect.stringContaining('kapot in het verslag')]);
      expect(inspection.blockedRequests).toEqual([]);
      expect(inspection.svgMarks).toEqual({ a: 5, b: 5 });
    },
    browserTestMs,
  );
});
