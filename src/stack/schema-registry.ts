/**
 * The Schema Registry of the local stack: Apicurio Registry, whose Confluent-compatible API at
 * /apis/ccompat/v7 is what bereik and @kafkajs/confluent-schema-registry talk to. It runs from
 * the `all` assembly on Maven Central (io.apicurio:apicurio-registry-app, tar.gz, classifier
 * `all`: a runnable Quarkus application), with its schemas in an H2 database on disk
 * (`.stack/data/schema-registry`), no authentication and HTTP on 127.0.0.1:18081.
 *
 * - Install: `mvn dependency:get` puts the archive into `.stack/downloads/m2`; it is unpacked into
 *   `.stack/installs/apicurio-registry-<version>`; a marker file written after a complete unpack
 *   makes a second install a no-op and an interrupted one start over.
 * - Start: `java -jar <runner jar>` with the settings below as system properties.
 * - Health: GET /apis/ccompat/v7/subjects answers 200.
 *
 * The version and the ccompat settings are chosen with scripts/check-schema-registry.ts; see
 * docs/stack.md, "Schema Registry".
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError } from './errors.ts';
import { dependencyPlugin, javaCommand, mavenRepoLocal, requireJava, runMaven } from './java.ts';
import { endpointEnvVars, localUrls } from './local-urls.ts';
import { stackPaths } from './paths.ts';
import { assertPortFree, runningPid, startDetached, stopDetached, waitUntilHealthy } from './process.ts';
import type { LocalService } from './service.ts';

const run = promisify(execFile);

/**
 * The newest Apicurio Registry on Maven Central that runs on Java 17: 3.3.x is compiled for
 * Java 21 (class file version 65) and fails at start with UnsupportedClassVersionError.
 */
export const APICURIO_VERSION = '3.0.9';

const name = 'schema-registry';
const envVar = endpointEnvVars.schemaRegistry;
const localUrl = localUrls.schemaRegistry;
const host = '127.0.0.1';
const port = 18081;
const startTimeoutMs = 90_000;
const dataDir = stackPaths.data(name);

/**
 * The registry's settings (system properties; as environment variables in a container, e.g.
 * APICURIO_CCOMPAT_USE_CANONICAL_HASH=true). Why each ccompat one is needed: docs/stack.md.
 */
export const apicurioSettings: Readonly<Record<string, string>> = {
  'quarkus.http.host': host,
  'quarkus.http.port': String(port),
  // On disk beside Kafka's data: the schema ids in the messages Kafka keeps across a restart of
  // the stack still name their schemas (Confluent's registry keeps its schemas in Kafka itself).
  'apicurio.storage.kind': 'sql',
  'apicurio.storage.sql.kind': 'h2',
  'apicurio.datasource.url': `jdbc:h2:file:${path.join(dataDir, 'registry')}`,
  'apicurio.datasource.jdbc.initial-size': '2',
  'apicurio.datasource.jdbc.min-size': '2',
  'apicurio.datasource.jdbc.max-size': '20',
  // Confluent semantics: the same schema, however formatted, is the same schema (same id).
  'apicurio.ccompat.use-canonical-hash': 'true',
  // Ids are content ids, as Confluent's: one id per distinct schema, shared across subjects.
  'apicurio.ccompat.legacy-id-mode.enabled': 'false',
  // Confluent's default: a subject without its own setting is checked for BACKWARD compatibility.
  'apicurio.rules.global.compatibility': 'BACKWARD',
  // Quiet log: no line per HTTP request (the health check polls).
  'quarkus.http.access-log.enabled': 'false',
};

const artifact = `io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`;
const archive = path.join(
  mavenRepoLocal,
  'io',
  'apicurio',
  'apicurio-registry-app',
  APICURIO_VERSION,
  `apicurio-registry-app-${APICURIO_VERSION}-all.tar.gz`,
);
const installDir = path.join(stackPaths.installs, `apicurio-registry-${APICURIO_VERSION}`);
/** Written after a complete unpack: version, the jar to run and how many jars the lib folder has. */
const markerFile = path.join(installDir, 'installed.json');
const installLog = stackPaths.log('schema-registry-install');
const logFile = stackPaths.log(name);

interface Marker {
  version: string;
  /** Relative to installDir: `apicurio-registry-app-<v>-runner.jar` (3.0) or `quarkus-run.jar` (3.1+). */
  runnerJar: string;
  libJars: number;
}

function readMarker(): Marker | undefined {
  if (!existsSync(markerFile)) return undefined;
  try {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as Partial<Marker>;
    return marker.version === APICURIO_VERSION &&
      typeof marker.runnerJar === 'string' &&
      typeof marker.libJars === 'number' &&
      existsSync(path.join(installDir, marker.runnerJar))
      ? (marker as Marker)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Every jar below `dir`, counted (the assembly keeps them in lib/ or lib/main and lib/boot). */
async function countJars(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((entry) => entry.endsWith('.jar')).length;
}

async function installed(): Promise<Marker | undefined> {
  const marker = readMarker();
  if (marker === undefined) return undefined;
  return (await countJars(path.join(installDir, 'lib')).catch(() => -1)) === marker.libJars
    ? marker
    : undefined;
}

async function install(): Promise<void> {
  await installOrRead();
}

async function installOrRead(): Promise<Marker> {
  const existing = await installed();
  if (existing !== undefined) return existing;
  await requireJava(name);
  if (!existsSync(archive)) {
    await runMaven({
      piece: name,
      what: `Apicurio Registry ${APICURIO_VERSION} (${artifact})`,
      args: [`${dependencyPlugin}:get`, `-Dartifact=${artifact}`, '-Dtransitive=false'],
      logFile: installLog,
    });
  }
  // Unpack next to the target and rename, so an interrupted unpack never looks complete.
  const partial = `${installDir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await rm(installDir, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    await run('tar', ['-xzf', archive, '-C', partial], { timeout: 5 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    // A damaged archive is downloaded again next time.
    await rm(archive, { force: true });
    throw new StackError(
      name,
      `unpacking ${archive} failed (deleted it, so the next run downloads it again)`,
      'run `npm run stack:up` again; `tar` (with gzip) must be installed',
      { cause: error },
    );
  }
  const top = await readdir(partial);
  const runnerJar =
    top.find((file) => file.endsWith('-runner.jar')) ??
    (top.includes('quarkus-run.jar') ? 'quarkus-run.jar' : undefined);
  if (runnerJar === undefined || !existsSync(path.join(partial, 'lib'))) {
    throw new StackError(
      name,
      `${archive} has no runnable jar (expected *-runner.jar or quarkus-run.jar next to lib/)`,
      `delete ${archive} and run \`npm run stack:up\` again`,
      { logFile: installLog },
    );
  }
  const marker: Marker = {
    version: APICURIO_VERSION,
    runnerJar,
    libJars: await countJars(path.join(partial, 'lib')),
  };
  await writeFile(path.join(partial, 'installed.json'), `${JSON.stringify(marker, undefined, 2)}\n`);
  await rename(partial, installDir);
  return marker;
}

function baseUrl(): string {
  const fromEnv = process.env[envVar];
  return (fromEnv !== undefined && fromEnv !== '' ? fromEnv : localUrl).replace(/\/+$/, '');
}

/** The Confluent-compatible API answers: GET /subjects is 200. */
async function isHealthy(): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl()}/subjects`, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function start(): Promise<void> {
  if (await isHealthy()) return;
  // Our own process from an earlier run that is not healthy (stuck or half started): replace it.
  if (runningPid(name) !== undefined) await stopDetached(name);
  await requireJava(name);
  const marker = await installOrRead();
  await assertPortFree(name, port, envVar);
  await mkdir(dataDir, { recursive: true });
  const pid = startDetached({
    service: name,
    command: javaCommand(),
    args: [
      '-Xms64m',
      '-Xmx384m',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      ...Object.entries(apicurioSettings).map(([key, value]) => `-D${key}=${value}`),
      '-jar',
      path.join(installDir, marker.runnerJar),
    ],
    cwd: installDir,
  });
  await waitUntilHealthy(name, isHealthy, {
    timeoutMs: startTimeoutMs,
    pid,
    hint: `read ${logFile}; if its database is damaged, delete ${dataDir} (the local schemas only: messages already in Kafka then no longer decode, so delete ${stackPaths.data('kafka')} too) and run \`npm run stack:up\` again`,
  });
}

async function stop(): Promise<void> {
  await stopDetached(name);
}

async function describe(): Promise<string> {
  let version = APICURIO_VERSION;
  try {
    // The registry's own API, next to the ccompat one: /apis/registry/v3/system/info.
    const info = new URL('/apis/registry/v3/system/info', baseUrl());
    const response = await fetch(info, { signal: AbortSignal.timeout(2000) });
    if (response.ok) version = ((await response.json()) as { version?: string }).version ?? version;
  } catch {
    // keep the configured version
  }
  return `Apicurio Registry ${version} (Confluent API at /apis/ccompat/v7), data in ${dataDir}`;
}

export const schemaRegistry: LocalService = {
  name,
  envVar,
  localUrl,
  install,
  start,
  isHealthy,
  stop,
  describe,
};
