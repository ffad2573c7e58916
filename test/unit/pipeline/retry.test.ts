import { describe, expect, it } from 'vitest';
import { retrier } from '../../../src/pipeline/retry.ts';
import { SinkError } from '../../../src/sinks/clickhouse/errors.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

const log = createLogger('retry-test', 'error');

describe('retrier', () => {
  it('waits out failures until the step succeeds', async () => {
    const retry = retrier({ log, initialDelayMs: 1, maxDelayMs: 2 });
    let calls = 0;
    const result = await retry('step', () => {
      calls++;
      return calls < 4 ? Promise.reject(new Error('down')) : Promise.resolve('up');
    });
    expect(result).toBe('up');
    expect(calls).toBe(4);
  });

  it('throws at once what the caller calls fatal, and errors that cannot succeed on a retry', async () => {
    const refused = new Error('password refused');
    const fatal = new Error('fix the password setting');
    const retry = retrier({
      log,
      initialDelayMs: 1,
      fatal: (_what, error) => (error === refused ? fatal : undefined),
    });
    let calls = 0;
    await expect(
      retry('step', () => {
        calls++;
        return Promise.reject(refused);
      }),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
    const bug = new SinkError('CLICKHOUSE_REJECTED', 'syntax error', { canRetry: false });
    await expect(retry('step', () => Promise.reject(bug))).rejects.toBe(bug);
  });
});
