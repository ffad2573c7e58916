/**
 * The markup pieces every table of the report shares. In: a cell's scope (its data- attributes,
 * such as data-queue and data-month), a field name and its count or ratio. Out: escaped HTML.
 *
 * Every printed figure carries its counts in data- attributes (data-numerator/data-denominator for
 * a ratio, data-value for a count), so a test or a script can read the page back exactly.
 */
import { escapeMarkup as esc } from './charts.ts';
import { integerText, percentText } from './format-nl.ts';

/** The marker after a figure of a period that is not over yet. */
export const LOPEND = '<span class="lopend">(lopend)</span>';

export type Attrs = Readonly<Record<string, string | number | boolean | null>>;

/** data- attributes, escaped; null becomes the empty string. */
export function attrs(a: Attrs): string {
  return Object.entries(a)
    .map(([name, value]) => ` ${name}="${esc(value === null ? '' : String(value))}"`)
    .join('');
}

export function countCell(scope: Attrs, field: string, value: number): string {
  return `<td class="num"${attrs({ ...scope, 'data-field': field, 'data-value': value })}>${integerText(value)}</td>`;
}

/** A ratio of counts as a percentage ("–" without a denominator), its counts in data- attributes. */
export function ratioCell(scope: Attrs, field: string, numerator: number, denominator: number): string {
  const a = attrs({
    ...scope,
    'data-field': field,
    'data-numerator': numerator,
    'data-denominator': denominator,
  });
  return `<td class="num"${a}>${percentText(numerator, denominator)}</td>`;
}
