/** Prints an error the way a user can act on it, then exits non-zero. */
import { ConfigError } from '../config/load.ts';
import { StackError } from '../stack/errors.ts';

export function reportAndExit(error: unknown): never {
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
