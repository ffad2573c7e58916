/**
 * Places panels in Grafana's 24-column grid in reading order and numbers them, so a dashboard is
 * written as a list of rows and panels with only their sizes.
 */
import type { GridPos, Panel, RowPanel } from './model.ts';
import type { PanelSpec } from './panels.ts';

/** A row header; the panels after it (up to the next row) belong to it. */
export interface RowSpec {
  readonly row: string;
}

export type Item = PanelSpec | RowSpec;

/** A row header with the panels under it. */
export const section = (title: string, panels: readonly PanelSpec[]): Item[] => [{ row: title }, ...panels];

/** Left to right, starting a new line when a panel does not fit. */
class Grid {
  #x = 0;
  #y = 0;
  #lineHeight = 0;

  place(w: number, h: number): GridPos {
    if (this.#x + w > 24) this.newLine();
    const pos = { h, w, x: this.#x, y: this.#y };
    this.#x += w;
    this.#lineHeight = Math.max(this.#lineHeight, h);
    return pos;
  }

  newLine(): void {
    this.#y += this.#lineHeight;
    this.#x = 0;
    this.#lineHeight = 0;
  }
}

/** A row always takes a full line of its own. */
function placeRow(grid: Grid, id: number, title: string): RowPanel {
  grid.newLine();
  const gridPos = grid.place(24, 1);
  grid.newLine();
  return { id, type: 'row', title, collapsed: false, gridPos, panels: [] };
}

function placePanel(grid: Grid, id: number, spec: PanelSpec): Panel {
  return {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    gridPos: grid.place(spec.w, spec.h),
    datasource: { ...spec.datasource },
    targets: spec.targets,
    fieldConfig: spec.fieldConfig,
    options: spec.options,
    ...(spec.transformations === undefined ? {} : { transformations: spec.transformations }),
  };
}

/** The dashboard's panels with ids 1, 2, ... in order. */
export function layOut(items: readonly Item[]): (Panel | RowPanel)[] {
  const grid = new Grid();
  return items.map((item, i) =>
    'row' in item ? placeRow(grid, i + 1, item.row) : placePanel(grid, i + 1, item),
  );
}
