/**
 * Waiting out a dependency that is down: run a step until it succeeds, with exponential backoff
 * and jitter (100 ms doubling to 30 s), logging and counting each failure. Errors that say they
 * cannot succeed on a retry (`canRetry === false`), and those the caller calls fatal, are thrown
 * at once: retrying a bad statement or a refused password forever would hide it behind an outage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../telemetry/logger.ts';
import { cannotRetry } from '../errors.ts';

export interface RetryOptions {
  readonly log: Logger;
  readonly onFailure?: (what: string, error: unknown) => void;
  /** An error no retry can fix (refused credentials, say), to throw instead of waiting. */
  readonly fatal?: (what: string, error: unknown) => Error | undefined;
  readonly onRecovered?: (what: string) => void;
  readonly signal?: AbortSignal;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

export function retrier(options: RetryOptions): <T>(what: string, step: () => Promise<T>) => Promise<T> {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 30_000;
  return async <T>(what: string, step: () => Promise<T>): Promise<T> => {
    let delay = initial;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await step();
        if (attempt > 1) {
          options.log.info(`${what} is back after ${attempt - 1} failed attempt(s)`);
          options.onRecovered?.(what);
        }
        return result;
      } catch (error) {
        if (options.signal?.aborted === true) throw error;
        const fatal = options.fatal?.(what, error);
        if (fatal !== undefined) throw fatal;
        if (cannotRetry(error)) throw error;
        options.onFailure?.(what, error);
        options.log.warn(`${what} failed, retrying in ${delay} ms`, {
          attempt,
          error: error instanceof Error ? error.message : String(error),
        });
        await sleep(
          delay * (0.5 + Math.random() / 2),
          undefined,
          options.signal === undefined ? undefined : { signal: options.signal },
        );
        delay = Math.min(max, delay * 2);
      }
    }
  };
}
