/** A Logger that keeps every line it is given, for tests that check what was logged, and at which level. */
import type { Logger, LogLevel } from '../../src/telemetry/logger.ts';

export interface LoggedLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

export function recordingLogger(): Logger & { readonly lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, ...(fields !== undefined && { fields }) });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
