/**
 * `npm start`: bereik's main job on this machine. Installs and starts the local stack (Kafka,
 * Schema Registry, ClickHouse, Prometheus), backfills three days of simulated switch traffic,
 * keeps a live simulation of the configured gemeenten running in real time, runs the processor,
 * and prints where to look. Ctrl-C drains the processor and stops the simulation; the stack keeps
 * running (`npm run stack:down` stops it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runProcessor } from '../src/main.ts';
import { setScrapeTargets } from '../src/stack/prometheus.ts';
import { stackDir } from '../src/stack/paths.ts';
import { stackEndpoints, stackUp } from '../src/stack/stack.ts';
import { configFile, localStackFallbacks } from '../src/cli/local-defaults.ts';
import { reportAndExit } from '../src/cli/report-error.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { routeProcessWarnings } from '../src/telemetry/process-warnings.ts';

const root = path.resolve(import.meta.dirname, '..');
const bereik = path.join(root, 'bin', 'bereik.js');

/** A development key kept in the stack folder, so pseudonyms stay stable between runs; production sets its own. */
function developmentHmacKey(): string {
  const file = path.join(stackDir, 'dev-hmac-key');
  if (!existsSync(file)) {
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

// The processor runs in this process: its warnings go to its log, as with `bereik run`.
const log = createLogger('bereik');
routeProcessWarnings(log);

try {
  console.log(
    'bereik: bringing up the local stack (first run: installs Kafka, Apicurio, ClickHouse, Prometheus)',
  );
  await stackUp((line) => {
    console.log(`  ${line}`);
  });
  process.env['BEREIK_HMAC_KEY'] ??= developmentHmacKey();

  const now = Date.now();
  const from = new Date(now - 3 * 86_400_000).toISOString().slice(0, 10);
  const to = new Date(now - 60_000).toISOString();
  console.log(`bereik: backfilling simulated traffic from ${from} to now`);
  const backfill = spawnSync(
    process.execPath,
    [
      bereik,
      'simulate',
      '--from',
      from,
      '--to',
      to,
      '--run-id',
      `backfill${now}`,
      '--calls-per-day',
      '400',
      '--duplicates',
      '0.01',
      '--late',
      '0.02',
      '--invalid',
      '0.002',
    ],
    {
      stdio: 'inherit',
      env: process.env,
    },
  );
  if (backfill.status !== 0) throw new Error('the backfill simulation failed (see above)');

  const running = await runProcessor({
    log,
    configPath: configFile(undefined),
    fallbacks: localStackFallbacks,
  });
  await setScrapeTargets([`127.0.0.1:${running.config.http.port}`]).catch(() => undefined);
  const live = spawn(
    process.execPath,
    [bereik, 'simulate', '--live', '--run-id', `live${now}`, '--calls-per-day', '400'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: process.env,
    },
  );

  const endpoints = stackEndpoints();
  const db = running.config.clickhouse.database;
  console.log(`
bereik is running: a live simulation of ${running.config.gemeenten.map((g) => `${g.name} (${g.dialledNumber})`).join(' and ')} feeds the processor.

  metrics       http://127.0.0.1:${running.config.http.port}/metrics   (/healthz, /readyz)
  Prometheus    ${endpoints.prometheus.url}/graph?g0.expr=${encodeURIComponent('sum by (gemeente, queue) (bereik_legs_total{result=~"answered.*"})')}
  ClickHouse    clickhouse-client --port 19000 --database ${db}
                (or: curl ${endpoints.clickhouse.url} --data-binary @docs/analyst-queries.sql, one query at a time)

Example SQL (paste into clickhouse-client):
  SELECT gemeente, queue, day, offered, answered, round(reachability * 100, 1) AS pct
  FROM ${db}.bereikbaarheid_per_dag ORDER BY day DESC, gemeente, queue LIMIT 20;
  SELECT * FROM ${db}.kpi_per_jaar;

Ctrl-C stops the processor and the simulation; \`npm run stack:down\` stops the stack.
`);
  const stop = () => {
    live.kill('SIGTERM');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        reportAndExit(error);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  reportAndExit(error);
}
