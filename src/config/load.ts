/**
 * Loads bereik's configuration once, at start: the YAML file (validated by schema.ts), the
 * service endpoints and the secrets from the environment. Anything wrong stops the start with a
 * ConfigError that names the field and the fix. The result is deeply frozen.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { connectionsFromEnv, type Connections, type EndpointFallbacks } from './connections.ts';
import { configSchema, type ConfigFile } from './schema.ts';

export interface Secrets {
  /** BEREIK_HMAC_KEY: the key that pseudonymises caller numbers. Never in the repository. */
  hmacKey: string;
}

export interface Config extends ConfigFile {
  readonly sourcePath: string;
  /** Where Kafka, the Schema Registry and ClickHouse are, and how to connect to them securely. */
  readonly connections: Connections;
}

export interface LoadOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** What an unset endpoint variable means (the CLI passes the local development stack). */
  readonly fallbacks?: EndpointFallbacks;
}

/**
 * How often aliases may be used, counted as the yaml library does (uses of an anchor times the
 * aliases inside it). Its default, 100, refuses a configuration of all 342 gemeenten that shares
 * its opening hours through one anchor (`hours: *office` in every queue); this still refuses a
 * document built to expand exponentially.
 */
const MAX_ALIAS_USES = 20_000;

/** Reads, validates and freezes the configuration file and the connection settings from the environment. */
export function loadConfig(file: string, options: LoadOptions = {}): Config {
  const text = readConfigText(file);
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: MAX_ALIAS_USES });
  } catch (error) {
    throw new ConfigError(
      `${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return deepFreeze({
    ...parseConfig(raw, file),
    sourcePath: file,
    connections: connectionsFromEnv(options.env, options.fallbacks),
  });
}

/** Validates an already parsed configuration object; `source` names it in error messages. */
export function parseConfig(raw: unknown, source = 'configuration'): ConfigFile {
  // reportInput: the issues carry the offending value, so a wrong type is told from a missing field.
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(describeIssues(source, result.error));
  return result.data;
}

function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read the configuration file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); ` +
        'pass --config <file> or set BEREIK_CONFIG',
    );
  }
}

function describeIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where =
      issue.path.length === 0
        ? '(top level)'
        : issue.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .replace(/^\./, '');
    return `  ${where}: ${fixFor(issue)}`;
  });
  return `invalid configuration in ${source}:\n${lines.join('\n')}\nsee docs/configuration.md for every setting`;
}

function fixFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key(s) ${issue.keys.join(', ')}: remove them or fix the spelling`;
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `is missing: add it (${issue.expected})`;
    return `expected ${withArticle(issue.expected)}, got ${describeValue(issue.input)}${typeHint(issue.expected, issue.input)}`;
  }
  return issue.message;
}

function withArticle(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a mapping (key: value lines)';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(input: unknown): string {
  if (input === null) return 'nothing (null)';
  if (typeof input === 'string') return `the string ${JSON.stringify(input)}`;
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint')
    return `the ${typeof input} ${String(input)}`;
  return typeof input === 'object' ? 'a mapping' : `a ${typeof input}`;
}

/** The usual YAML slips behind a wrong type: quotes around a number, none around a code, one value for a list. */
function typeHint(expected: string, input: unknown): string {
  if (
    expected === 'number' &&
    typeof input === 'string' &&
    input.trim() !== '' &&
    !Number.isNaN(Number(input))
  )
    return ': write it without quotes';
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean'))
    return `: quote it ('${String(input)}')`;
  if (expected === 'array' && (typeof input === 'string' || typeof input === 'number'))
    return `: write it as a list, e.g. ['${String(input)}']`;
  return '';
}

/** The HMAC key, required by commands that read caller numbers. */
export function loadSecrets(env: NodeJS.ProcessEnv = process.env): Secrets {
  const hmacKey = env['BEREIK_HMAC_KEY'];
  if (hmacKey === undefined || hmacKey.length < 32) {
    throw new ConfigError(
      'BEREIK_HMAC_KEY is ' +
        (hmacKey === undefined ? 'not set' : `only ${hmacKey.length} characters`) +
        ': set it to a secret of at least 32 characters (for example `openssl rand -hex 32`); ' +
        'caller numbers are pseudonymised with it, so keep it stable and out of the repository',
    );
  }
  return { hmacKey };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
