/**
 * What the Java pieces of the local stack (Kafka, Apicurio Registry) share: finding a `java` of
 * the right version, and resolving artifacts from Maven Central with the installed `mvn` into a
 * local repository under `.stack/downloads/m2`, so a clean clone caches into the ignored folder
 * and a second run downloads nothing.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError } from './errors.ts';
import { stackPaths } from './paths.ts';

const run = promisify(execFile);

/** The Maven local repository of the stack (jars and archives, kept across runs). */
export const mavenRepoLocal = path.join(stackPaths.downloads, 'm2');

/**
 * The dependency plugin, pinned so Maven never looks up a version. 2.8 (Maven 3.8's default):
 * 3.x reads the artifact's POM for `get`/`copy`, and the Apicurio Registry app's POM names a
 * parent (io.apicurio:apicurio-registry) that is not on Maven Central, so 3.x fails where 2.8
 * fetches the archive.
 */
export const dependencyPlugin = 'org.apache.maven.plugins:maven-dependency-plugin:2.8';

/** Kafka 4 and Apicurio Registry 3.0 need Java 17. */
const minimumJava = 17;

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH. */
export function javaCommand(): string {
  const home = process.env['JAVA_HOME'];
  if (home !== undefined && home !== '') {
    const candidate = path.join(home, 'bin', 'java');
    if (existsSync(candidate)) return candidate;
  }
  return 'java';
}

let javaMajor: number | undefined;

/** The major version of the installed Java; a StackError naming `piece` when it is missing or too old. */
export async function requireJava(piece: string): Promise<number> {
  javaMajor ??= await checkJava(piece);
  return javaMajor;
}

async function checkJava(piece: string): Promise<number> {
  const java = javaCommand();
  let output: string;
  try {
    const { stdout, stderr } = await run(java, ['-version'], { timeout: 20_000 });
    output = `${stderr}${stdout}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StackError(
      piece,
      code === 'ENOENT' ? `no \`${java}\` on PATH (${piece} runs on Java)` : `\`${java} -version\` failed`,
      `install a JDK ${minimumJava}+: apt-get install openjdk-17-jre-headless (or set JAVA_HOME)`,
      { cause: error },
    );
  }
  // `openjdk version "17.0.15"`, `java version "1.8.0_402"`, `openjdk version "21" 2023-09-19`
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const first = Number(match?.[1] ?? NaN);
  const major = first === 1 ? Number(match?.[2] ?? NaN) : first;
  if (!Number.isFinite(major)) {
    throw new StackError(
      piece,
      `cannot read the version from \`${java} -version\`: ${output.trim()}`,
      `install a JDK ${minimumJava}+: apt-get install openjdk-17-jre-headless`,
    );
  }
  if (major < minimumJava) {
    throw new StackError(
      piece,
      `\`${java}\` is Java ${major}, Kafka 4 and Apicurio Registry 3 need Java ${minimumJava}+`,
      `install a JDK ${minimumJava}+: apt-get install openjdk-17-jre-headless, and put it first on PATH or set JAVA_HOME`,
    );
  }
  return major;
}

/** One mvn at a time: pieces install in parallel, but they share the local repository and its plugins. */
let mavenQueue: Promise<unknown> = Promise.resolve();

export interface MavenRun {
  /** The stack piece, for messages. */
  piece: string;
  /** What is being resolved, for messages: e.g. `Apache Kafka 4.4.0 and its dependencies`. */
  what: string;
  /** Arguments after the common ones (batch mode, local repository). */
  args: readonly string[];
  /** Where mvn's output goes (overwritten). */
  logFile: string;
  /** Kill mvn after this long. @default 15 minutes */
  timeoutMs?: number;
}

/** Runs mvn with the stack's local repository; a StackError that says what to do when it fails. */
export function runMaven(spec: MavenRun): Promise<void> {
  const next = mavenQueue.then(() => runMavenNow(spec));
  mavenQueue = next.catch(() => undefined);
  return next;
}

async function runMavenNow(spec: MavenRun): Promise<void> {
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  mkdirSync(mavenRepoLocal, { recursive: true });
  // -U: retry artifacts an earlier, failed run recorded as missing (releases already present are not fetched again).
  const args = ['-B', '-U', '--no-transfer-progress', `-Dmaven.repo.local=${mavenRepoLocal}`, ...spec.args];
  const out = openSync(spec.logFile, 'w');
  writeSync(out, `$ mvn ${args.join(' ')}\n`);
  let outcome: { code: number | null; signal: NodeJS.Signals | null; timedOut: boolean };
  try {
    outcome = await new Promise((resolve, reject) => {
      // cwd: the downloads folder, so no pom.xml of the current directory is picked up by accident.
      const child = spawn('mvn', args, { cwd: stackPaths.downloads, stdio: ['ignore', out, out] });
      let timedOut = false;
      const timer = setTimeout(
        () => {
          timedOut = true;
          child.kill('SIGKILL');
        },
        spec.timeoutMs ?? 15 * 60_000,
      );
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, timedOut });
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StackError(
      spec.piece,
      code === 'ENOENT'
        ? `no \`mvn\` on PATH: Maven resolves ${spec.what} from Maven Central`
        : `could not run mvn`,
      'install Maven 3.6+: apt-get install maven',
      { logFile: spec.logFile, cause: error },
    );
  } finally {
    closeSync(out);
  }
  if (outcome.code === 0) return;
  const log = readFileSync(spec.logFile, 'utf8');
  const errors = log
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('[ERROR]') &&
        !/^\[ERROR\]\s*$|-e switch|-X switch|For more information|\[Help 1\] http/.test(line),
    )
    .slice(0, 3)
    .map((line) => `    ${line}`)
    .join('\n');
  const unreachable =
    /Could not transfer|Unknown ?Host|Connection refused|Connect(ion)? timed out|Network is unreachable|No route to host|Could not resolve host|transfer failed|Temporary failure in name resolution|PKIX path/i.test(
      log,
    );
  if (outcome.timedOut) {
    throw new StackError(
      spec.piece,
      `mvn did not finish resolving ${spec.what} within ${Math.round((spec.timeoutMs ?? 15 * 60_000) / 60_000)} min`,
      'check the network to https://repo.maven.apache.org/maven2, then run `npm run stack:up` again (what was downloaded is kept)',
      { logFile: spec.logFile },
    );
  }
  if (unreachable) {
    throw new StackError(
      spec.piece,
      `could not download ${spec.what} from Maven Central:\n${errors}`,
      'check that this machine reaches https://repo.maven.apache.org/maven2 (a proxy or mirror goes in ~/.m2/settings.xml), then run `npm run stack:up` again',
      { logFile: spec.logFile },
    );
  }
  throw new StackError(
    spec.piece,
    `mvn failed (exit ${outcome.code ?? outcome.signal ?? 'unknown'}) resolving ${spec.what}:\n${errors}`,
    'read the mvn log; a corrupt download is fixed by deleting .stack/downloads/m2 and running `npm run stack:up` again',
    { logFile: spec.logFile },
  );
}
