/** A setting that stops bereik from starting: the message names the setting and how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
