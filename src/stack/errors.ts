/**
 * The one error the local stack raises: it names the piece that failed, the cause, the log file
 * to read and what the user can do about it, so a failed `stack up` is never a bare stack trace.
 */
import { BereikError } from '../errors.ts';

export class StackError extends BereikError {
  readonly code = 'STACK_FAILED';
  readonly piece: string;
  readonly logFile: string | undefined;
  readonly hint: string;

  constructor(
    piece: string,
    problem: string,
    hint: string,
    options: { logFile?: string; cause?: unknown } = {},
  ) {
    super(`${piece}: ${problem}`, { canRetry: false, cause: options.cause });
    this.name = 'StackError';
    this.piece = piece;
    this.logFile = options.logFile;
    this.hint = hint;
  }

  /** A multi-line message for the terminal: what failed, where to look, what to do. */
  describe(): string {
    const lines = [`[${this.piece}] ${this.message}`];
    if (this.cause instanceof Error) lines.push(`  cause: ${this.cause.message}`);
    if (this.logFile !== undefined) lines.push(`  log:   ${this.logFile}`);
    lines.push(`  fix:   ${this.hint}`);
    return lines.join('\n');
  }
}
