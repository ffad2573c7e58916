/**
 * The one base of bereik's own errors: a stable `code` to branch on (never the message), and
 * `canRetry`, which tells whether repeating the same step may succeed (an outage) or cannot (a
 * bad setting, a refused statement). The retrier and the consumer loop decide by that flag alone.
 */
export abstract class BereikError extends Error {
  abstract readonly code: string;
  readonly canRetry: boolean;

  constructor(message: string, options: { canRetry: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.canRetry = options.canRetry;
  }
}

/** True for an error that says repeating the step cannot help. */
export function cannotRetry(error: unknown): boolean {
  return error instanceof BereikError && !error.canRetry;
}
