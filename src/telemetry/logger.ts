/**
 * The processor's log: one JSON object per line on stderr (level, time, message, fields), so a
 * log shipper can parse it. Never log a caller number: events are logged by id only.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** BEREIK_LOG_LEVEL (default info); anything else stops the start rather than logging at a surprise level. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const value = env['BEREIK_LOG_LEVEL'];
  if (value === undefined || value === '') return 'info';
  if (Object.hasOwn(order, value)) return value as LogLevel;
  throw new RangeError(
    `BEREIK_LOG_LEVEL is ${JSON.stringify(value)}: set it to one of ${Object.keys(order).join(', ')} (or leave it unset for info)`,
  );
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(component: string, level: LogLevel = logLevelFromEnv()): Logger {
  const min = order[level];
  const write = (lvl: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < min) return;
    process.stderr.write(
      `${JSON.stringify({ level: lvl, time: new Date().toISOString(), component, message, ...fields })}\n`,
    );
  };
  return {
    debug: (m, f) => {
      write('debug', m, f);
    },
    info: (m, f) => {
      write('info', m, f);
    },
    warn: (m, f) => {
      write('warn', m, f);
    },
    error: (m, f) => {
      write('error', m, f);
    },
  };
}
