/**
 * ClickHouse for the local stack: the server from Debian's `clickhouse-server` package (18.16 on
 * bookworm), run as our own detached process (never the package's system service) with the repo's
 * config `deploy/clickhouse/config.xml`. That file holds container defaults; ports, listen address
 * and every path are overridden on the command line (`-- --http_port=...`, which 18.16 supports),
 * so all data lives under `.stack/data/clickhouse` and the server logs to `.stack/logs/clickhouse.log`.
 * HTTP on 127.0.0.1:18123, native TCP on 127.0.0.1:19000, user `default` without a password.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureAptPackages } from './apt.ts';
import { endpointEnvVars, localUrls } from './local-urls.ts';
import { repoRoot, stackPaths } from './paths.ts';
import { alreadyUp, assertPortFree, startDetached, stopDetached, waitUntilHealthy } from './process.ts';
import type { LocalService } from './service.ts';

const name = 'clickhouse';
const envVar = endpointEnvVars.clickhouse;
/** http://127.0.0.1:18123: the HTTP interface, which bereik and the client use. */
const localUrl = localUrls.clickhouse;
const host = new URL(localUrl).hostname;
const httpPort = Number(new URL(localUrl).port);
/** The native protocol (clickhouse-client), offset like the HTTP port. */
const tcpPort = 19000;
const startTimeoutMs = 60_000;

/** Debian puts the server in /usr/sbin (not /usr/bin). */
export const clickhouseServerBinary = '/usr/sbin/clickhouse-server';
const clientBinary = '/usr/bin/clickhouse-client';
const aptPackages = ['clickhouse-server', 'clickhouse-client'] as const;

/** The repo's server config (users.xml is found next to it). */
export const clickhouseConfigFile = path.join(repoRoot, 'deploy', 'clickhouse', 'config.xml');

/**
 * Arguments after `--` override single config keys (dotted for nested ones). Empty `logger.log`
 * and `logger.errorlog` switch the server's own log files off and `logger.console` sends the log
 * to stderr, which startDetached appends to the stack's log file, so start-up errors show up in
 * the tail that waitUntilHealthy reports.
 */
function serverArgs(dataDir: string): string[] {
  const dir = (sub: string) => `${path.join(dataDir, sub)}/`;
  return [
    `--config-file=${clickhouseConfigFile}`,
    '--',
    `--listen_host=${host}`,
    `--http_port=${httpPort}`,
    `--tcp_port=${tcpPort}`,
    `--path=${dataDir}/`,
    `--tmp_path=${dir('tmp')}`,
    `--user_files_path=${dir('user_files')}`,
    `--format_schema_path=${dir('format_schemas')}`,
    '--logger.log=',
    '--logger.errorlog=',
    '--logger.console=1',
  ];
}

/** GET on the local HTTP interface; the body, or undefined when it did not answer 200. */
async function httpGet(pathAndQuery: string, timeoutMs = 2000): Promise<string | undefined> {
  const response = await fetch(`${localUrl}${pathAndQuery}`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  return response.ok ? body : undefined;
}

/** Runs one read-only query through the HTTP interface and returns its TabSeparated output. */
async function query(sql: string): Promise<string> {
  const body = await httpGet(`/?query=${encodeURIComponent(sql)}`, 5000);
  if (body === undefined) throw new Error(`query failed: ${sql}`);
  return body;
}

async function isHealthy(): Promise<boolean> {
  try {
    return (await httpGet('/ping')) === 'Ok.\n' && (await query('SELECT 1')) === '1\n';
  } catch {
    return false;
  }
}

async function install(): Promise<void> {
  await ensureAptPackages({
    service: name,
    packages: aptPackages,
    binaries: [clickhouseServerBinary, clientBinary],
  });
}

const startHint =
  `read the log; \`bereik stack down\` stops a half-started server, and deleting ${stackPaths.data(name)} ` +
  'starts ClickHouse from an empty data folder';

export const clickhouse: LocalService = {
  name,
  envVar,
  localUrl,

  install,

  async start(): Promise<void> {
    if (await isHealthy()) return;
    await install();
    if (await alreadyUp(name, isHealthy, { timeoutMs: startTimeoutMs, hint: startHint })) return;
    await assertPortFree(name, httpPort, envVar);
    await assertPortFree(name, tcpPort, envVar);
    const dataDir = stackPaths.data(name);
    mkdirSync(dataDir, { recursive: true });
    const pid = startDetached({
      service: name,
      command: clickhouseServerBinary,
      args: serverArgs(dataDir),
      cwd: dataDir,
    });
    await waitUntilHealthy(name, isHealthy, { timeoutMs: startTimeoutMs, pid, hint: startHint });
  },

  isHealthy,

  async stop(): Promise<void> {
    await stopDetached(name);
  },

  async describe(): Promise<string> {
    const version = (await query('SELECT version()')).trim();
    return `ClickHouse ${version}, native tcp ${host}:${tcpPort}, data ${stackPaths.data(name)}`;
  },
};
