/**
 * Numbers, percentages, months and dates as the report prints them, in Dutch. In: counts, ratios
 * with their counts, fractions, seconds, 'YYYY-MM' months and ISO instants. Out: plain text (no
 * markup), e.g. "12.345", "87,3%", "18,4", "januari", "15 juli 2025 om 12:30".
 *
 * Percentages are rounded half up to one decimal from the counts themselves (349 of 400 is
 * "87,3%"); a ratio over nothing prints "–", never 0% or 100%.
 */
import { averageSpeedOfAnswerSeconds, localPartsOf } from '../../domain/index.ts';
import type { QueueMonth, WaitBucket } from '../model.ts';

/** What a ratio over nothing, a missing figure or a missing target prints as. */
export const DASH = '–';

const MONTH_NAMES = [
  'januari',
  'februari',
  'maart',
  'april',
  'mei',
  'juni',
  'juli',
  'augustus',
  'september',
  'oktober',
  'november',
  'december',
] as const;
const MONTH_ABBREVIATIONS = [
  'jan',
  'feb',
  'mrt',
  'apr',
  'mei',
  'jun',
  'jul',
  'aug',
  'sep',
  'okt',
  'nov',
  'dec',
];

/** A whole number with Dutch thousands dots: 12345 -> "12.345". */
export function integerText(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.round(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** numerator / denominator in tenths, rounded half up on the counts (no floating-point tie errors). */
function roundedTenths(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** A number of tenths with a decimal comma: 873 -> "87,3". */
function tenthsText(tenths: number): string {
  const abs = Math.abs(tenths);
  return `${tenths < 0 ? '-' : ''}${integerText(Math.floor(abs / 10))},${abs % 10}`;
}

/** Any number with a decimal comma, as the data has it (norm thresholds): 2.5 -> "2,5". */
export function plainNumber(n: number): string {
  return String(n).replace('.', ',');
}

/** numerator / denominator as "87,3%", rounded half up on the counts; "–" when the denominator is 0. */
export function percentText(numerator: number, denominator: number): string {
  if (denominator === 0) return DASH;
  return `${tenthsText(roundedTenths(numerator * 1000, denominator))}%`;
}

/** A fraction (a streefcijfer) with one decimal: 0.9 -> "90,0%"; "–" for null. */
export function fractionText(value: number | null): string {
  return value === null ? DASH : `${tenthsText(Math.round(value * 1000))}%`;
}

/** A fraction without a trailing ",0": 0.9 -> "90%", 0.875 -> "87,5%" (chart labels). */
export function compactPercent(value: number): string {
  const tenths = Math.round(value * 1000);
  return tenths % 10 === 0 ? `${integerText(tenths / 10)}%` : `${tenthsText(tenths)}%`;
}

/** The ASA as "18,4" seconds from the wait sum (ms) and the answered count; "–" when none answered. */
export function asaText(m: Pick<QueueMonth, 'answeredWaitMsSum' | 'answered'>): string {
  if (averageSpeedOfAnswerSeconds(m) === null) return DASH;
  return tenthsText(roundedTenths(m.answeredWaitMsSum, m.answered * 100));
}

/** The wait range of `buckets[index]`: "≤ 10 s", "10–25 s", "> 60 s" (or "alle" for a single open bucket). */
export function bucketLabel(buckets: readonly WaitBucket[], index: number): string {
  const upTo = buckets[index]?.upToSeconds ?? null;
  const from = index === 0 ? null : (buckets[index - 1]?.upToSeconds ?? null);
  if (upTo === null) return from === null ? 'alle' : `> ${plainNumber(from)} s`;
  return from === null ? `≤ ${plainNumber(upTo)} s` : `${plainNumber(from)}–${plainNumber(upTo)} s`;
}

/** 'YYYY-MM' -> "januari" (or "jan"); the raw text when it is not a month. */
export function monthName(month: string, short = false): string {
  const index = Number(month.slice(5, 7)) - 1;
  const names: readonly string[] = short ? MONTH_ABBREVIATIONS : MONTH_NAMES;
  return names[index] ?? month;
}

/** The 12 months of `year` as 'YYYY-MM'. */
export function monthsOf(year: number): string[] {
  return MONTH_NAMES.map((_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

/** The local (Europe/Amsterdam) month 'YYYY-MM' of an ISO instant; null when it is not one. */
export function localMonthOf(iso: string): string | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? localPartsOf(ms).date.slice(0, 7) : null;
}

/** An ISO instant as "15 juli 2025 om 12:30" in Dutch time; the raw text when it is not one. */
export function dateTimeText(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const { date, minuteOfDay } = localPartsOf(ms);
  const [year, month, day] = date.split('-');
  const hh = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  const mm = String(minuteOfDay % 60).padStart(2, '0');
  return `${Number(day)} ${monthName(`${year ?? ''}-${month ?? ''}`)} ${year ?? ''} om ${hh}:${mm}`;
}
