/**
 * Installing a stack piece from Debian's own packages (ClickHouse, Prometheus): idempotent, one
 * apt-get at a time, without letting the package start its own system service, and with a
 * StackError that says what to run when we are not root or the mirror cannot be reached.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { StackError } from './errors.ts';

const run = promisify(execFile);

/** What one piece needs from apt: the binaries that must exist and the packages that bring them. */
export interface AptPieces {
  /** The stack piece, for messages. */
  service: string;
  /** Debian packages to install when a binary is missing. */
  packages: readonly string[];
  /** Absolute paths that must exist afterwards. */
  binaries: readonly string[];
}

/** Serialises installs of this process: stackUp installs pieces in parallel, dpkg takes one at a time. */
let queue: Promise<unknown> = Promise.resolve();

/** Installs `packages` with apt-get when one of `binaries` is missing; a no-op otherwise. */
export async function ensureAptPackages(pieces: AptPieces): Promise<void> {
  if (pieces.binaries.every((b) => existsSync(b))) return;
  const next = queue.then(() => installNow(pieces));
  queue = next.catch(() => undefined);
  await next;
}

async function installNow(pieces: AptPieces): Promise<void> {
  // A parallel caller may have installed the same packages while we waited in the queue.
  if (pieces.binaries.every((b) => existsSync(b))) return;
  const command = `apt-get install -y --no-install-recommends ${pieces.packages.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new StackError(
      pieces.service,
      `${pieces.binaries.filter((b) => !existsSync(b)).join(', ')} missing, and installing it needs root`,
      `run \`sudo apt-get update && sudo ${command}\` once, then try again`,
    );
  }
  const policy = '/usr/sbin/policy-rc.d';
  // policy-rc.d exit 101 = "do not start services": the package's own postinst would otherwise
  // start (and enable) its system service on the default ports; we run our own process instead.
  const ownPolicy = !existsSync(policy);
  if (ownPolicy)
    writeFileSync(policy, '#!/bin/sh\n# written by bereik stack for the duration of an install\nexit 101\n', {
      mode: 0o755,
    });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () =>
      run(
        'apt-get',
        ['-o', 'DPkg::Lock::Timeout=120', 'install', '-y', '--no-install-recommends', ...pieces.packages],
        {
          env,
          maxBuffer: 64 * 1024 * 1024,
        },
      );
    try {
      await install();
    } catch {
      // Usually the package lists are missing or stale (fresh machine, image without lists): refresh once.
      try {
        await run('apt-get', ['-o', 'DPkg::Lock::Timeout=120', 'update'], {
          env,
          maxBuffer: 64 * 1024 * 1024,
        });
        await install();
      } catch (error) {
        // apt's own output is the explanation; the exec error as cause would only repeat it.
        throw new StackError(
          pieces.service,
          `\`${command}\` failed (no network to Debian's package mirror?):\n${outputTail(error)}`,
          `check that \`apt-get update\` reaches the Debian mirror, then run \`${command}\` by hand`,
        );
      }
    }
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  const missing = pieces.binaries.filter((b) => !existsSync(b));
  if (missing.length > 0) {
    throw new StackError(
      pieces.service,
      `\`${command}\` succeeded but ${missing.join(', ')} is still missing`,
      `check \`dpkg -L ${pieces.packages.join(' ')}\` for where the package put its binaries`,
    );
  }
}

/** The last lines of a failed command's stdout and stderr (its message when it printed nothing), indented. */
function outputTail(error: unknown, lines = 15): string {
  const e = error as { stdout?: unknown; stderr?: unknown; message?: unknown };
  const printed = [e.stdout, e.stderr].filter((t): t is string => typeof t === 'string').join('\n');
  const text = printed.trim() === '' && typeof e.message === 'string' ? e.message : printed;
  return text
    .trimEnd()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n');
}
