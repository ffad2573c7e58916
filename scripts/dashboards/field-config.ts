/**
 * Field configuration shared by the panels: units, axis ranges and threshold colours. KPIs are
 * coloured against their (default) streefcijfer, so red means the target is missed; health figures
 * by how urgent they are; figures without either stay one neutral colour.
 */
import type { FieldDefaults, FieldOverride, Thresholds } from './model.ts';

/** Threshold steps as [colour, from value]; the first starts at the base (null). */
export type Steps = readonly (readonly [string, number | null])[];

export const thresholds = (steps: Steps): Thresholds => ({
  mode: 'absolute',
  steps: steps.map(([color, value]) => ({ color, value })),
});

/** Red below the target, green from it. */
export const targetSteps = (targetRatio: number): Steps => [
  ['red', null],
  ['green', targetRatio],
];

/** Green until `orangeFrom`, then orange, and red from `redFrom` when given. */
export const warnSteps = (orangeFrom: number, redFrom?: number): Steps => [
  ['green', null],
  ['orange', orangeFrom],
  ...(redFrom === undefined ? [] : [['red', redFrom] as const]),
];

/** Green at 0, red from 1: any occurrence is a fault. */
export const anyIsBad: Steps = [
  ['green', null],
  ['red', 1],
];

/** One colour: a figure without a target. */
export const neutral: Steps = [['blue', null]];

/** A ratio shown as a percentage with one decimal. */
export const percent = (steps: Steps = neutral): FieldDefaults => ({
  unit: 'percentunit',
  min: 0,
  max: 1,
  decimals: 1,
  thresholds: thresholds(steps),
});

/** A whole number (counts, seconds) in `unit`. */
export const whole = (unit: string, steps: Steps = neutral): FieldDefaults => ({
  unit,
  decimals: 0,
  thresholds: thresholds(steps),
});

/** A count of calls, messages or callbacks. */
export const count = (steps: Steps = neutral): FieldDefaults => whole('short', steps);

/**
 * Lines without points; with `steps`, the thresholds are drawn as dashed lines across the panel
 * (the default streefcijfer, behind the per-queue target series).
 */
export const timeseriesDefaults = (
  unit: string,
  extra: FieldDefaults = {},
  steps?: Steps,
): FieldDefaults => ({
  unit,
  color: { mode: 'palette-classic' },
  custom: {
    drawStyle: 'line',
    lineWidth: 2,
    fillOpacity: 0,
    showPoints: 'never',
    spanNulls: false,
    thresholdsStyle: { mode: steps === undefined ? 'off' : 'dashed' },
  },
  thresholds: thresholds(steps ?? neutral),
  ...extra,
});

/** A ratio over time on a fixed 0-100% axis, so panels side by side compare at a glance. */
export const ratioSeries = (steps?: Steps): FieldDefaults =>
  timeseriesDefaults('percentunit', { min: 0, max: 1, decimals: 1 }, steps);

/** A rate or duration over time, from 0. */
export const fromZero = (unit: string): FieldDefaults => timeseriesDefaults(unit, { min: 0 });

/** A count over time, from 0, in whole numbers. */
export const countSeries = (): FieldDefaults => timeseriesDefaults('short', { min: 0, decimals: 0 });

const dashedLine = { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } };

/** Dashed thin lines for the streefcijfer series (query `ref`): a target, not a measurement. */
export const targetLineOverride = (ref: string): FieldOverride => ({
  matcher: { id: 'byFrameRefID', options: ref },
  properties: [dashedLine, { id: 'custom.lineWidth', value: 1 }],
});

/** Dashed lines (normal width) for the series of query `ref`: a part of another series. */
export const dashedLineOverride = (ref: string): FieldOverride => ({
  matcher: { id: 'byFrameRefID', options: ref },
  properties: [dashedLine],
});

/** A table column: rename, unit, optional colouring of the cell by thresholds. */
export interface Column {
  readonly field: string;
  readonly name: string;
  readonly unit?: string;
  readonly decimals?: number;
  readonly steps?: Steps;
}

/** A percentage column of a ClickHouse table, named as the query's column. */
export const percentColumn = (column: string): Column => ({
  field: column,
  name: column,
  unit: 'percentunit',
  decimals: 1,
});

export function columnOverrides(columns: readonly Column[]): FieldOverride[] {
  return columns.map((c) => ({
    matcher: { id: 'byName', options: c.name },
    properties: [
      ...(c.unit === undefined ? [] : [{ id: 'unit', value: c.unit }]),
      ...(c.decimals === undefined ? [] : [{ id: 'decimals', value: c.decimals }]),
      ...(c.steps === undefined
        ? []
        : [
            { id: 'thresholds', value: thresholds(c.steps) },
            { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } },
          ]),
    ],
  }));
}
