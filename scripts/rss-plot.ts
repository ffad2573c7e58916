/**
 * The processor's memory over a bench run: the RSS samples as CSV, their flatness after warm-up,
 * and a line plot as PNG (ECharts renders the SVG, headless Chromium, the one the yearly report
 * prints with, turns it into pixels).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LineChart } from 'echarts/charts';
import { GridComponent, TitleComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import puppeteer from 'puppeteer-core';

use([LineChart, GridComponent, TitleComponent, SVGRenderer]);

/** One sample: seconds since the processor started, its resident memory and the messages its group has committed. */
export interface RssSample {
  readonly seconds: number;
  readonly rssMiB: number;
  readonly messages: number;
}

/** How flat memory stays once warm: over the samples after the first `warmUpShare` of the run. */
export interface Flatness {
  readonly warmUpSeconds: number;
  readonly minMiB: number;
  readonly maxMiB: number;
  /** Mean of the last fifth of the warm samples against the mean of their first fifth, in %. */
  readonly driftPercent: number;
  /** (max - min) / min of the warm samples, in %. */
  readonly spreadPercent: number;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export function flatness(samples: readonly RssSample[], warmUpShare = 0.2): Flatness | undefined {
  const last = samples.at(-1);
  if (last === undefined) return undefined;
  const warmUpSeconds = last.seconds * warmUpShare;
  const warm = samples.filter((s) => s.seconds >= warmUpSeconds).map((s) => s.rssMiB);
  if (warm.length < 10) return undefined;
  const fifth = Math.max(1, Math.floor(warm.length / 5));
  const minMiB = Math.min(...warm);
  const maxMiB = Math.max(...warm);
  return {
    warmUpSeconds,
    minMiB,
    maxMiB,
    driftPercent: (mean(warm.slice(-fifth)) / mean(warm.slice(0, fifth)) - 1) * 100,
    spreadPercent: (maxMiB / minMiB - 1) * 100,
  };
}

export function rssCsv(samples: readonly RssSample[]): string {
  return [
    'seconds,rss_mib,messages',
    ...samples.map((s) => `${s.seconds},${s.rssMiB.toFixed(1)},${s.messages}`),
  ]
    .join('\n')
    .concat('\n');
}

const WIDTH = 900;
const HEIGHT = 420;

/** The samples as an SVG line plot: RSS (MiB) against time, and messages committed on a second axis. */
export function rssSvg(samples: readonly RssSample[], title: string): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: 'DejaVu Sans' } },
    grid: { left: 70, right: 90, top: 50, bottom: 50 },
    xAxis: { type: 'value', name: 'seconds', nameLocation: 'middle', nameGap: 28 },
    yAxis: [
      { type: 'value', name: 'RSS (MiB)', min: 0 },
      { type: 'value', name: 'messages committed', min: 0, splitLine: { show: false } },
    ],
    series: [
      {
        type: 'line',
        name: 'RSS',
        showSymbol: false,
        data: samples.map((s) => [s.seconds, Number(s.rssMiB.toFixed(1))]),
        lineStyle: { color: '#1f5fa8', width: 1.5 },
      },
      {
        type: 'line',
        name: 'messages committed',
        yAxisIndex: 1,
        showSymbol: false,
        data: samples.map((s) => [s.seconds, s.messages]),
        lineStyle: { color: '#999999', width: 1, type: 'dashed' },
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** Writes `<base>.csv`, `<base>.svg` and, with a Chromium, `<base>.png`; returns the files written. */
export async function writeRssPlot(
  samples: readonly RssSample[],
  base: string,
  title: string,
  chromium: string | undefined,
): Promise<string[]> {
  mkdirSync(path.dirname(base), { recursive: true });
  const svg = rssSvg(samples, title);
  writeFileSync(`${base}.csv`, rssCsv(samples));
  writeFileSync(`${base}.svg`, svg);
  if (chromium === undefined) return [`${base}.csv`, `${base}.svg`];
  const browser = await puppeteer.launch({
    executablePath: chromium,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: WIDTH, height: HEIGHT });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({
      path: `${base}.png` as const,
      clip: { x: 0, y: 0, width: WIDTH, height: HEIGHT },
    });
  } finally {
    await browser.close();
  }
  return [`${base}.csv`, `${base}.svg`, `${base}.png`];
}
