/**
 * Current ClickHouse next to the stack's 18.16 server: chdb (PyPI `chdb-core`, ClickHouse 26.x
 * embedded in a Python module) in a venv under `.stack/installs/chdb-venv`, driven by
 * `scripts/chdb-run.py`. Lets tests check that bereik's SQL runs on both the old server and a
 * recent engine, without a second server process.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError } from './errors.ts';
import { repoRoot, stackPaths } from './paths.ts';

const run = promisify(execFile);

const piece = 'chdb';
/** Pinned so every machine checks against the same engine (chdb-core 26.9.0 embeds ClickHouse 26.9.2.1). */
const chdbPackage = 'chdb-core==26.9.0';
const venvDir = path.join(stackPaths.installs, 'chdb-venv');
const venvPython = path.join(venvDir, 'bin', 'python');
/** Written after a successful install; holds the package spec, so a new pin reinstalls. */
const marker = path.join(venvDir, '.bereik-installed');
const runner = path.join(repoRoot, 'scripts', 'chdb-run.py');
const installLog = stackPaths.log('chdb-install');

let installing: Promise<void> | undefined;

/** The venv's Python with chdb importable; installs the venv on first use (about 15 s, ~900 MB). */
export async function ensureChdb(): Promise<string> {
  if (isInstalled()) return venvPython;
  installing ??= install().finally(() => {
    installing = undefined;
  });
  await installing;
  return venvPython;
}

function isInstalled(): boolean {
  return existsSync(venvPython) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === chdbPackage;
}

async function install(): Promise<void> {
  mkdirSync(path.dirname(installLog), { recursive: true });
  const python = process.env['BEREIK_PYTHON'] ?? 'python3';
  const step = async (what: string, command: string, args: string[], hint: string) => {
    try {
      const { stdout, stderr } = await run(command, args, {
        maxBuffer: 64 * 1024 * 1024,
        timeout: 15 * 60_000,
      });
      writeFileSync(installLog, `$ ${command} ${args.join(' ')}\n${stdout}${stderr}`, { flag: 'a' });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      const output = `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
      writeFileSync(installLog, `$ ${command} ${args.join(' ')}\n${output}\n`, { flag: 'a' });
      const tail = output
        .trimEnd()
        .split('\n')
        .slice(-10)
        .map((l) => `    ${l}`)
        .join('\n');
      throw new StackError(piece, `${what} failed:\n${tail}`, hint, { logFile: installLog, cause: error });
    }
  };
  // A half-made venv (interrupted install) is replaced rather than repaired.
  rmSync(venvDir, { recursive: true, force: true });
  await step(
    'creating the Python venv',
    python,
    ['-m', 'venv', venvDir],
    `install Python 3.9+ with venv support (Debian: \`apt-get install -y python3 python3-venv\`), or set BEREIK_PYTHON`,
  );
  await step(
    `pip install ${chdbPackage}`,
    venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', chdbPackage],
    `check that PyPI is reachable (\`${venvPython} -m pip install ${chdbPackage}\`), then try again`,
  );
  writeFileSync(marker, `${chdbPackage}\n`);
}

export interface ChdbRunOptions {
  /** Output format of each statement's result. @default 'TabSeparated' */
  format?: string;
  /** Run all statements even after one failed (the promise still rejects, with every error). */
  keepGoing?: boolean;
}

/**
 * Runs SQL (statements separated by `;` at the end of a line) in one fresh chdb session and
 * resolves with the concatenated results; rejects with ClickHouse's error messages when a
 * statement fails.
 */
export async function runOnChdb(sql: string, options: ChdbRunOptions = {}): Promise<string> {
  const python = await ensureChdb();
  const args = [
    runner,
    '--format',
    options.format ?? 'TabSeparated',
    ...(options.keepGoing === true ? ['--keep-going'] : []),
    '-',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else
        reject(new Error(`chdb (exit ${code ?? 'signal'}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.end(sql);
  });
}
