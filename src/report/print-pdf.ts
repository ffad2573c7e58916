/**
 * The yearly report from HTML to PDF in a real headless Chromium (puppeteer-core), and the same
 * browser as a checker: console errors, script errors, network requests and the SVG marks each
 * chart drew. The report is one self-contained document: any request to the network (an image,
 * a font, a stylesheet by URL) is blocked, and printing refuses such a document, naming the URL.
 *
 * The browser comes from outside (the stack installs Debian's chromium, src/stack/chromium.ts):
 * this folder may not import src/stack, so callers pass `executablePath`. Every call starts its
 * own browser and closes it, also on failure.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { BereikError } from '../errors.ts';

const run = promisify(execFile);

/** Chromium start, page load and printing on a slow two-core machine stay well below this. */
const browserTimeoutMs = 120_000;

/** One A4 page (210 × 297 mm) in CSS pixels at 96 dpi. */
export const a4Viewport = { width: 794, height: 1123 } as const;

/** Flags for running as root in a container: no sandbox, no /dev/shm (often 64 MB), no GPU. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--font-render-hinting=none',
];

/** URLs that never leave the browser; every other request is blocked. */
const localSchemes = ['data:', 'about:', 'blob:'];

/** Printing the report failed: a request to the network, or the browser itself. */
export class ReportPrintError extends BereikError {
  readonly code = 'REPORT_PRINT_FAILED';
  /** The URLs the document tried to load (empty when the browser failed). */
  readonly blockedRequests: readonly string[];

  constructor(message: string, options: { blockedRequests?: readonly string[]; cause?: unknown } = {}) {
    super(message, { canRetry: false, cause: options.cause });
    this.name = 'ReportPrintError';
    this.blockedRequests = options.blockedRequests ?? [];
  }
}

/** What a document did in the browser (see inspectHtml). */
export interface HtmlInspection {
  /** Texts of console messages of type error (including the browser's own, e.g. a failed load). */
  consoleErrors: string[];
  /** Uncaught exceptions of the page's scripts. */
  pageErrors: string[];
  /** URLs the document tried to load from the network, in order (all were blocked). */
  blockedRequests: string[];
  /** Per `figure[data-chart]`, by its data-chart value: the SVG shapes it draws (see countMarksScript). */
  svgMarks: Record<string, number>;
  /**
   * Every table cell that carries data- attributes, as the browser parsed it: its data- values
   * (without the prefix, as the DOM's dataset names them) and its visible text, so a test can
   * check each printed figure against the numbers behind it.
   */
  cells: { data: Record<string, string>; text: string }[];
}

interface Observed {
  consoleErrors: string[];
  pageErrors: string[];
  blockedRequests: string[];
}

/** Launches Chromium, opens a page that blocks the network and records errors, runs `use`, closes. */
async function withPage<T>(
  executablePath: string,
  use: (page: Page, observed: Observed) => Promise<T>,
): Promise<T> {
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: chromiumArgs,
      timeout: browserTimeoutMs,
      protocolTimeout: browserTimeoutMs,
    });
  } catch (error) {
    throw new ReportPrintError(
      `could not start Chromium (${executablePath}): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(browserTimeoutMs);
    const observed: Observed = { consoleErrors: [], pageErrors: [], blockedRequests: [] };
    page.on('console', (message) => {
      if (message.type() === 'error') observed.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => {
      observed.pageErrors.push(error instanceof Error ? error.message : String(error));
    });
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const url = request.url();
      // The browser may already have dropped the request (page closing): nothing left to decide.
      if (localSchemes.some((scheme) => url.startsWith(scheme))) {
        request.continue().catch(() => undefined);
      } else {
        observed.blockedRequests.push(url);
        request.abort('blockedbyclient').catch(() => undefined);
      }
    });
    return await use(page, observed);
  } finally {
    // A browser that does not close in time is killed; never leave a Chromium behind.
    await browser.close().catch(() => {
      browser.process()?.kill('SIGKILL');
    });
  }
}

/** Loads `html` and waits for the load event and the fonts; then every earlier event has arrived. */
async function load(page: Page, html: string): Promise<void> {
  await page.setContent(html, { waitUntil: 'load', timeout: browserTimeoutMs });
  // A round trip after the load: console and error events of the page's scripts came before it.
  await page.evaluate('document.fonts.ready.then(() => undefined)');
}

/**
 * Prints `html` to `outFile` as an A4 PDF with backgrounds (the document's `@page` size and
 * margins win), creating the folder. Refuses, without writing, a document that requests
 * anything from the network: the error names every URL.
 * @throws ReportPrintError for a network request or when Chromium fails.
 */
export async function printPdf(
  html: string,
  options: { executablePath: string; outFile: string },
): Promise<void> {
  await withPage(options.executablePath, async (page, observed) => {
    await load(page, html);
    if (observed.blockedRequests.length > 0) {
      throw new ReportPrintError(
        `the report must be self-contained, but it requests ${observed.blockedRequests.join(', ')} ` +
          '(embed it as a data: URL or inline it)',
        { blockedRequests: [...observed.blockedRequests] },
      );
    }
    await mkdir(path.dirname(options.outFile), { recursive: true });
    await page.pdf({
      path: options.outFile,
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      timeout: browserTimeoutMs,
    });
  });
}

/**
 * In-page script: per `figure[data-chart]`, the SVG shapes that draw something (path, rect,
 * circle, ellipse, line, polyline, polygon; not text, and not the shapes that only define a clip
 * path, mask, pattern, marker, gradient or symbol). Figures with the same data-chart value add up.
 * A string, not a function: the test runner's transpiler may add helpers a function's source
 * would carry into the page, where they do not exist.
 */
const countMarksScript = `(() => {
  const svg = 'http://www.w3.org/2000/svg';
  const shapes = 'path, rect, circle, ellipse, line, polyline, polygon';
  const definitions = 'defs, clipPath, mask, pattern, marker, symbol, linearGradient, radialGradient, filter';
  const marks = {};
  for (const figure of document.querySelectorAll('figure[data-chart]')) {
    const key = figure.getAttribute('data-chart');
    let drawn = 0;
    for (const shape of figure.querySelectorAll(shapes)) {
      if (shape.namespaceURI === svg && shape.closest(definitions) === null) drawn += 1;
    }
    marks[key] = (marks[key] ?? 0) + drawn;
  }
  return marks;
})()`;

/** The data- attributes and text of every table cell that has data- attributes (see HtmlInspection.cells). */
const readCellsScript = `(() => Array.from(document.querySelectorAll('td, th'))
  .filter((cell) => Object.keys(cell.dataset).length > 0)
  .map((cell) => ({ data: Object.assign({}, cell.dataset), text: cell.textContent.trim() })))()`;

function isCells(value: unknown): value is HtmlInspection['cells'] {
  return (
    Array.isArray(value) &&
    value.every(
      (c: unknown) =>
        typeof c === 'object' && c !== null && 'data' in c && 'text' in c && typeof c.text === 'string',
    )
  );
}

function isCounts(value: unknown): value is Record<string, number> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((count) => typeof count === 'number' && Number.isInteger(count))
  );
}

/**
 * Loads `html` in headless Chromium (print media, one A4 page as the viewport) and reports what
 * a reader's browser would see go wrong, and how many SVG marks each chart drew. With
 * `screenshotFile`, also writes a PNG of the first page (794 × 1123 CSS px), creating the folder.
 * Network requests are blocked and listed, not an error here.
 */
export async function inspectHtml(
  html: string,
  options: { executablePath: string; screenshotFile?: string },
): Promise<HtmlInspection> {
  return withPage(options.executablePath, async (page, observed) => {
    await page.setViewport({ ...a4Viewport, deviceScaleFactor: 1 });
    await page.emulateMediaType('print');
    await load(page, html);
    const svgMarks: unknown = await page.evaluate(countMarksScript);
    if (!isCounts(svgMarks))
      throw new ReportPrintError(`counting SVG marks returned ${JSON.stringify(svgMarks)}`);
    const cells: unknown = await page.evaluate(readCellsScript);
    if (!isCells(cells)) throw new ReportPrintError('reading the table cells returned no list of cells');
    if (options.screenshotFile !== undefined) {
      await mkdir(path.dirname(options.screenshotFile), { recursive: true });
      await page.screenshot({ path: options.screenshotFile, type: 'png', fullPage: false });
    }
    return {
      consoleErrors: [...observed.consoleErrors],
      pageErrors: [...observed.pageErrors],
      blockedRequests: [...observed.blockedRequests],
      svgMarks,
      cells,
    };
  });
}

/** What pdfinfo says about a PDF. */
export interface PdfInfo {
  pages: number;
  /** pdfinfo's "Page size" of the first page, e.g. "595.276 x 841.89 pts (A4)". */
  pageSize: string;
}

/** Runs poppler's `pdfinfo` on `pdfFile`. */
export async function pdfInfo(pdfFile: string, pdfinfoPath = 'pdfinfo'): Promise<PdfInfo> {
  let stdout: string;
  try {
    ({ stdout } = await run(pdfinfoPath, [pdfFile], { encoding: 'utf8', timeout: 60_000 }));
  } catch (error) {
    const e = error as { stderr?: unknown; message?: unknown };
    const said = typeof e.stderr === 'string' && e.stderr.trim() !== '' ? e.stderr.trim() : String(e.message);
    throw new ReportPrintError(`\`${pdfinfoPath} ${pdfFile}\` failed: ${said}`, { cause: error });
  }
  const pages = /^Pages:\s+(\d+)\s*$/m.exec(stdout)?.[1];
  if (pages === undefined)
    throw new ReportPrintError(`pdfinfo printed no "Pages:" line for ${pdfFile}:\n${stdout}`);
  const pageSize = /^Page size:\s+(.+?)\s*$/m.exec(stdout)?.[1] ?? '';
  return { pages: Number(pages), pageSize };
}

/** The number of pages of a PDF, from poppler's `pdfinfo`. */
export async function pdfPageCount(pdfFile: string, pdfinfoPath = 'pdfinfo'): Promise<number> {
  return (await pdfInfo(pdfFile, pdfinfoPath)).pages;
}
