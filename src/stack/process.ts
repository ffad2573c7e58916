/**
 * Running a stack piece as a detached local process: pid file, log file, a wait for a real
 * health check with a timeout, a check that its port is free, and a stop that takes the whole
 * process group down so nothing stray is left behind.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './errors.ts';
import { stackPaths } from './paths.ts';

export interface DetachedProcess {
  service: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Starts the command in its own process group, appending stdout and stderr to the service's log. */
export function startDetached(spec: DetachedProcess): number {
  const logFile = stackPaths.log(spec.service);
  const pidFile = stackPaths.pid(spec.service);
  mkdirSync(path.dirname(logFile), { recursive: true });
  mkdirSync(path.dirname(pidFile), { recursive: true });
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) {
      throw new StackError(spec.service, `could not start ${spec.command}`, 'check that the command exists', {
        logFile,
      });
    }
    child.unref();
    writeFileSync(pidFile, String(child.pid));
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** The pid from the pid file when that process is still alive. */
export function runningPid(service: string): number | undefined {
  const pidFile = stackPaths.pid(service);
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when the piece needs no new process: it is healthy, or our own process from an earlier
 * call is still starting (then this waits for it rather than starting a second one).
 */
export async function alreadyUp(
  service: string,
  isHealthy: () => Promise<boolean>,
  options: { timeoutMs: number; hint: string },
): Promise<boolean> {
  if (await isHealthy()) return true;
  const pid = runningPid(service);
  if (pid === undefined) return false;
  await waitUntilHealthy(service, isHealthy, { ...options, pid });
  return true;
}

/** Sends SIGTERM to the process group, waits, then SIGKILL; removes the pid file. */
export async function stopDetached(service: string, graceMs = 20_000): Promise<void> {
  const pid = runningPid(service);
  if (pid !== undefined) {
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(200);
    if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(100);
  }
  rmSync(stackPaths.pid(service), { force: true });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the whole group, so wrapper scripts do not leave their Java child behind.
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/** Fails with a clear message when another program already listens on a port we need. */
export async function assertPortFree(service: string, port: number, envVar: string): Promise<void> {
  if (await isPortOpen(port)) {
    throw new StackError(
      service,
      `port ${port} on 127.0.0.1 is taken by another program`,
      `stop that program (see \`ss -ltnp 'sport = :${port}'\`), or point bereik at it by setting ${envVar}`,
    );
  }
}

/**
 * Polls a health check until it passes. Fails early when the process died, and after the
 * timeout with the tail of the log, so the user sees why.
 */
export async function waitUntilHealthy(
  service: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; pid?: number; hint: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const logFile = stackPaths.log(service);
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    if (options.pid !== undefined && !isAlive(options.pid)) {
      throw new StackError(
        service,
        `the process exited during start-up:\n${logTail(logFile)}`,
        options.hint,
        {
          logFile,
        },
      );
    }
    await sleep(500);
  }
  throw new StackError(
    service,
    `not healthy after ${Math.round(options.timeoutMs / 1000)} s:\n${logTail(logFile)}`,
    options.hint,
    { logFile },
  );
}

/** The last lines of a log file, indented, for error messages. */
export function logTail(logFile: string, lines = 15): string {
  if (!existsSync(logFile)) return '    (no log written)';
  const text = readFileSync(logFile, 'utf8').trimEnd().split('\n');
  return text
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n');
}
