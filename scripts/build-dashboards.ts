/**
 * Writes bereik's Grafana dashboards (defined in scripts/dashboards/) to
 * grafana/dashboards/<uid>.json: `npx tsx scripts/build-dashboards.ts`. With `--check` it only
 * compares and exits 1 when a file differs.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboards, dashboardFileName, dashboardFileText, dashboardsDir } from './dashboards/index.ts';

export {
  buildDashboards,
  dashboardFileName,
  dashboardFileText,
  dashboardsDir,
  schemaVersion,
} from './dashboards/index.ts';

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  mkdirSync(dashboardsDir, { recursive: true });
  let differing = 0;
  for (const d of buildDashboards()) {
    const file = path.join(dashboardsDir, dashboardFileName(d));
    const text = dashboardFileText(d);
    if (readIfExists(file) === text) continue;
    differing++;
    const shown = path.relative(process.cwd(), file);
    if (check) console.error(`${shown} differs from scripts/dashboards/`);
    else {
      writeFileSync(file, text);
      console.log(`wrote ${shown}`);
    }
  }
  return check && differing > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
