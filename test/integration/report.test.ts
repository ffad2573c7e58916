/**
 * `bereik report` on a simulated backfill: thirteen months of one gemeente's switch traffic
 * (December 2024 through 2025, every fault) through the whole pipeline into ClickHouse, then the
 * command writes the 2025 report as HTML and PDF. Every figure is compared with the simulator's
 * ground truth: the report's data as read from ClickHouse, and the figures printed in the HTML
 * (read back from the DOM in headless Chromium). The report must open without console errors,
 * draw marks in every chart, and print to the pages its sections ask for; a screenshot of page
 * one goes to .stack/test-reports/report/ for people to look at.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localStackFallbacks } from '../../src/cli/local-defaults.ts';
import { addLegCounts, zeroLegCounts, type LegCounts } from '../../src/domain/kpi.ts';
import { runProcessor, type RunningProcessor } from '../../src/main.ts';
import { inspectHtml, pdfInfo } from '../../src/report/print-pdf.ts';
import { readGemeenteReport } from '../../src/report/read-report.ts';
import { ensureChromium, pdfinfoPath, pdftoppmBinary } from '../../src/stack/chromium.ts';
import type { GemeenteReport } from '../../src/report/model.ts';
import {
  judgedCallbacksByMonth,
  rollupEndToEnd,
  rollupLegs,
  rollupRepeats,
  rollupSatisfaction,
  type GroundTruth,
} from '../../src/simulate/index.ts';
import { EVERY_FAULT } from '../../src/simulate/options.ts';
import { repoRoot } from '../../src/stack/paths.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { clickhouseClient } from '../helpers/clients.ts';
import {
  allCommitted,
  produceTraffic,
  runConfig,
  testHmacKey,
  waitUntilProcessed,
  type RunNames,
} from '../helpers/pipeline-run.ts';

const endpoints = inject('endpoints');
const G = 'GM0307';
const YEAR = 2025;
const months = Array.from({ length: 12 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, '0')}`);

describe('bereik report on a backfilled year', () => {
  let names: RunNames;
  let truth: GroundTruth;
  let processor: RunningProcessor;
  const clickhouse = clickhouseClient(endpoints);
  const outDir = mkdtempSync(path.join(tmpdir(), 'bereik-report-'));

  beforeAll(async () => {
    process.env['BEREIK_HMAC_KEY'] = testHmacKey;
    names = runConfig('report');
    truth = await produceTraffic(endpoints, names, {
      seed: 2025,
      fromMs: Date.parse('2024-12-01T00:00:00+01:00'),
      toMs: Date.parse('2026-01-01T00:00:00+01:00'),
      gemeenten: [G],
      callsPerDay: 30,
      faults: EVERY_FAULT,
    });
    processor = await runProcessor({
      configPath: names.configPath,
      fallbacks: localStackFallbacks,
      log: createLogger('report', 'warn'),
    });
    await waitUntilProcessed(names.httpPort, () => allCommitted(endpoints, names), 600_000);
  }, 900_000);

  afterAll(async () => {
    await processor.stop();
    await clickhouse.close();
  });

  const run = async (query: string) =>
    (await clickhouse.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>();
  const read = (): Promise<GemeenteReport> =>
    readGemeenteReport(run, {
      database: names.database,
      gemeente: G,
      year: YEAR,
      compareYears: 2,
      norm: { id: 'vng-kwaliteitshandvest-25s', shortAbandonBelowSeconds: 5, serviceLevelWithinSeconds: 25 },
      nowMs: Date.now(),
    });

  /** The ground truth's leg counts of one queue (or every queue) in the given local months. */
  const truthLegs = (queue: string | null, inMonths: readonly string[]): LegCounts =>
    sumLegsOf(rollupLegs(truth, 'month'), queue, inMonths);

  it('reads every monthly figure of every queue and of the gemeente exactly as the ground truth', async () => {
    const report = await read();
    expect(report.gemeente).toEqual({ code: G, name: 'Amersfoort' });
    expect(report.yearComplete).toBe(true);
    const queues = truth.gemeenten[G] ?? [];
    expect(report.queues.map((q) => q.queue).sort()).toEqual([...queues].sort());
    for (const q of report.queues) {
      for (const m of q.months) {
        const t = truthLegs(q.queue, [m.month]);
        expect(m, `${q.queue} ${m.month}`).toEqual({
          month: m.month,
          offered: t.offered,
          answered: t.answered,
          answeredWithinSl: t.answeredWithinSl,
          abandoned: t.abandoned,
          timedOut: t.timedOut,
          shortAbandoned: t.shortAbandoned,
          outOfHours: t.outOfHours,
          transferredOut: t.transferredOut,
          offeredFromTransfer: t.offeredFromTransfer,
          answeredFromTransfer: t.answeredFromTransfer,
          answeredWaitMsSum: t.answeredWaitMsSum,
        });
      }
      // The wait histogram holds every answered leg once; up to the norm's 25 s are the ones within service level.
      const year = truthLegs(q.queue, months);
      expect(
        q.waitBuckets.reduce((n, b) => n + b.answered, 0),
        q.queue,
      ).toBe(year.answered);
      const withinSl = q.waitBuckets.filter((b) => b.upToSeconds !== null && b.upToSeconds <= 25);
      expect(
        withinSl.reduce((n, b) => n + b.answered, 0),
        q.queue,
      ).toBe(year.answeredWithinSl);
    }
    const e2e = rollupEndToEnd(truth, 'month');
    const repeats = rollupRepeats(truth, 'month');
    const satisfaction = rollupSatisfaction(truth, 'month');
    const callbacks = judgedCallbacksByMonth(truth, Date.now());
    for (const m of report.months) {
      const cb = Object.entries(callbacks)
        .filter(([key]) => key.startsWith(`${G}|`) && key.endsWith(`|${m.month}`))
        .reduce(
          (s, [, c]) => ({ due: s.due + c.due, judged: s.judged + c.judged, onTime: s.onTime + c.onTime }),
          {
            due: 0,
            judged: 0,
            onTime: 0,
          },
        );
      expect(m, m.month).toEqual({
        month: m.month,
        callsWithOfferedLeg: e2e[`${G}|${m.month}`]?.callsWithOfferedLeg ?? 0,
        callsLastOfferedAnswered: e2e[`${G}|${m.month}`]?.callsLastOfferedLegAnswered ?? 0,
        calls: repeats[`${G}|${m.month}`]?.calls ?? 0,
        repeatCalls: repeats[`${G}|${m.month}`]?.repeatCalls ?? 0,
        surveyAnswers: satisfaction[`${G}|${m.month}`]?.answers ?? 0,
        surveySatisfied: satisfaction[`${G}|${m.month}`]?.scores4or5 ?? 0,
        callbacksDue: cb.due,
        callbacksJudged: cb.judged,
        callbacksOnTime: cb.onTime,
      });
    }
    // A whole year of traffic: every month has calls, and the report is not of empty data.
    expect(report.months.every((m) => m.calls > 100)).toBe(true);
  });

  it('has the KPI table of both years with the ground truth behind every realisatie', async () => {
    const report = await read();
    const expected = expectedKpiTable(truthLegs, truth);
    const actual = report.kpiTable.flatMap((row) =>
      row.years.map(({ year, figure }) => ({
        key: `${row.kpi}|${row.queue ?? ''}|${year}`,
        numerator: figure?.numerator,
        denominator: figure?.denominator,
      })),
    );
    expect(Object.fromEntries(actual.map((a) => [a.key, [a.numerator, a.denominator]]))).toEqual(expected);
    // Streefcijfers of the backfilled years: the defaults (the example's KCC override is for 2026).
    const kcc = report.kpiTable.find((r) => r.kpi === 'reachability' && r.queue === 'kcc');
    expect(kcc?.years.map((y) => y.figure?.streefcijfer)).toEqual([0.9, 0.9]);
    const burgerzaken = report.kpiTable.find((r) => r.kpi === 'reachability' && r.queue === 'burgerzaken');
    expect(burgerzaken?.years.map((y) => y.figure?.streefcijfer)).toEqual([0.8, 0.8]);
  });

  it('names the gemeenten the database has when asked for another, and exits 1', async () => {
    const result = await cli([
      'report',
      '--config',
      names.configPath,
      '--gemeente',
      'GM9999',
      '--out',
      path.join(outDir, 'x.html'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `gemeente GM9999 is not in database ${names.database}: use one of GM0034, GM0307.`,
    );
  }, 120_000);

  it('says so when the configured database holds no bereik tables, and exits 1', async () => {
    const config = path.join(outDir, 'elsewhere.yaml');
    writeFileSync(
      config,
      readFileSync(names.configPath, 'utf8').replace(
        `database: ${names.database}`,
        'database: bereik_never_written',
      ),
    );
    const result = await cli(['report', '--config', config, '--out', path.join(outDir, 'y.html')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('database bereik_never_written holds no bereik tables');
  }, 120_000);

  it('writes the HTML and the PDF with `bereik report`', async () => {
    const html = path.join(outDir, 'verslag.html');
    const pdf = path.join(outDir, 'verslag.pdf');
    const result = await cli([
      'report',
      '--config',
      names.configPath,
      '--year',
      String(YEAR),
      '--gemeente',
      G,
      '--compare-years',
      '2',
      '--out',
      html,
      '--pdf',
      pdf,
    ]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${G} Amersfoort ${YEAR}: ${html}`);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');

    // The HTML as a reader's browser sees it: no errors, marks in every chart, and every figure
    // printed equal to the ground truth (its text as well as the numbers behind it).
    const executablePath = await ensureChromium();
    const screenshotFile = path.join(repoRoot, '.stack', 'test-reports', 'report', 'verslag-2025-screen.png');
    const inspection = await inspectHtml(readFileSync(html, 'utf8'), { executablePath, screenshotFile });
    expect(inspection.consoleErrors).toEqual([]);
    expect(inspection.pageErrors).toEqual([]);
    expect(inspection.blockedRequests).toEqual([]);
    const queues = truth.gemeenten[G] ?? [];
    const vakafdelingen = queues.filter((q) => q !== 'kcc');
    expect(Object.keys(inspection.svgMarks).sort()).toEqual(
      [
        'reachability',
        'offered-answered',
        'asa',
        'service-level',
        'callbacks-on-time',
        'repeat-rate',
        'satisfaction',
        ...queues.map((q) => `wait-${q}`),
        ...vakafdelingen.map((q) => `transfers-${q}`),
      ].sort(),
    );
    for (const [chart, marks] of Object.entries(inspection.svgMarks))
      expect(marks, chart).toBeGreaterThan(10);
    const checked = checkCells(inspection.cells, truth);
    expect(checked.mismatches).toEqual([]);
    expect(checked.count).toBeGreaterThan(1000);

    // The PDF: A4, one printed page per page of the document (none overflowed onto an extra one):
    // the KPI table; the 16 charts two to a page; a page of tables per queue (5) and for the
    // gemeente; the appendix. Page one as an image for people to look at.
    const info = await pdfInfo(pdf, await pdfinfoPath());
    expect(info.pageSize).toContain('(A4)');
    expect(readFileSync(html, 'utf8').match(/<div class="page"/g)).toHaveLength(1 + 16 / 2 + 6 + 1);
    expect(info.pages).toBe(1 + 16 / 2 + 6 + 1);
    const pageOne = path.join(repoRoot, '.stack', 'test-reports', 'report', 'verslag-2025-page');
    mkdirSync(path.dirname(pageOne), { recursive: true });
    await promisify(execFile)(pdftoppmBinary, [
      '-f',
      '1',
      '-l',
      '1',
      '-r',
      '80',
      '-png',
      '-singlefile',
      pdf,
      pageOne,
    ]);
    expect(readFileSync(`${pageOne}.png`).subarray(1, 4).toString()).toBe('PNG');
  }, 300_000);
});

/** `[numerator, denominator]` per `kpi|queue|year` from the ground truth, for 2024 (December only) and 2025. */
function expectedKpiTable(
  truthLegs: (queue: string | null, inMonths: readonly string[]) => LegCounts,
  truth: GroundTruth,
): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  const yearsMonths: Record<number, string[]> = {
    2024: ['2024-12'],
    2025: Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`),
  };
  const queues = truth.gemeenten[G] ?? [];
  const callbacks = judgedCallbacksByMonth(truth, Date.now());
  const sumMonths = <T>(
    source: Record<string, T>,
    inMonths: readonly string[],
    pick: (t: T) => [number, number],
  ) =>
    inMonths.reduce<[number, number]>(
      (acc, m) => {
        const v = source[`${G}|${m}`];
        if (v === undefined) return acc;
        const [n, d] = pick(v);
        return [acc[0] + n, acc[1] + d];
      },
      [0, 0],
    );
  for (const [yearText, inMonths] of Object.entries(yearsMonths)) {
    const year = Number(yearText);
    for (const queue of [null, ...queues]) {
      const legs = truthLegs(queue, inMonths);
      const q = queue ?? '';
      out[`reachability|${q}|${year}`] = [legs.answered, legs.offered];
      out[`serviceLevel|${q}|${year}`] = [legs.answeredWithinSl, legs.offered];
      if (queue === 'kcc')
        out[`firstLineResolution|kcc|${year}`] = [legs.answered - legs.transferredOut, legs.answered];
      const [onTime, judged, due] = Object.entries(callbacks)
        .filter(([key]) => {
          const [g, cq, month = ''] = key.split('|');
          return g === G && (queue === null || cq === queue) && inMonths.includes(month);
        })
        .reduce((acc, [, c]) => [acc[0] + c.onTime, acc[1] + c.judged, acc[2] + c.due], [0, 0, 0]);
      // A queue (or the gemeente) has a callbacks row for a year in which callbacks were due to it.
      if (due > 0) out[`callbacksOnTime|${q}|${year}`] = [onTime, judged];
    }
    out[`endToEndReachability||${year}`] = sumMonths(rollupEndToEnd(truth, 'month'), inMonths, (e) => [
      e.callsLastOfferedLegAnswered,
      e.callsWithOfferedLeg,
    ]);
    out[`repeatRate||${year}`] = sumMonths(rollupRepeats(truth, 'month'), inMonths, (r) => [
      r.repeatCalls,
      r.calls,
    ]);
    out[`satisfaction||${year}`] = sumMonths(rollupSatisfaction(truth, 'month'), inMonths, (s) => [
      s.scores4or5,
      s.answers,
    ]);
  }
  return out;
}

/** Dutch integer as the report prints it: 12.345. */
const integerNl = (n: number) => n.toLocaleString('nl-NL', { useGrouping: true, maximumFractionDigits: 0 });
/** numerator / denominator as "87,3%", rounded half up on the counts; "–" without a denominator. */
function percentNl(numerator: number, denominator: number): string {
  if (denominator === 0) return '–';
  const tenths = Math.floor((2000 * numerator + denominator) / (2 * denominator));
  return `${integerNl(Math.floor(tenths / 10))},${tenths % 10}%`;
}
/** The mean wait in seconds with one decimal, "18,4"; "–" when nothing was answered. */
function secondsNl(waitMs: number, answered: number): string {
  if (answered === 0) return '–';
  const tenths = Math.floor((2 * waitMs + 100 * answered) / (200 * answered));
  return `${Math.floor(tenths / 10)},${tenths % 10}`;
}

/**
 * Compares every data-carrying cell of the report with the ground truth: counts by field, ratios
 * by their numerator and denominator and printed percentage, ASA by its printed seconds.
 */
function checkCells(
  cells: readonly { data: Record<string, string>; text: string }[],
  truth: GroundTruth,
): { count: number; mismatches: string[] } {
  const mismatches: string[] = [];
  let count = 0;
  const legsByMonth = rollupLegs(truth, 'month');
  const e2e = rollupEndToEnd(truth, 'month');
  const repeats = rollupRepeats(truth, 'month');
  const satisfaction = rollupSatisfaction(truth, 'month');
  const callbacks = judgedCallbacksByMonth(truth, Date.now());
  const kpis = expectedKpiTable((queue, inMonths) => sumLegsOf(legsByMonth, queue, inMonths), truth);
  const expectCell = (
    cell: { data: Record<string, string>; text: string },
    text: string,
    n?: number,
    d?: number,
  ) => {
    count++;
    const where = JSON.stringify(cell.data);
    if (cell.text !== text) mismatches.push(`${where}: printed ${cell.text}, truth ${text}`);
    if (n !== undefined && (cell.data['numerator'] !== String(n) || cell.data['denominator'] !== String(d)))
      mismatches.push(`${where}: ${cell.data['numerator']}/${cell.data['denominator']}, truth ${n}/${d}`);
    if (
      cell.data['value'] !== undefined &&
      n === undefined &&
      cell.data['field'] !== 'answeredWaitMsSum' &&
      cell.data['value'] !== text.replaceAll('.', '')
    )
      mismatches.push(`${where}: data-value ${cell.data['value']} but printed ${text}`);
  };
  /** Answered legs per queue by wait bucket (upper bound in seconds; '' for the open bucket). */
  const buckets = new Map<string, Map<string, number>>();
  for (const cell of cells) {
    const { kpi, year, month, field, queue, scope, bucket } = cell.data;
    if (bucket !== undefined && queue !== undefined) {
      // The ground truth has no wait per leg: each bucket's count is checked as printed here, and
      // the buckets of a queue together against the truth below.
      if (field === 'answered') {
        expectCell(cell, integerNl(Number(cell.data['value'])));
        buckets.set(
          queue,
          (buckets.get(queue) ?? new Map<string, number>()).set(bucket, Number(cell.data['value'])),
        );
      } else if (field === 'share') {
        const answered = sumLegsOf(legsByMonth, queue, months).answered;
        expectCell(
          cell,
          percentNl(Number(cell.data['numerator']), answered),
          Number(cell.data['numerator']),
          answered,
        );
      } else mismatches.push(`${JSON.stringify(cell.data)}: a bucket field the test does not know`);
      continue;
    }
    if (kpi !== undefined && year !== undefined) {
      const [n = 0, d = 0] = kpis[`${kpi}|${queue ?? ''}|${year}`] ?? [];
      expectCell(cell, percentNl(n, d), n, d);
      continue;
    }
    if (field === undefined) continue;
    const inMonths = month !== undefined ? [month] : months;
    if (scope === 'gemeente') {
      const sum = <T>(source: Record<string, T>, pick: (t: T) => number) =>
        inMonths.reduce(
          (acc, m) => acc + (source[`${G}|${m}`] === undefined ? 0 : pick(source[`${G}|${m}`] as T)),
          0,
        );
      const cb = (pick: (c: { due: number; judged: number; onTime: number }) => number) =>
        Object.entries(callbacks)
          .filter(([key]) => key.startsWith(`${G}|`) && inMonths.some((m) => key.endsWith(`|${m}`)))
          .reduce((acc, [, c]) => acc + pick(c), 0);
      const counts: Record<string, number> = {
        callsWithOfferedLeg: sum(e2e, (e) => e.callsWithOfferedLeg),
        callsLastOfferedAnswered: sum(e2e, (e) => e.callsLastOfferedLegAnswered),
        calls: sum(repeats, (r) => r.calls),
        repeatCalls: sum(repeats, (r) => r.repeatCalls),
        surveyAnswers: sum(satisfaction, (x) => x.answers),
        surveySatisfied: sum(satisfaction, (x) => x.scores4or5),
        callbacksDue: cb((c) => c.due),
        callbacksJudged: cb((c) => c.judged),
        callbacksOnTime: cb((c) => c.onTime),
      };
      const ratios: Record<string, [number, number]> = {
        endToEndReachability: [counts['callsLastOfferedAnswered'] ?? 0, counts['callsWithOfferedLeg'] ?? 0],
        repeatRate: [counts['repeatCalls'] ?? 0, counts['calls'] ?? 0],
        satisfaction: [counts['surveySatisfied'] ?? 0, counts['surveyAnswers'] ?? 0],
        callbacksOnTimeRate: [counts['callbacksOnTime'] ?? 0, counts['callbacksJudged'] ?? 0],
      };
      const ratio = ratios[field];
      if (ratio !== undefined) expectCell(cell, percentNl(...ratio), ...ratio);
      else if (counts[field] !== undefined) expectCell(cell, integerNl(counts[field]));
      else mismatches.push(`${JSON.stringify(cell.data)}: a gemeente field the test does not know`);
      continue;
    }
    if (queue === undefined) continue;
    const legs = sumLegsOf(legsByMonth, queue, inMonths);
    const ratios: Record<string, [number, number]> = {
      reachability: [legs.answered, legs.offered],
      serviceLevel: [legs.answeredWithinSl, legs.offered],
      transferSuccess: [legs.answeredFromTransfer, legs.offeredFromTransfer],
    };
    const ratio = ratios[field];
    if (ratio !== undefined) expectCell(cell, percentNl(...ratio), ...ratio);
    else if (field === 'asa') expectCell(cell, secondsNl(legs.answeredWaitMsSum, legs.answered));
    // The wait total is printed in whole seconds; data-value keeps the milliseconds.
    else if (field === 'answeredWaitMsSum') {
      expectCell(cell, integerNl(Math.round(legs.answeredWaitMsSum / 1000)));
      if (cell.data['value'] !== String(legs.answeredWaitMsSum))
        mismatches.push(`${JSON.stringify(cell.data)}: ms`);
    } else if (field in legs) expectCell(cell, integerNl(legs[field as keyof LegCounts]));
    else mismatches.push(`${JSON.stringify(cell.data)}: a queue field the test does not know`);
  }
  for (const [queue, byBound] of buckets) {
    const legs = sumLegsOf(legsByMonth, queue, months);
    const all = [...byBound.values()].reduce((a, b) => a + b, 0);
    const withinSl = [...byBound]
      .filter(([bound]) => bound !== '' && Number(bound) <= 25)
      .reduce((a, [, n]) => a + n, 0);
    if (all !== legs.answered)
      mismatches.push(`${queue}: wait buckets hold ${all} answered legs, truth ${legs.answered}`);
    if (withinSl !== legs.answeredWithinSl)
      mismatches.push(
        `${queue}: buckets up to 25 s hold ${withinSl}, truth within SL ${legs.answeredWithinSl}`,
      );
  }
  if (buckets.size !== (truth.gemeenten[G] ?? []).length)
    mismatches.push(`wait buckets for ${buckets.size} queues`);
  return { count, mismatches };
}

function sumLegsOf(
  byMonth: Record<string, LegCounts>,
  queue: string | null,
  inMonths: readonly string[],
): LegCounts {
  let total = zeroLegCounts();
  for (const [key, counts] of Object.entries(byMonth)) {
    const [gemeente, q, month = ''] = key.split('|');
    if (gemeente === G && (queue === null || q === queue) && inMonths.includes(month))
      total = addLegCounts(total, counts);
  }
  return total;
}

/** Runs the `bereik` command line with the local stack's endpoints. */
function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'bereik.js'), ...args], {
      env: {
        ...process.env,
        KAFKA_BROKERS: endpoints.kafka.url,
        SCHEMA_REGISTRY_URL: endpoints.schemaRegistry.url,
        CLICKHOUSE_URL: endpoints.clickhouse.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}
