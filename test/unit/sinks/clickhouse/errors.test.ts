/** Which ClickHouse failures are worth a retry: an outage yes, a refused statement no. */
import { describe, expect, it } from 'vitest';
import { serverCodeOf, SinkError, toSinkError } from '../../../../src/sinks/clickhouse/errors.ts';

const statement = 'INSERT INTO bereik.queue_minute SELECT 1';

describe('toSinkError', () => {
  it('reads the error code of 18.16 and of current servers', () => {
    expect(serverCodeOf('Code: 62, e.displayText() = DB::Exception: Syntax error')).toBe(62);
    expect(serverCodeOf('Code: 62. DB::Exception: Syntax error. (SYNTAX_ERROR)')).toBe(62);
    expect(serverCodeOf('connect ECONNREFUSED 127.0.0.1:18123')).toBeUndefined();
  });

  it('does not retry a refused statement, and names the statement', () => {
    const error = toSinkError(
      new Error(
        'Code: 47, e.displayText() = DB::Exception: Unknown identifier: nope, e.what() = DB::Exception',
      ),
      statement,
    );
    expect(error).toBeInstanceOf(SinkError);
    expect(error).toMatchObject({ code: 'CLICKHOUSE_REJECTED', canRetry: false, serverCode: 47, statement });
    expect(error.message).toContain('Unknown identifier: nope');
    expect(error.message).toContain(statement);
  });

  it('retries an unreachable or overloaded server', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18123'), {
      code: 'ECONNREFUSED',
    });
    expect(toSinkError(refused, statement)).toMatchObject({ code: 'CLICKHOUSE_UNAVAILABLE', canRetry: true });
    expect(toSinkError(new Error('socket hang up'), statement).canRetry).toBe(true);
    expect(toSinkError(new Error('Timeout error.'), statement).canRetry).toBe(true);
    const tooManyParts = new Error('Code: 252. DB::Exception: Too many parts (300). (TOO_MANY_PARTS)');
    expect(toSinkError(tooManyParts, statement)).toMatchObject({ canRetry: true, serverCode: 252 });
    const memory = new Error('Code: 241, e.displayText() = DB::Exception: Memory limit exceeded');
    expect(toSinkError(memory, statement).canRetry).toBe(true);
  });

  it('does not retry what it cannot classify, and keeps a SinkError as it is', () => {
    expect(toSinkError(new Error('Unexpected token < in JSON'), statement).canRetry).toBe(false);
    const original = new SinkError('SCHEMA_TOO_NEW', 'newer', { canRetry: false });
    expect(toSinkError(original, statement)).toBe(original);
  });
});
