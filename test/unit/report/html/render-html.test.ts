// The yearly report page: Dutch texts and hand-worked percentages, "–" for no value, every printed
// figure readable back from data- attributes, escaped names, charts as inline SVG with target
// lines, and nothing that needs a network or a script to view.
import { describe, expect, it } from 'vitest';

import { renderReportHtml } from '../../../../src/report/html/render-html.ts';
import { completeReport, report, TRICKY_NAME } from '../fixture.ts';

const html = renderReportHtml(report);

interface Cell {
  readonly attrs: Readonly<Record<string, string>>;
  /** The cell's text, tags removed, whitespace collapsed. */
  readonly text: string;
}

/** Every <td> of the page with its attributes (entities as written) and its text. */
function cells(page: string): Cell[] {
  return [...page.matchAll(/<td\b([^>]*)>([\s\S]*?)<\/td>/g)].map((m) => ({
    attrs: Object.fromEntries(
      [...(m[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1] ?? '', a[2] ?? ''] as const),
    ),
    text: (m[2] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  }));
}

const allCells = cells(html);

/** The one cell whose attributes include all of `match`. */
function cell(match: Readonly<Record<string, string>>): Cell {
  const found = allCells.filter((c) => Object.entries(match).every(([k, v]) => c.attrs[k] === v));
  expect(found, JSON.stringify(match)).toHaveLength(1);
  return found[0] as Cell;
}

/** The <figure class="chart"> elements by their data-chart id. */
function figures(page: string): Map<string, string> {
  return new Map(
    [...page.matchAll(/<figure class="chart" data-chart="([^"]*)">([\s\S]*?)<\/figure>/g)].map((m) => [
      m[1] ?? '',
      m[2] ?? '',
    ]),
  );
}

describe('the page', () => {
  it('is a Dutch HTML document with the report title', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="nl">')).toBe(true);
    expect(html).toContain('<title>Jaarverslag telefonie 2025 — Utrecht (0344)</title>');
    expect(html).toContain('<h1>Jaarverslag telefonie 2025 — Utrecht (0344)</h1>');
  });

  it('states when it was made, in Dutch time (10:30 UTC in July is 12:30)', () => {
    expect(html).toContain('<time datetime="2025-07-15T10:30:00Z">15 juli 2025 om 12:30</time>');
  });

  it('warns that the figures can change while the year is running, and not once it is over', () => {
    expect(html).toMatch(/<p class="notice"[^>]*>.*2025 is nog niet afgelopen.*kunnen nog veranderen/);
    const done = renderReportHtml(completeReport);
    expect(done).not.toContain('class="notice"');
    expect(done).not.toMatch(/<th scope="row">[^<]*<span class="lopend">/);
  });

  it('is laid out for A4 print, one page element per printed page, charts kept whole', () => {
    expect(html).toMatch(/@page\s*\{[^}]*size:\s*A4/);
    expect(html).toMatch(/\.page\s*\{[^}]*break-before:\s*page/);
    expect(html).toMatch(/figure\.chart\s*\{[^}]*break-inside:\s*avoid/);
    // The fixture: the KPI table on page 1; 12 charts two to a page; a page of tables for each of
    // the 3 queues and one for the gemeente; the appendix.
    expect(html.match(/<div class="page"/g)).toHaveLength(1 + 12 / 2 + 3 + 1 + 1);
    expect([...html.matchAll(/<div class="page" id="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'kerncijfers',
      'grafieken',
      'maandcijfers',
      'definities',
    ]);
  });

  it('has no script and refers to nothing outside itself (namespace names aside)', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son\w+=/i);
    const withoutXmlns = html.replace(/ xmlns(?::\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, '');
    expect(withoutXmlns).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link\b|<img\b|<image\b|@import|url\((?!#)/i);
  });

  it('escapes every name from the data', () => {
    expect(html).not.toContain(TRICKY_NAME);
    expect(html).toContain(
      'Burgerzaken &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;Vergunningen&#39;',
    );
  });

  it('is the same text for the same report', () => {
    expect(renderReportHtml(report)).toBe(html);
  });
});

describe('the KPI table', () => {
  it('prints each year realisatie as a percentage with a decimal comma, with its counts', () => {
    const c = cell({ 'data-kpi': 'reachability', 'data-queue': 'kcc', 'data-year': '2024' });
    expect(c.text).toBe('87,3%');
    expect(c.attrs['data-numerator']).toBe('8730');
    expect(c.attrs['data-denominator']).toBe('10000');
  });

  it('rounds half up to one decimal: 6 543 of 10 000 is 65,4%, 48 of 54 is 88,9%', () => {
    expect(cell({ 'data-kpi': 'serviceLevel', 'data-queue': 'kcc', 'data-year': '2024' }).text).toBe('65,4%');
    expect(cell({ 'data-kpi': 'reachability', 'data-queue': 'burgerzaken', 'data-year': '2025' }).text).toBe(
      '88,9% (lopend)',
    );
  });

  it('marks a figure of a running period (lopend)', () => {
    const c = cell({ 'data-kpi': 'reachability', 'data-queue': 'kcc', 'data-year': '2025' });
    expect(c.text).toBe('90,0% (lopend)');
    expect(c.attrs['data-complete']).toBe('false');
  });

  it('prints "–" for a year without data and for a zero denominator, never 0%', () => {
    const none = cell({ 'data-kpi': 'reachability', 'data-queue': 'kcc', 'data-year': '2023' });
    expect(none.text).toBe('–');
    expect(none.attrs['data-numerator']).toBe('');
    const zero = cell({ 'data-kpi': 'repeatRate', 'data-queue': '', 'data-year': '2023' });
    expect(zero.text).toBe('–');
    expect(zero.attrs['data-denominator']).toBe('0');
  });

  it('prints the streefcijfer of the report year and whether it was met', () => {
    expect(cell({ 'data-kpi': 'reachability', 'data-queue': 'kcc', 'data-streefcijfer': '0.9' }).text).toBe(
      '90,0%',
    );
    expect(cell({ 'data-kpi': 'reachability', 'data-queue': 'kcc', 'data-gehaald': 'true' }).text).toBe(
      'ja (voorlopig)',
    );
    expect(cell({ 'data-kpi': 'serviceLevel', 'data-queue': 'kcc', 'data-gehaald': 'false' }).text).toBe(
      'nee (voorlopig)',
    );
  });

  it('prints "–" for gehaald when the realisatie has no value, and still the streefcijfer', () => {
    expect(cell({ 'data-kpi': 'satisfaction', 'data-queue': '', 'data-gehaald': '' }).text).toBe('–');
    expect(cell({ 'data-kpi': 'satisfaction', 'data-queue': '', 'data-streefcijfer': '0.8' }).text).toBe(
      '80,0%',
    );
  });

  it('prints "–" for a missing streefcijfer', () => {
    const done = cells(renderReportHtml({ ...report, year: 2024, years: [2023, 2024] }));
    const target = done.find(
      (c) => c.attrs['data-kpi'] === 'serviceLevel' && c.attrs['data-streefcijfer'] !== undefined,
    );
    expect(target?.attrs['data-streefcijfer']).toBe('');
    expect(target?.text).toBe('–');
  });

  it('labels the KPIs in Dutch, says which way is better for the repeat rate, and the norm', () => {
    const table = /<table class="kpi">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(table).toContain('<th scope="row">Bereikbaarheid</th><td>KCC</td>');
    expect(table).toMatch(/Herhaalbellers <span class="hint">\(lager is beter\)<\/span>/);
    expect(table).toContain('Tevredenheid (score 4-5)');
    // The report's own norm is named under the title, not in every row; another norm is named in its row.
    expect(table).toContain('<th scope="row">Servicelevel</th>');
    expect(html).toContain('Norm: <code>vng-kwaliteitshandvest-25s</code>');
    const otherNorm = renderReportHtml({
      ...report,
      kpiTable: report.kpiTable.map((r) => (r.normId === null ? r : { ...r, normId: 'vng-2024-20s' })),
    });
    expect(otherNorm).toMatch(/Servicelevel <span class="hint">\(norm vng-2024-20s\)<\/span>/);
    expect(table).toMatch(/<th scope="col">2023<\/th><th scope="col">2024<\/th><th scope="col">2025<\/th>/);
    expect(table).toContain('Streefcijfer 2025');
  });
});

describe('each year against its own streefcijfer', () => {
  it('marks a year met or missed by that year’s target, lower being better for the repeat rate', () => {
    // KCC reachability 2024: 8 730 of 10 000 = 87,3% against 90%: missed.
    expect(html).toContain(
      '<td class="num jaar-nee" title="streefcijfer 2024 90,0%: niet gehaald" data-kpi="reachability" data-queue="kcc" data-year="2024"',
    );
    // Repeat rate 2025: 150 of 1 000 = 15,0% against at most 20%: met.
    expect(html).toContain(
      '<td class="num jaar-ja" title="streefcijfer 2025 20,0%: gehaald" data-kpi="repeatRate" data-queue="" data-year="2025"',
    );
    expect(html).toMatch(/td\.jaar-ja::after\s*\{[^}]*content:\s*" \\2713"/);
  });
});

describe('the monthly tables', () => {
  const kccJan = { 'data-queue': 'kcc', 'data-month': '2025-01' };

  it('carry the counts of each queue month', () => {
    expect(cell({ ...kccJan, 'data-field': 'offered' }).attrs['data-value']).toBe('100');
    expect(cell({ ...kccJan, 'data-field': 'answered' }).text).toBe('87');
    expect(cell({ ...kccJan, 'data-field': 'answeredWithinSl' }).text).toBe('70');
    expect(cell({ ...kccJan, 'data-field': 'answeredWaitMsSum' }).attrs['data-value']).toBe('1600500');
  });

  it('print reachability, service level and ASA worked out by hand', () => {
    expect(cell({ ...kccJan, 'data-field': 'reachability' }).text).toBe('87,0%');
    expect(cell({ ...kccJan, 'data-field': 'serviceLevel' }).text).toBe('70,0%');
    // 1 600 500 ms / 87 = 18 396,55 ms.
    expect(cell({ ...kccJan, 'data-field': 'asa' }).text).toBe('18,4');
    const feb = { 'data-queue': 'kcc', 'data-month': '2025-02' };
    // 349 / 400 = 87,25%: half up.
    expect(cell({ ...feb, 'data-field': 'reachability' }).text).toBe('87,3%');
    expect(cell({ ...feb, 'data-field': 'asa' }).text).toBe('30,0');
  });

  it('print thousands with a dot', () => {
    expect(cell({ 'data-queue': 'kcc', 'data-month': '2025-03', 'data-field': 'offered' }).text).toBe(
      '1.234',
    );
  });

  it('print "–" for a month with nothing offered or answered', () => {
    const apr = { 'data-queue': 'kcc', 'data-month': '2025-04' };
    expect(cell({ ...apr, 'data-field': 'offered' }).text).toBe('0');
    expect(cell({ ...apr, 'data-field': 'reachability' }).text).toBe('–');
    expect(cell({ ...apr, 'data-field': 'serviceLevel' }).text).toBe('–');
    expect(cell({ ...apr, 'data-field': 'asa' }).text).toBe('–');
  });

  it('print the year total of a queue from the summed counts', () => {
    const total = { 'data-queue': 'kcc', 'data-year': '2025' };
    // 100 + 400 + 1 234 = 1 734 offered; 87 + 349 + 1 111 = 1 547 answered; 1 547 / 1 734 = 89,215...%.
    expect(cell({ ...total, 'data-field': 'offered' }).text).toBe('1.734');
    expect(cell({ ...total, 'data-field': 'reachability' }).text).toBe('89,2%');
  });

  it('print the transfers into a vakafdeling and their success', () => {
    const jan = { 'data-queue': 'burgerzaken', 'data-month': '2025-01' };
    expect(cell({ ...jan, 'data-field': 'offeredFromTransfer' }).text).toBe('20');
    expect(cell({ ...jan, 'data-field': 'transferSuccess' }).text).toBe('80,0%');
    const feb = { 'data-queue': 'burgerzaken', 'data-month': '2025-02' };
    expect(cell({ ...feb, 'data-field': 'transferSuccess' }).text).toBe('66,7%');
  });

  it('print the wait buckets per queue', () => {
    expect(cell({ 'data-queue': 'kcc', 'data-bucket': '10', 'data-field': 'answered' }).text).toBe('900');
    expect(cell({ 'data-queue': 'kcc', 'data-bucket': '', 'data-field': 'answered' }).text).toBe('47');
  });

  it('carry every counter of the gemeente months, and their ratios', () => {
    const jan = { 'data-scope': 'gemeente', 'data-month': '2025-01' };
    const counters = {
      callsWithOfferedLeg: '90',
      callsLastOfferedAnswered: '81',
      calls: '200',
      repeatCalls: '30',
      surveyAnswers: '40',
      surveySatisfied: '34',
      callbacksDue: '20',
      callbacksJudged: '18',
      callbacksOnTime: '15',
    };
    for (const [field, value] of Object.entries(counters)) {
      expect(cell({ ...jan, 'data-field': field }).attrs['data-value'], field).toBe(value);
    }
    expect(cell({ ...jan, 'data-field': 'endToEndReachability' }).text).toBe('90,0%');
    expect(cell({ ...jan, 'data-field': 'repeatRate' }).text).toBe('15,0%');
    expect(cell({ ...jan, 'data-field': 'satisfaction' }).text).toBe('85,0%');
    expect(cell({ ...jan, 'data-field': 'callbacksOnTime' }).text).toBe('15');
    // 15 on time of 18 judged (not of 20 due) = 83,33...%.
    const rate = cell({ ...jan, 'data-field': 'callbacksOnTimeRate' });
    expect(rate.text).toBe('83,3%');
    expect(rate.attrs['data-denominator']).toBe('18');
  });

  it('mark the running month (lopend)', () => {
    expect(html).toMatch(/<th scope="row">juli <span class="lopend">\(lopend\)<\/span><\/th>/);
    expect(html).not.toMatch(/<th scope="row">juni <span class="lopend">/);
  });

  it('give every number cell a data- attribute to read it back', () => {
    const numberCells = allCells.filter((c) => c.attrs['class']?.split(' ').includes('num'));
    expect(numberCells.length).toBeGreaterThan(100);
    for (const c of numberCells) {
      const readable = ['data-value', 'data-numerator', 'data-streefcijfer', 'data-gehaald'].some(
        (a) => c.attrs[a] !== undefined,
      );
      expect(readable, JSON.stringify(c)).toBe(true);
    }
  });
});

describe('the charts', () => {
  const charts = figures(html);

  it('has the expected figures', () => {
    expect([...charts.keys()]).toEqual([
      'reachability',
      'offered-answered',
      'wait-kcc',
      'wait-burgerzaken',
      'wait-belastingen',
      'asa',
      'service-level',
      'callbacks-on-time',
      'repeat-rate',
      'satisfaction',
      'transfers-burgerzaken',
      'transfers-belastingen',
    ]);
  });

  it('each figure holds one inline SVG with drawn marks and a caption', () => {
    for (const [id, body] of charts) {
      expect(body.match(/<svg\b/g), id).toHaveLength(1);
      expect(body, id).toMatch(/<path\b[^>]* d="M/);
      expect(body, id).toMatch(/<figcaption>[\s\S]+<\/figcaption>/);
      expect(body, id).toMatch(/<title id="chart\d+-title">[^<]+<\/title>/);
    }
  });

  it('uses ids that are unique in the page', () => {
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws the KCC and vakafdeling reachability targets (90% and 80%)', () => {
    const svg = charts.get('reachability') ?? '';
    expect(svg).toContain('>Streefcijfer KCC 90%</text>');
    expect(svg).toContain('>Streefcijfer vakafdelingen 80%</text>');
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
  });

  it('draws a line per queue in the reachability chart, names escaped', () => {
    const svg = charts.get('reachability') ?? '';
    expect(svg).toContain('>KCC</text>');
    expect(svg).toContain('>Belastingen</text>');
    expect(svg).toContain('Burgerzaken &amp; &lt;script&gt;');
  });

  it('draws the callbacks target, and the gemeente targets from the KPI table', () => {
    expect(charts.get('callbacks-on-time')).toContain('>Streefcijfer 95%</text>');
    expect(charts.get('repeat-rate')).toContain('>Streefcijfer 20% (hoogstens)</text>');
    expect(charts.get('satisfaction')).toContain('>Streefcijfer 80%</text>');
    expect(charts.get('service-level')).toContain('>Streefcijfer KCC 70%</text>');
  });

  it('draws no target line where none is configured', () => {
    const none = renderReportHtml({ ...report, callbacksOnTimeTarget: null });
    expect(figures(none).get('callbacks-on-time')).not.toContain('Streefcijfer');
  });
});

describe('the appendix', () => {
  const appendix = /<div class="page" id="definities">[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';

  it('defines the terms with the thresholds of the norm', () => {
    expect(appendix).toContain('Definities en norm');
    expect(appendix).toContain('minder dan 5 s wachten');
    expect(appendix).toContain('binnen 25 s');
    expect(appendix).toContain('168 uur');
    expect(appendix).toContain('score 4 of 5');
    expect(appendix).toContain('2e werkdag');
    expect(appendix).toContain('Cao Gemeenten');
    expect(appendix).toContain('sluitingsdagen');
    expect(appendix).toContain('<code>vng-kwaliteitshandvest-25s</code>');
    expect(appendix).toContain('getoond als –');
  });

  it('follows the norm of the report', () => {
    const other = renderReportHtml({
      ...report,
      norm: { id: 'strenger-20s', shortAbandonBelowSeconds: 3, serviceLevelWithinSeconds: 20 },
    });
    expect(other).toContain('minder dan 3 s wachten');
    expect(other).toContain('binnen 20 s');
    expect(other).toContain('<code>strenger-20s</code>');
  });
});

describe('a report without data', () => {
  it('still renders: no figures for queues that do not exist, "–" for ratios over nothing', () => {
    const empty = renderReportHtml({ ...report, kpiTable: [], queues: [], months: [] });
    expect(empty).toContain('<h1>Jaarverslag telefonie 2025 — Utrecht (0344)</h1>');
    const ids = [...figures(empty).keys()];
    expect(ids).toContain('reachability');
    expect(ids.some((id) => id.startsWith('wait-') || id.startsWith('transfers-'))).toBe(false);
    expect(empty).not.toMatch(/<script/i);
    const total = cells(empty).find(
      (c) => c.attrs['data-year'] === '2025' && c.attrs['data-field'] === 'endToEndReachability',
    );
    expect(total?.text).toBe('–');
    expect(total?.attrs['data-denominator']).toBe('0');
  });
});
