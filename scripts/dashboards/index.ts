/**
 * bereik's Grafana dashboards as code. `npx tsx scripts/build-dashboards.ts` writes them to
 * grafana/dashboards/<uid>.json; the JSON is committed with this code, and test/unit/grafana checks
 * that they agree, that every query uses only metrics bereik exposes and views bereik creates, and
 * test/integration/grafana-panels.test.ts runs every query against a real run.
 *
 * One file per dashboard; promql.ts and sql.ts build the queries, panels.ts and tables.ts the
 * panels, layout.ts places them. Titles and descriptions are Dutch (operations staff read them);
 * metric and column names stay English.
 */
import path from 'node:path';
import { historie } from './historie.ts';
import { live } from './live.ts';
import type { Dashboard } from './model.ts';
import { pipeline } from './pipeline.ts';
import { terugbelverzoeken } from './terugbelverzoeken.ts';
import { vakafdelingen } from './vakafdelingen.ts';

export { schemaVersion } from './dashboard.ts';
export type { Dashboard } from './model.ts';

export const dashboardsDir = path.resolve(import.meta.dirname, '..', '..', 'grafana', 'dashboards');

/** Every dashboard, in the order of the files. */
export function buildDashboards(): Dashboard[] {
  return [live(), vakafdelingen(), terugbelverzoeken(), historie(), pipeline()];
}

/** The file content for a dashboard: 2-space JSON with a final newline. */
export const dashboardFileText = (d: Dashboard) => `${JSON.stringify(d, null, 2)}\n`;

export const dashboardFileName = (d: Dashboard) => `${d.uid}.json`;
