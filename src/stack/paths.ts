/**
 * Where the local stack keeps its downloads, installs, data, logs and pid files: one git-ignored
 * folder (`.stack/` in the repository, or BEREIK_STACK_DIR), so a clean clone starts from nothing
 * and a second run reuses what the first one fetched.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The stack folder. @default `<repo>/.stack` */
export const stackDir = path.resolve(process.env['BEREIK_STACK_DIR'] ?? path.join(repoRoot, '.stack'));

export const stackPaths = {
  /** Downloaded archives and resolved jars, kept across runs. */
  downloads: path.join(stackDir, 'downloads'),
  /** Unpacked software, kept across runs. */
  installs: path.join(stackDir, 'installs'),
  /** Per-service data folder. */
  data: (service: string) => path.join(stackDir, 'data', service),
  /** Per-service log file (stdout and stderr of the process). */
  log: (service: string) => path.join(stackDir, 'logs', `${service}.log`),
  /** Per-service pid file of the running process. */
  pid: (service: string) => path.join(stackDir, 'run', `${service}.pid`),
} as const;
