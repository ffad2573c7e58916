/**
 * Apache Kafka for the local stack: one node in KRaft mode (broker and controller in one JVM),
 * broker on 127.0.0.1:19092, controller on 127.0.0.1:19093, run from the jars Maven resolves
 * from Maven Central (no Docker, no tarball from a mirror).
 *
 * - Install: `mvn` with `deploy/stack/kafka/pom.xml` copies org.apache.kafka:kafka_2.13 and its
 *   runtime dependencies (plus the Log4j 2 binding for SLF4J) into
 *   `.stack/installs/kafka-<version>/libs`, caching into `.stack/downloads/m2`. A marker file
 *   written after a complete copy makes a second install a no-op and an interrupted one start over.
 * - Start: `deploy/kafka/server.properties` with ports and paths filled in becomes
 *   `.stack/data/kafka/server.properties`; the storage in `.stack/data/kafka/storage` is formatted
 *   once with a fixed cluster id; then `java -cp 'libs/*' kafka.Kafka server.properties`.
 * - Health: a real Kafka request (kafkajs admin describeCluster), not just an open port.
 *
 * The version is chosen with scripts/check-kafka-compat.ts; see docs/stack.md, "Kafka".
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { StackError } from './errors.ts';
import { dependencyPlugin, javaCommand, requireJava, runMaven } from './java.ts';
import { endpointEnvVars, localUrls } from './local-urls.ts';
import { repoRoot, stackPaths } from './paths.ts';
import { assertPortFree, runningPid, startDetached, stopDetached, waitUntilHealthy } from './process.ts';
import type { LocalService } from './service.ts';

const run = promisify(execFile);

/** The broker version: the newest on Maven Central that passes scripts/check-kafka-compat.ts with kafkajs 2.2.4. */
export const KAFKA_VERSION = '4.4.0';

/** A fixed cluster id (base64url of the 16 bytes "bereikLocalKafka"), so the storage is formatted once and stays valid. */
export const KAFKA_CLUSTER_ID = 'YmVyZWlrTG9jYWxLYWZrYQ';

const name = 'kafka';
const envVar = endpointEnvVars.kafka;
const localUrl = localUrls.kafka;
const host = '127.0.0.1';
const port = 19092;
const controllerPort = 19093;
const startTimeoutMs = 60_000;
/** Heap of the broker: enough for tests and local runs, small enough for a 2-core CI machine. */
const heap = ['-Xms256m', '-Xmx640m'];

const pomFile = path.join(repoRoot, 'deploy', 'stack', 'kafka', 'pom.xml');
const templateFile = path.join(repoRoot, 'deploy', 'kafka', 'server.properties');
const log4jConfig = path.join(repoRoot, 'deploy', 'kafka', 'log4j2.properties');

const installDir = path.join(stackPaths.installs, `kafka-${KAFKA_VERSION}`);
const libsDir = path.join(installDir, 'libs');
/** Written after a complete copy: the version and every jar, so a half-finished copy is redone. */
const markerFile = path.join(installDir, 'installed.json');
const installLog = stackPaths.log('kafka-install');

const dataDir = stackPaths.data(name);
const storageDir = path.join(dataDir, 'storage');
const configFile = path.join(dataDir, 'server.properties');
const logFile = stackPaths.log(name);

interface Marker {
  version: string;
  jars: string[];
}

function readMarker(): Marker | undefined {
  if (!existsSync(markerFile)) return undefined;
  try {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as Partial<Marker>;
    return marker.version === KAFKA_VERSION && Array.isArray(marker.jars) ? (marker as Marker) : undefined;
  } catch {
    return undefined;
  }
}

function isInstalled(): boolean {
  const marker = readMarker();
  return (
    marker !== undefined &&
    marker.jars.length > 0 &&
    marker.jars.every((jar) => existsSync(path.join(libsDir, jar)))
  );
}

/** Installs the broker's jars (a no-op when they are there); also used by tests that run a second broker. */
export async function installKafka(): Promise<void> {
  if (isInstalled()) return;
  await requireJava(name);
  // Start from an empty folder: whatever a previous, interrupted copy left is not trusted.
  await rm(installDir, { recursive: true, force: true });
  await mkdir(libsDir, { recursive: true });
  await runMaven({
    piece: name,
    what: `Apache Kafka ${KAFKA_VERSION} (org.apache.kafka:kafka_2.13) and its dependencies`,
    args: [
      '-f',
      pomFile,
      `-Dkafka.version=${KAFKA_VERSION}`,
      `${dependencyPlugin}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libsDir}`,
    ],
    logFile: installLog,
  });
  const jars = (await readdir(libsDir)).filter((file) => file.endsWith('.jar')).sort();
  if (!jars.includes(`kafka_2.13-${KAFKA_VERSION}.jar`)) {
    throw new StackError(
      name,
      `mvn finished but ${libsDir} has no kafka_2.13-${KAFKA_VERSION}.jar`,
      'read the mvn log, delete .stack/installs/kafka-* and run `npm run stack:up` again',
      { logFile: installLog },
    );
  }
  const marker: Marker = { version: KAFKA_VERSION, jars };
  await writeFile(markerFile, `${JSON.stringify(marker, undefined, 2)}\n`);
}

/** server.properties from the repo's template with this machine's ports and paths. */
async function writeConfig(): Promise<void> {
  const config = await renderServerProperties({
    HOST: host,
    PORT: String(port),
    CONTROLLER_HOST: host,
    CONTROLLER_PORT: String(controllerPort),
    LOG_DIRS: storageDir,
  });
  await mkdir(dataDir, { recursive: true });
  await writeFile(configFile, config);
}

/** The repo's server.properties template with its placeholders filled in. */
export async function renderServerProperties(values: Readonly<Record<string, string>>): Promise<string> {
  const template = await readFile(templateFile, 'utf8');
  // Placeholders are filled in on setting lines only; comments may mention them.
  const config = template
    .split('\n')
    .map((line) =>
      line.trimStart().startsWith('#')
        ? line
        : line.replace(/@([A-Z_]+)@/g, (match, key: string) => values[key] ?? match),
    )
    .join('\n');
  const left = /^[^#\n]*(@[A-Z_]+@)/m.exec(config);
  if (left !== null) {
    throw new StackError(
      name,
      `${templateFile} has a placeholder the stack does not know: ${left[1] ?? left[0]}`,
      'fix the template',
    );
  }
  return config;
}

/** The java arguments that run one of Kafka's main classes from the installed jars. */
export function kafkaJavaArgs(
  mainClass: string,
  args: readonly string[],
  jvm: readonly string[] = [],
): string[] {
  return [
    ...jvm,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jConfig}`,
    '-cp',
    path.join(libsDir, '*'),
    mainClass,
    ...args,
  ];
}

/** Formats the KRaft storage once (a fixed cluster id, so later starts find it valid). */
async function formatStorage(): Promise<void> {
  if (existsSync(path.join(storageDir, 'meta.properties'))) return;
  await mkdir(storageDir, { recursive: true });
  try {
    await run(
      javaCommand(),
      kafkaJavaArgs(
        'kafka.tools.StorageTool',
        ['format', '-t', KAFKA_CLUSTER_ID, '-c', configFile, '--ignore-formatted'],
        ['-Xmx256m'],
      ),
      { timeout: 60_000, cwd: installDir },
    );
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    const output = `${stdout ?? ''}${stderr ?? ''}`.trim().split('\n').slice(-8).join('\n    ');
    throw new StackError(
      name,
      `formatting the storage in ${storageDir} failed:\n    ${output}`,
      `delete ${dataDir} (local Kafka data only) and run \`npm run stack:up\` again`,
      { cause: error },
    );
  }
}

function brokers(): string[] {
  const fromEnv = process.env[envVar];
  return (fromEnv !== undefined && fromEnv !== '' ? fromEnv : localUrl).split(',').map((b) => b.trim());
}

/** A real Kafka round trip: connect, ask for the cluster metadata, at least one broker answers. */
async function isHealthy(): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'bereik-stack-health',
    brokers: brokers(),
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function start(): Promise<void> {
  if (await isHealthy()) return;
  // Our own process from an earlier run that is not healthy (stuck or half started): replace it.
  if (runningPid(name) !== undefined) await stopDetached(name);
  await requireJava(name);
  await installKafka();
  await assertPortFree(name, port, envVar);
  await assertPortFree(name, controllerPort, envVar);
  await writeConfig();
  await formatStorage();
  const pid = startDetached({
    service: name,
    command: javaCommand(),
    args: kafkaJavaArgs(
      'kafka.Kafka',
      [configFile],
      [...heap, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExitOnOutOfMemoryError'],
    ),
    cwd: installDir,
  });
  await waitUntilHealthy(name, isHealthy, {
    timeoutMs: startTimeoutMs,
    pid,
    hint: `read ${logFile}; if the storage is damaged, delete ${dataDir} (local Kafka data only) and run \`npm run stack:up\` again`,
  });
}

async function stop(): Promise<void> {
  await stopDetached(name);
}

function describe(): Promise<string> {
  return Promise.resolve(
    `Apache Kafka ${KAFKA_VERSION} (KRaft, one node, controller ${host}:${controllerPort}), data in ${dataDir}`,
  );
}

export const kafka: LocalService = {
  name,
  envVar,
  localUrl,
  install: installKafka,
  start,
  isHealthy,
  stop,
  describe,
};
