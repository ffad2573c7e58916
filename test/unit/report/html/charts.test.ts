// The chart factories: each draws a self-contained SVG (marks, an accessible title, no script, no
// external reference), deterministic, with the caller's id prefix, target lines where asked and
// gaps (not zeros) for missing values.
import { describe, expect, it } from 'vitest';

import {
  countsWithRatioChart,
  escapeMarkup,
  groupedBarChart,
  histogramChart,
  ratioLineChart,
  secondsLineChart,
  type ChartFrame,
} from '../../../../src/report/html/charts.ts';

const months = ['jan', 'feb', 'mrt', 'apr'];
const frame = (title: string, idPrefix = 'c1', categories = months): ChartFrame => ({
  title,
  idPrefix,
  categories,
});

/** The SVG with its namespace declarations removed (those are names, not resources). */
function withoutXmlns(svg: string): string {
  return svg.replace(/ xmlns(?::\w+)?="[^"]*"/g, '');
}

const charts = {
  ratioLineChart: () =>
    ratioLineChart(
      frame('Bereikbaarheid'),
      [
        { name: 'KCC', values: [0.87, null, 0.92, 0.5] },
        { name: 'Belastingen', values: [0.8, 0.75, null, null] },
      ],
      [{ label: 'Streefcijfer KCC 90%', value: 0.9 }],
    ),
  secondsLineChart: () => secondsLineChart(frame('ASA'), [{ name: 'KCC', values: [18.4, 30, 20, null] }]),
  groupedBarChart: () =>
    groupedBarChart(frame('Aanbod'), [
      { name: 'Aangeboden', values: [100, 400, 1234, 0] },
      { name: 'Beantwoord', values: [87, 349, 1111, 0] },
    ]),
  histogramChart: () =>
    histogramChart(frame('Wachttijd', 'c1', ['≤ 10 s', '10–25 s', '> 25 s']), {
      name: 'Beantwoord',
      values: [30, 13, 5],
    }),
  countsWithRatioChart: () =>
    countsWithRatioChart(
      frame('Doorverbonden'),
      { name: 'Doorverbonden', values: [20, 3, 0, 0] },
      { name: 'Beantwoord na doorverbinden', values: [0.8, 2 / 3, null, null] },
    ),
} satisfies Record<string, () => string>;

describe.each(Object.entries(charts))('%s', (_name, draw) => {
  const svg = draw();

  it('is one SVG element with drawn marks', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toMatch(/<path\b[^>]* d="M[^"]+"/);
  });

  it('has an accessible title, and role img', () => {
    expect(svg).toMatch(/^<svg\b[^>]* role="img" aria-labelledby="c1-title">/);
    expect(svg).toMatch(/<title id="c1-title">[^<]+<\/title>/);
  });

  it('has no script, no CSS, no hover classes and no external reference', () => {
    expect(svg).not.toMatch(/<script/i);
    expect(svg).not.toMatch(/<style/i);
    expect(svg).not.toMatch(/zr\d+-/);
    expect(withoutXmlns(svg)).not.toMatch(/https?:\/\//);
    expect(svg).not.toMatch(/<image\b/);
  });

  it('is the same text every time (no process-wide counters in ids)', () => {
    expect(draw()).toBe(svg);
  });
});

describe('ratioLineChart', () => {
  const svg = charts.ratioLineChart();

  it('draws each target as a dashed line with its label', () => {
    expect(svg).toContain('>Streefcijfer KCC 90%</text>');
    expect(svg).toMatch(/<path d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+"[^>]*stroke="#b4262b"[^>]*stroke-dasharray/);
  });

  it('has a percent axis from 0% to 100%', () => {
    expect(svg).toContain('>0%</text>');
    expect(svg).toContain('>90%</text>');
    expect(svg).toContain('>100%</text>');
  });

  it('puts every clip path id under the given prefix and refers to it', () => {
    const ids = [...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(1);
    for (const id of ids) expect(id).toMatch(/^c1-/);
    for (const ref of svg.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref[1]);
  });

  it('leaves a gap for a null value: the KCC line breaks between jan and mrt', () => {
    // KCC [0.87, null, 0.92, 0.5]: two pieces, a lone point (M) then a new move (M) for mrt-apr.
    expect(svg).toMatch(/<path d="M[\d.]+ [\d.]+M[\d.]+ [\d.]+L[\d.]+ [\d.]+"/);
  });

  it('draws no target line when none is given', () => {
    const plain = ratioLineChart(frame('Zonder'), [{ name: 'KCC', values: [0.5, 0.6, 0.7, 0.8] }]);
    expect(plain).not.toContain('stroke-dasharray');
    expect(plain).not.toContain('Streefcijfer');
  });

  it('draws a chart with only null values without failing', () => {
    const empty = ratioLineChart(frame('Leeg'), [{ name: 'KCC', values: [null, null, null, null] }], []);
    expect(empty).toContain('<svg');
  });
});

describe('the other charts', () => {
  it('groupedBarChart: counts with Dutch thousands dots on the axis', () => {
    expect(charts.groupedBarChart()).toContain('>1.200</text>');
  });

  it('secondsLineChart: seconds on the axis', () => {
    expect(charts.secondsLineChart()).toContain('>30 s</text>');
  });

  it('histogramChart: a bar per bucket with its label', () => {
    const svg = charts.histogramChart();
    expect(svg).toContain('>≤ 10 s</text>');
    expect(svg).toContain('>&gt; 25 s</text>');
  });

  it('countsWithRatioChart: a count axis and a percent axis', () => {
    const svg = charts.countsWithRatioChart();
    expect(svg).toContain('>20</text>');
    expect(svg).toContain('>100%</text>');
  });
});

describe('escaping', () => {
  it('escapeMarkup escapes & < > " and \'', () => {
    expect(escapeMarkup(`a & <b> "c" 'd'`)).toBe('a &amp; &lt;b&gt; &quot;c&quot; &#39;d&#39;');
  });

  it('escapes the title and series names inside the SVG', () => {
    const svg = ratioLineChart(frame('<script>x</script> & co'), [
      { name: '<script>alert(1)</script>', values: [0.5, 0.5, 0.5, 0.5] },
    ]);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('<title id="c1-title">&lt;script&gt;x&lt;/script&gt; &amp; co</title>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('legend', () => {
  it('stacks more than two series one per line, making the chart taller', () => {
    const two = ratioLineChart(frame('Twee'), [
      { name: 'A', values: [0.1, 0.2, 0.3, 0.4] },
      { name: 'B', values: [0.1, 0.2, 0.3, 0.4] },
    ]);
    const four = ratioLineChart(
      frame('Vier'),
      ['A', 'B', 'C', 'D'].map((name) => ({ name, values: [0.1, 0.2, 0.3, 0.4] })),
    );
    const height = (svg: string) => Number(/^<svg width="\d+" height="(\d+)"/.exec(svg)?.[1]);
    expect(height(four)).toBeGreaterThan(height(two));
  });
});
