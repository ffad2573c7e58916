/** Prints an error the way a user can act on it, then exits non-zero. */
import { ConfigError } from '../config/config-error.ts';
import { explainConnectionFailure } from '../config/connection-failures.ts';
import { StackError } from '../stack/errors.ts';

export function reportAndExit(failure: unknown): never {
  // A refused password or an untrusted certificate is told as the setting to fix.
  const error = explainConnectionFailure(failure) ?? failure;
  if (error instanceof StackError) {
    console.error(error.describe());
  } else if (error instanceof ConfigError) {
    console.error(`bereik: ${error.message}`);
  } else if (error instanceof AggregateError) {
    console.error(error.message);
  } else if (error instanceof Error) {
    console.error(`bereik: ${error.message}`);
    if (process.env['BEREIK_DEBUG'] !== undefined) console.error(error.stack);
  } else {
    console.error(`bereik: ${String(error)}`);
  }
  process.exit(1);
}
