/**
 * Node's process warnings, in the processor's log instead of bare text on stderr: the log is one
 * JSON object per line, and a log shipper parsing it would stumble over Node's own format. The
 * commands that print for people (the simulator, the dead-letter replay) print them as Node does,
 * without the known one below.
 *
 * One warning is known and harmless: kafkajs 2.2.4 asks for a timer of `throttledUntil - now`
 * before any throttle was seen, a large negative delay, which Node 24 reports as a
 * TimeoutNegativeWarning and runs after 1 ms, as older Node did silently. It comes with every
 * connection, so it is logged at debug; every other warning at warn.
 */
import type { Logger } from './logger.ts';

/** Whether a warning is kafkajs's negative request-queue timer (see above). */
export function isKafkajsNegativeTimeout(warning: Error): boolean {
  return warning.name === 'TimeoutNegativeWarning' && /kafkajs/.test(warning.stack ?? '');
}

/** Logs a process warning: the known kafkajs one at debug, any other at warn. */
export function logProcessWarning(log: Logger, warning: Error): void {
  const fields = { warning: warning.name, detail: warning.message.replaceAll('\n', ' ') };
  if (isKafkajsNegativeTimeout(warning))
    log.debug('kafkajs asked for a timer in the past; Node runs it at once', fields);
  else log.warn('Node.js warning', fields);
}

/**
 * From now on the process's warnings go to `log` only (Node's default printer is removed). For the
 * process's entry point: it changes how the whole process reports warnings.
 */
export function routeProcessWarnings(log: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    logProcessWarning(log, warning);
  });
}

/** How a command that prints for people shows a warning: as Node does, the known kafkajs one not at all. */
export function printedWarning(warning: Error, pid = process.pid): string | undefined {
  return isKafkajsNegativeTimeout(warning) ? undefined : `(node:${pid}) ${warning.name}: ${warning.message}`;
}

/**
 * From now on the process's warnings are printed by `printedWarning` (Node's default printer is
 * removed). `node --no-warnings` still silences them all, as it does Node's own printer: the
 * 'warning' event fires either way.
 */
export function printProcessWarnings(print: (line: string) => void = console.warn): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if ((process as { noProcessWarnings?: boolean }).noProcessWarnings === true) return;
    const line = printedWarning(warning);
    if (line !== undefined) print(line);
  });
}
