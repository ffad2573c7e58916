/**
 * The one error the ClickHouse sink raises, with a closed list of codes and a `canRetry` flag, so
 * the processor decides to wait out an outage or stop by reading a flag instead of matching
 * messages. `toSinkError` classifies what @clickhouse/client throws: network failures and
 * server-side overload are worth retrying; a refused statement (syntax, unknown column, type
 * mismatch) is a bug or a schema mismatch that a retry would only repeat, so the message carries
 * the statement.
 *
 * The client does not parse 18.16's error text (`Code: 62, e.displayText() = DB::Exception: ...`),
 * so the ClickHouse error code is read from the message; current servers write `Code: 62. DB::...`.
 */
import { BereikError } from '../../errors.ts';

export const sinkErrorCodes = [
  /** ClickHouse could not be reached or was overloaded; try again later. */
  'CLICKHOUSE_UNAVAILABLE',
  /** ClickHouse refused a statement or its data; retrying repeats the refusal. */
  'CLICKHOUSE_REJECTED',
  /** The database was written by a newer bereik (schema_version). */
  'SCHEMA_TOO_NEW',
] as const;
export type SinkErrorCode = (typeof sinkErrorCodes)[number];

export class SinkError extends BereikError {
  readonly code: SinkErrorCode;
  /** ClickHouse's numeric error code, when the server answered with one. */
  readonly serverCode: number | undefined;
  /** The statement (or `INSERT INTO table`) that failed. */
  readonly statement: string | undefined;

  constructor(
    code: SinkErrorCode,
    message: string,
    options: { canRetry: boolean; serverCode?: number; statement?: string; cause?: unknown },
  ) {
    // canRetry: true when the same call may succeed later (network, server down or overloaded).
    super(message, { canRetry: options.canRetry, cause: options.cause });
    this.name = 'SinkError';
    this.code = code;
    this.serverCode = options.serverCode;
    this.statement = options.statement;
  }
}

/**
 * ClickHouse error codes that describe a passing condition rather than a wrong statement:
 * TIMEOUT_EXCEEDED 159, TOO_SLOW 160, TOO_MANY_SIMULTANEOUS_QUERIES 202, NO_FREE_CONNECTION 203,
 * SOCKET_TIMEOUT 209, NETWORK_ERROR 210, MEMORY_LIMIT_EXCEEDED 241, TABLE_IS_READ_ONLY 242,
 * TOO_MANY_PARTS 252, UNKNOWN_STATUS_OF_INSERT 319, ALL_CONNECTION_TRIES_FAILED 279,
 * CANNOT_SCHEDULE_TASK 439, ABORTED 236, KEEPER_EXCEPTION 999.
 */
const retryableServerCodes = new Set([159, 160, 202, 203, 209, 210, 236, 241, 242, 252, 279, 319, 439, 999]);

/** Node and undici socket error codes of an unreachable or vanished server. */
const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);
const networkMessage =
  /socket hang up|timeout error|ECONNRESET|ECONNREFUSED|\b50[234]\b|service unavailable/i;

const firstLine = (text: string) => text.split('\n', 1)[0] ?? '';
const shorten = (text: string, max = 2000) => (text.length > max ? `${text.slice(0, max)} ...` : text);

/** The ClickHouse error code in a server message (18.16: `Code: 62, e.displayText()`, 26.x: `Code: 62. DB::`). */
export function serverCodeOf(message: string): number | undefined {
  const match = /Code: (\d+)[.,]/.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Classifies an error from @clickhouse/client (or anything thrown while talking to it). */
export function toSinkError(error: unknown, statement: string): SinkError {
  if (error instanceof SinkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const errno = (error as { code?: unknown } | null)?.code;
  const serverCode = serverCodeOf(message);
  const shownStatement = shorten(statement);
  if (serverCode !== undefined) {
    const canRetry = retryableServerCodes.has(serverCode);
    return new SinkError(
      canRetry ? 'CLICKHOUSE_UNAVAILABLE' : 'CLICKHOUSE_REJECTED',
      canRetry
        ? `ClickHouse could not run the statement now (code ${serverCode}): ${firstLine(message)}`
        : `ClickHouse refused the statement (code ${serverCode}): ${firstLine(message)}\n  statement: ${shownStatement}`,
      { canRetry, serverCode, statement, cause: error },
    );
  }
  if ((typeof errno === 'string' && networkErrorCodes.has(errno)) || networkMessage.test(message)) {
    return new SinkError('CLICKHOUSE_UNAVAILABLE', `ClickHouse is unreachable: ${firstLine(message)}`, {
      canRetry: true,
      statement,
      cause: error,
    });
  }
  return new SinkError(
    'CLICKHOUSE_REJECTED',
    `ClickHouse statement failed: ${firstLine(message)}\n  statement: ${shownStatement}`,
    { canRetry: false, statement, cause: error },
  );
}
