import { describe, expect, it } from 'vitest';
import {
  isKafkajsNegativeTimeout,
  logProcessWarning,
  printedWarning,
  printProcessWarnings,
} from '../../../src/telemetry/process-warnings.ts';
import { recordingLogger } from '../../helpers/recording-logger.ts';

/** A warning as Node builds it for setTimeout(fn, negative), with the stack kafkajs gives it. */
function negativeTimeoutWarning(stack: string): Error {
  const warning = new Error('-1796399198711 is a negative number.\nTimeout duration was set to 1.');
  warning.name = 'TimeoutNegativeWarning';
  warning.stack = `TimeoutNegativeWarning: -1796399198711 is a negative number.\n${stack}`;
  return warning;
}

describe('process warnings in the log', () => {
  it('logs kafkajs asking for a timer in the past at debug, on one line', () => {
    const log = recordingLogger();
    const { lines } = log;
    logProcessWarning(
      log,
      negativeTimeoutWarning(
        '    at RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src/network/requestQueue/index.js:317:37)',
      ),
    );
    expect(lines).toEqual([
      {
        level: 'debug',
        message: 'kafkajs asked for a timer in the past; Node runs it at once',
        fields: {
          warning: 'TimeoutNegativeWarning',
          detail: '-1796399198711 is a negative number. Timeout duration was set to 1.',
        },
      },
    ]);
  });

  it('logs the same warning from anywhere else at warn', () => {
    const log = recordingLogger();
    const { lines } = log;
    const warning = negativeTimeoutWarning('    at schedule (/app/dist/pipeline/retry.js:12:3)');
    expect(isKafkajsNegativeTimeout(warning)).toBe(false);
    logProcessWarning(log, warning);
    expect(lines.map((l) => [l.level, l.message])).toEqual([['warn', 'Node.js warning']]);
  });

  it('logs any other warning at warn with its name and message', () => {
    const log = recordingLogger();
    const { lines } = log;
    const warning = new Error('Possible EventEmitter memory leak detected.');
    warning.name = 'MaxListenersExceededWarning';
    logProcessWarning(log, warning);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'Node.js warning',
        fields: {
          warning: 'MaxListenersExceededWarning',
          detail: 'Possible EventEmitter memory leak detected.',
        },
      },
    ]);
  });
});

describe('process warnings printed for people', () => {
  it('drops kafkajs asking for a timer in the past', () => {
    const warning = negativeTimeoutWarning(
      '    at RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src/network/requestQueue/index.js:317:37)',
    );
    expect(printedWarning(warning, 42)).toBeUndefined();
  });

  it('prints any other warning as Node does, with the process id, name and message', () => {
    const warning = new Error('Possible EventEmitter memory leak detected.');
    warning.name = 'MaxListenersExceededWarning';
    expect(printedWarning(warning, 42)).toBe(
      '(node:42) MaxListenersExceededWarning: Possible EventEmitter memory leak detected.',
    );
    const elsewhere = negativeTimeoutWarning('    at schedule (/app/dist/pipeline/retry.js:12:3)');
    expect(printedWarning(elsewhere, 42)).toBe(
      '(node:42) TimeoutNegativeWarning: -1796399198711 is a negative number.\nTimeout duration was set to 1.',
    );
  });

  it('prints through the process, and not at all under node --no-warnings', () => {
    const before = process.listeners('warning');
    const flagged = process as { noProcessWarnings?: boolean | undefined };
    const flagBefore = flagged.noProcessWarnings;
    const printed: string[] = [];
    try {
      printProcessWarnings((line) => printed.push(line));
      const warning = new Error('Possible EventEmitter memory leak detected.');
      warning.name = 'MaxListenersExceededWarning';
      flagged.noProcessWarnings = true;
      process.emit('warning', warning);
      expect(printed).toEqual([]);
      flagged.noProcessWarnings = false;
      process.emit('warning', warning);
      expect(printed).toEqual([
        `(node:${process.pid}) MaxListenersExceededWarning: Possible EventEmitter memory leak detected.`,
      ]);
    } finally {
      flagged.noProcessWarnings = flagBefore;
      process.removeAllListeners('warning');
      for (const listener of before) process.on('warning', listener);
    }
  });
});
