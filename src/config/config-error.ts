import { BereikError } from '../errors.ts';

/** A setting that stops bereik from starting: the message names the setting and how to fix it. */
export class ConfigError extends BereikError {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { canRetry: false, ...options });
  }
}
