/**
 * PromQL for the KPIs of docs/metrics.md, so every panel computes a ratio the same way.
 *
 * Net counts are `increase(x_total) - increase(x_retracted_total)`: every series exists at 0 from
 * start-up, so both sides are present. A ratio's denominator is filtered with `> 0`, so an empty
 * window has no value instead of 0% or 100%. Queue display names come from `bereik_queue_info`.
 */

/** Label matchers, joined into one selector. */
export type Matchers = readonly string[];
/** The labels a query sums by; `overall` sums everything into one series. */
export type Grouping = string;

export const overall: Grouping = '';
export const perQueue: Grouping = 'gemeente, queue';

/** Grafana's built-in: the dashboard's time range (stat panels and tables). */
export const period = '$__range';
/** The dashboard's `venster` variable: the sliding window of a ratio over time. */
export const slidingWindow = '$venster';
/** Grafana's built-in rate window, at least four scrapes long. */
export const rateInterval = '$__rate_interval';

export const chosenGemeente = 'gemeente="$gemeente"';
export const chosenQueues = 'queue=~"$queue"';
export const kcc = 'kind="kcc"';
export const vakafdeling = 'kind="vakafdeling"';

/** Leg results that are offered (docs/metrics.md): answered within or after the norm, abandoned, timed out. */
export const OFFERED = 'answered_within_sl|answered_late|abandoned|timed_out';
export const ANSWERED = 'answered_within_sl|answered_late';
/** Answered legs an agent transferred on (transfer `out`, or `through` for a leg that came from a transfer). */
export const TRANSFERRED_ON = 'out|through';
/** Legs created by a transfer. */
const FROM_TRANSFER = 'in|through';

export const legResult = (results: string) => `result=~"${results}"`;

export const selector = (matchers: Matchers) => (matchers.length === 0 ? '' : `{${matchers.join(', ')}}`);
export const sumBy = (by: Grouping, expr: string) =>
  by === '' ? `sum(${expr})` : `sum by (${by}) (${expr})`;

/** Net increase of a counter with a `_retracted_total` twin (legs, calls) over `range`. */
export function net(
  metric: 'bereik_legs' | 'bereik_calls',
  matchers: Matchers,
  by: Grouping,
  range: string,
): string {
  const s = selector(matchers);
  return `(${sumBy(by, `increase(${metric}_total${s}[${range}])`)} - ${sumBy(by, `increase(${metric}_retracted_total${s}[${range}])`)})`;
}

/** Net rate per minute of a counter with a `_retracted_total` twin. */
export function netPerMinute(metric: 'bereik_legs', matchers: Matchers, by: Grouping, range: string): string {
  const s = selector(matchers);
  return `(${sumBy(by, `rate(${metric}_total${s}[${range}])`)} - ${sumBy(by, `rate(${metric}_retracted_total${s}[${range}])`)}) * 60`;
}

/** Increase of a plain counter (one without a retracted twin). */
export const increase = (metric: string, matchers: Matchers, by: Grouping, range: string) =>
  sumBy(by, `increase(${metric}${selector(matchers)}[${range}])`);

/** Rate of a plain counter per hour, summed. */
export const perHour = (metric: string, matchers: Matchers, range: string) =>
  `${sumBy(overall, `rate(${metric}${selector(matchers)}[${range}])`)} * 3600`;

/** numerator / denominator, without a value where the denominator is 0. */
export const ratio = (numerator: string, denominator: string) => `${numerator} / (${denominator} > 0)`;

/** Adds the queue's display name (label `queue_name`) to a result by gemeente and queue. */
export const withQueueName = (expr: string) =>
  `(${expr}) * on (gemeente, queue) group_left (queue_name) max by (gemeente, queue, queue_name) (bereik_queue_info)`;

/** 0 instead of no result, for labelled counters that have no series before their first increment. */
export const orZero = (expr: string) => `${expr} or on () vector(0)`;

/** Reachability (answered / offered) over `range`, summed `by`. */
export const reachability = (m: Matchers, by: Grouping, range: string) =>
  ratio(
    net('bereik_legs', [...m, legResult(ANSWERED)], by, range),
    net('bereik_legs', [...m, legResult(OFFERED)], by, range),
  );

/** Service level (answered within the norm / offered). */
export const serviceLevel = (m: Matchers, by: Grouping, range: string) =>
  ratio(
    net('bereik_legs', [...m, 'result="answered_within_sl"'], by, range),
    net('bereik_legs', [...m, legResult(OFFERED)], by, range),
  );

/** First-line resolution ((answered - transferred on) / answered), for the KCC. */
export const firstLineResolution = (m: Matchers, by: Grouping, range: string) =>
  ratio(
    `(${net('bereik_legs', [...m, legResult(ANSWERED)], by, range)} - ${net('bereik_legs', [...m, legResult(ANSWERED), `transfer=~"${TRANSFERRED_ON}"`], by, range)})`,
    net('bereik_legs', [...m, legResult(ANSWERED)], by, range),
  );

/** Transfer success (answered / offered over legs created by a transfer), for a vakafdeling. */
export const transferSuccess = (m: Matchers, by: Grouping, range: string) =>
  reachability([...m, `transfer=~"${FROM_TRANSFER}"`], by, range);

/** End-to-end reachability per gemeente (calls whose last offered leg was answered / calls with an offered leg). */
export const endToEnd = (m: Matchers, by: Grouping, range: string) =>
  ratio(
    net('bereik_calls', [...m, 'result="last_offered_answered"'], by, range),
    net('bereik_calls', [...m, 'result=~"last_offered_answered|last_offered_unanswered"'], by, range),
  );

/** A percentile of a histogram, from the rate of its buckets. */
export const histogramQuantile = (q: number, metric: string, m: Matchers, by: Grouping, range: string) =>
  `histogram_quantile(${q}, sum by (${['le', ...(by === '' ? [] : [by])].join(', ')}) (rate(${metric}_bucket${selector(m)}[${range}])))`;

/** A wait-time percentile from bereik_leg_wait_seconds. */
export const waitQuantile = (q: number, m: Matchers, by: Grouping, range: string) =>
  histogramQuantile(q, 'bereik_leg_wait_seconds', m, by, range);

/** Mean wait (ASA for answered legs) from the histogram's sum and count. */
export const meanWait = (m: Matchers, by: Grouping, range: string) =>
  ratio(
    increase('bereik_leg_wait_seconds_sum', m, by, range),
    increase('bereik_leg_wait_seconds_count', m, by, range),
  );

/** Completed callbacks that were on time / completed callbacks (`bereik_callbacks_judged_total`). */
export const callbacksOnTime = (m: Matchers, by: Grouping, range: string) =>
  ratio(
    increase('bereik_callbacks_judged_total', [...m, 'on_time="true"'], by, range),
    increase('bereik_callbacks_judged_total', m, by, range),
  );

/** This year's streefcijfer per queue. */
export const targetRatio = (m: Matchers, metric: 'reachability' | 'callbacksOnTime') =>
  `max by (gemeente, queue) (bereik_target_ratio${selector([...m, `metric="${metric}"`])})`;

/** This year's streefcijfer per queue, with its display name. */
export const target = (m: Matchers, metric: 'reachability' | 'callbacksOnTime') =>
  withQueueName(targetRatio(m, metric));
