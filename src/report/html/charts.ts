/**
 * Chart factories for the yearly report. In: plain figures (category labels such as month names,
 * named series of counts, seconds or fractions 0..1 where null means "no value" and draws a gap,
 * never 0) and target lines. Out: one self-contained SVG string per chart, rendered on the server
 * by ECharts (no script, no animation, no external font or image), with an SVG <title> for screen
 * readers and ids prefixed with the caller's `idPrefix` so several charts can share one page.
 */
import { BarChart, LineChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import type { GridComponentOption, LegendComponentOption, MarkLineComponentOption } from 'echarts/components';
import { init, use } from 'echarts/core';
import type { ComposeOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { XAXisComponentOption, YAXisComponentOption } from 'echarts';

use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | MarkLineComponentOption
>;

/** What every chart needs: its accessible title and a page-unique prefix for its internal ids. */
export interface ChartFrame {
  /** The chart's accessible name (the SVG <title>); stable, so tests and readers can find it. */
  readonly title: string;
  /** Prefix of the SVG's internal ids (clip paths, the title); unique in the page, [A-Za-z][A-Za-z0-9-]*. */
  readonly idPrefix: string;
  /** The category labels of the x axis (month names, wait buckets). */
  readonly categories: readonly string[];
}

/** One named line or bar series, one value per category; null draws nothing for that category. */
export interface NamedSeries {
  readonly name: string;
  readonly values: readonly (number | null)[];
}

/** A horizontal target line (streefcijfer) at `value` (a fraction 0..1) with its printed label. */
export interface TargetLine {
  readonly label: string;
  readonly value: number;
}

const WIDTH = 680;
const PLOT_HEIGHT = 190;
const LEGEND_LINE = 18;
const FONT = 'Arial, Helvetica, sans-serif';
const TARGET_COLOR = '#b4262b';

/** Text and attribute values escaped for HTML and SVG (&, <, >, " and '). */
export function escapeMarkup(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A fraction as a whole percentage for axis ticks, e.g. 0.9 -> "90%". */
function percentTick(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** A number with a Dutch decimal comma, for axis ticks: 2.5 -> "2,5". */
function decimalTick(value: number): string {
  return String(Math.round(value * 10) / 10).replace('.', ',');
}

/** A count with Dutch thousands dots, for axis ticks: 1400 -> "1.400". */
function countTick(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/**
 * Renders `option` with a legend of `legendNames` to an SVG string: stripped of hover CSS, ids
 * prefixed, with an accessible title. More than two series get one legend line each, so names never
 * overlap whatever font the viewer substitutes; the chart grows by a line per name.
 */
function renderSvg(
  frame: ChartFrame,
  legendNames: readonly string[],
  option: ChartOption,
  rightAxis = false,
): string {
  const lines = legendNames.length > 2 ? legendNames.length : 1;
  const height = PLOT_HEIGHT + 54 + lines * LEGEND_LINE;
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      grid: { left: 56, right: rightAxis ? 56 : 24, top: 16, height: PLOT_HEIGHT },
      legend: {
        orient: lines > 1 ? 'vertical' : 'horizontal',
        ...(lines > 1 ? { left: 56 } : {}),
        bottom: 4,
        itemGap: lines > 1 ? 4 : 24,
        itemWidth: 18,
        itemHeight: 10,
        data: [...legendNames],
      },
      ...option,
    });
    return finishSvg(chart.renderToSVGString(), frame);
  } finally {
    chart.dispose();
  }
}

/**
 * ECharts numbers its ids and CSS classes with process-wide counters; the classes only carry hover
 * effects, so they and their <style> go, and the ids get the caller's prefix (same page, same ids).
 */
function finishSvg(svg: string, frame: ChartFrame): string {
  const titleId = `${frame.idPrefix}-title`;
  return svg
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/ class="zr\d+-cls-\d+(?: zr\d+-cls-\d+)*"/g, '')
    .replace(/(id="|url\(#|href="#)zr\d+-/g, `$1${frame.idPrefix}-`)
    .replace(
      /^<svg\b([^>]*)>/,
      `<svg$1 role="img" aria-labelledby="${titleId}"><title id="${titleId}">${escapeMarkup(frame.title)}</title>`,
    );
}

function categoryAxis(frame: ChartFrame): XAXisComponentOption {
  return { type: 'category', data: [...frame.categories], axisTick: { alignWithLabel: true } };
}

function percentAxis(): YAXisComponentOption {
  return { type: 'value', min: 0, max: 1, interval: 0.1, axisLabel: { formatter: percentTick } };
}

function targetMarkLine(targets: readonly TargetLine[]): MarkLineComponentOption {
  return {
    silent: true,
    symbol: 'none',
    lineStyle: { type: 'dashed', color: TARGET_COLOR, width: 1.5 },
    label: { position: 'insideEndTop', formatter: '{b}', color: TARGET_COLOR },
    data: targets.map((t) => ({ name: t.label, yAxis: t.value })),
  };
}

function line(s: NamedSeries, extra: LineSeriesOption = {}): LineSeriesOption {
  return { type: 'line', name: s.name, data: [...s.values], symbol: 'circle', symbolSize: 5, ...extra };
}

/**
 * Fractions per category (e.g. reachability per month), one line per series, on a 0-100% axis,
 * with a dashed horizontal line per target; the targets hang on the first series.
 */
export function ratioLineChart(
  frame: ChartFrame,
  series: readonly NamedSeries[],
  targets: readonly TargetLine[] = [],
): string {
  return renderSvg(
    frame,
    series.map((s) => s.name),
    {
      xAxis: categoryAxis(frame),
      yAxis: percentAxis(),
      series: series.map((s, i) =>
        line(s, i === 0 && targets.length > 0 ? { markLine: targetMarkLine(targets) } : {}),
      ),
    },
  );
}

/** Values in seconds per category (e.g. ASA per month), one line per series. */
export function secondsLineChart(frame: ChartFrame, series: readonly NamedSeries[]): string {
  return renderSvg(
    frame,
    series.map((s) => s.name),
    {
      xAxis: categoryAxis(frame),
      yAxis: { type: 'value', min: 0, axisLabel: { formatter: (v: number) => `${decimalTick(v)} s` } },
      series: series.map((s) => line(s)),
    },
  );
}

/** Counts per category side by side (e.g. offered against answered per month), one bar per series. */
export function groupedBarChart(frame: ChartFrame, series: readonly NamedSeries[]): string {
  return renderSvg(
    frame,
    series.map((s) => s.name),
    {
      xAxis: categoryAxis(frame),
      yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: countTick } },
      series: series.map((s) => ({ type: 'bar', name: s.name, data: [...s.values], barGap: '10%' })),
    },
  );
}

/** One count per bucket (e.g. answered legs by wait), as touching bars. */
export function histogramChart(frame: ChartFrame, series: NamedSeries): string {
  return renderSvg(frame, [series.name], {
    xAxis: categoryAxis(frame),
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: countTick } },
    series: [{ type: 'bar', name: series.name, data: [...series.values], barCategoryGap: '4%' }],
  });
}

/**
 * Counts as bars on the left axis and a fraction as a line on a 0-100% right axis, per category
 * (e.g. transfers into a vakafdeling per month and the share of them answered).
 */
export function countsWithRatioChart(frame: ChartFrame, counts: NamedSeries, ratio: NamedSeries): string {
  return renderSvg(
    frame,
    [counts.name, ratio.name],
    {
      xAxis: categoryAxis(frame),
      yAxis: [
        { type: 'value', minInterval: 1, splitLine: { show: false }, axisLabel: { formatter: countTick } },
        percentAxis(),
      ],
      series: [
        { type: 'bar', name: counts.name, data: [...counts.values], yAxisIndex: 0 },
        line(ratio, { yAxisIndex: 1 }),
      ],
    },
    true,
  );
}
