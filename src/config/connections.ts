/**
 * How bereik reaches Kafka, the Schema Registry and ClickHouse, read once from the environment:
 * where they are, TLS (a custom CA, a client certificate) and credentials. A secret can be given
 * as the variable itself or as `<NAME>_FILE`, a file holding it (a Kubernetes Secret mounted as a
 * volume); certificates and keys are always files (PEM). Every file is read here, at start, so a
 * wrong path stops bereik with the variable's name instead of failing at the first connection.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.ts';

/** PEM text read from files. Strings, not Buffers: the configuration is deeply frozen. */
export interface TlsMaterial {
  /** Trusted CA certificates; without it the system's CAs are trusted. */
  readonly ca: string | undefined;
  /** A client certificate and its key, for a server that asks for one (mutual TLS). */
  readonly clientCertificate: { readonly cert: string; readonly key: string } | undefined;
}

export const saslMechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof saslMechanisms)[number];

export interface KafkaConnection {
  /** KAFKA_BROKERS, comma separated host:port. */
  readonly brokers: readonly string[];
  /** KAFKA_SECURITY_PROTOCOL, Kafka's own names for the four combinations of TLS and SASL. */
  readonly securityProtocol: (typeof securityProtocols)[number];
  /** Set for SSL and SASL_SSL. */
  readonly tls: TlsMaterial | undefined;
  /** Set for SASL_PLAINTEXT and SASL_SSL. */
  readonly sasl:
    { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string } | undefined;
}

export interface HttpCredentials {
  readonly username: string;
  readonly password: string;
}

export interface SchemaRegistryConnection {
  /** SCHEMA_REGISTRY_URL: a Confluent-compatible API (Confluent Schema Registry, Apicurio's /apis/ccompat/v7). */
  readonly url: string;
  /** HTTP basic auth (a Confluent Cloud API key and secret, for example). */
  readonly credentials: HttpCredentials | undefined;
  /** Set for an https URL. */
  readonly tls: TlsMaterial | undefined;
}

export interface ClickHouseConnection {
  /** CLICKHOUSE_URL, e.g. http://127.0.0.1:8123 or https://clickhouse.example:8443. */
  readonly url: string;
  /** Without them, the user and password in the URL, else ClickHouse's `default` user. */
  readonly credentials: { readonly username: string; readonly password: string | undefined } | undefined;
  /** Set for an https URL. */
  readonly tls: TlsMaterial | undefined;
}

export interface Connections {
  readonly kafka: KafkaConnection;
  readonly schemaRegistry: SchemaRegistryConnection;
  readonly clickhouse: ClickHouseConnection;
  /** The endpoint variables that were not set, so the caller's fallback was used. */
  readonly fromFallback: readonly EndpointVariable[];
}

export type EndpointVariable = 'KAFKA_BROKERS' | 'SCHEMA_REGISTRY_URL' | 'CLICKHOUSE_URL';

/**
 * What an unset endpoint variable means, given by the caller: the CLI passes the local
 * development stack and says so in its log; without a fallback an unset variable is an error.
 */
export type EndpointFallbacks = Readonly<Partial<Record<EndpointVariable, string>>>;

/** Every variable read here, for documentation and `bereik config check`. */
export const connectionVariables = [
  'KAFKA_BROKERS',
  'KAFKA_SECURITY_PROTOCOL',
  'KAFKA_TLS_CA_FILE',
  'KAFKA_TLS_CERT_FILE',
  'KAFKA_TLS_KEY_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'SCHEMA_REGISTRY_URL',
  'SCHEMA_REGISTRY_USERNAME',
  'SCHEMA_REGISTRY_PASSWORD',
  'SCHEMA_REGISTRY_CA_FILE',
  'SCHEMA_REGISTRY_CERT_FILE',
  'SCHEMA_REGISTRY_KEY_FILE',
  'CLICKHOUSE_URL',
  'CLICKHOUSE_USER',
  'CLICKHOUSE_PASSWORD',
  'CLICKHOUSE_CA_FILE',
  'CLICKHOUSE_CERT_FILE',
  'CLICKHOUSE_KEY_FILE',
] as const;

const securityProtocols = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;

/** Reads and checks every connection setting; a ConfigError names the variable and the fix. */
export function connectionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  fallbacks: EndpointFallbacks = {},
): Connections {
  const read = new EnvReader(env, fallbacks);
  return {
    kafka: kafkaConnection(read),
    schemaRegistry: schemaRegistryConnection(read),
    clickhouse: clickhouseConnection(read),
    fromFallback: read.fromFallback,
  };
}

function kafkaConnection(read: EnvReader): KafkaConnection {
  const brokers = read
    .endpoint('KAFKA_BROKERS', 'host:port[,host:port...]')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0)
    throw new ConfigError('KAFKA_BROKERS is empty: set it to host:port[,host:port...]');
  const bad = brokers.find((b) => !/^[^\s:/]+:\d{1,5}$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b));
  if (bad !== undefined)
    throw new ConfigError(
      `KAFKA_BROKERS has '${bad}', which is not host:port: list the brokers without a scheme, e.g. kafka-1:9093,kafka-2:9093`,
    );
  const protocol = read.choice('KAFKA_SECURITY_PROTOCOL', securityProtocols, 'PLAINTEXT');
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const tlsFiles = ['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const;
  const saslSettings = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const;
  if (!usesTls)
    read.refuse(tlsFiles, `KAFKA_SECURITY_PROTOCOL is ${protocol}: set it to SSL or SASL_SSL to use TLS`);
  if (!usesSasl)
    read.refuse(
      saslSettings,
      `KAFKA_SECURITY_PROTOCOL is ${protocol}: set it to SASL_SSL (or SASL_PLAINTEXT) to use SASL`,
    );
  return {
    brokers,
    securityProtocol: protocol,
    tls: usesTls ? read.tls('KAFKA_TLS') : undefined,
    sasl: usesSasl
      ? {
          mechanism: read.choice('KAFKA_SASL_MECHANISM', saslMechanisms, undefined, {
            missing: `KAFKA_SECURITY_PROTOCOL is ${protocol}`,
          }),
          username: read.secret('KAFKA_SASL_USERNAME', { missing: `KAFKA_SECURITY_PROTOCOL is ${protocol}` }),
          password: read.secret('KAFKA_SASL_PASSWORD', { missing: `KAFKA_SECURITY_PROTOCOL is ${protocol}` }),
        }
      : undefined,
  };
}

function schemaRegistryConnection(read: EnvReader): SchemaRegistryConnection {
  const text = read.endpoint('SCHEMA_REGISTRY_URL', 'the registry URL, e.g. https://registry:8081');
  const url = read.url('SCHEMA_REGISTRY_URL', text);
  const username = read.optionalSecret('SCHEMA_REGISTRY_USERNAME');
  const password = read.optionalSecret('SCHEMA_REGISTRY_PASSWORD');
  if ((username === undefined) !== (password === undefined))
    throw new ConfigError(
      `${username === undefined ? 'SCHEMA_REGISTRY_PASSWORD' : 'SCHEMA_REGISTRY_USERNAME'} is set without ` +
        `${username === undefined ? 'SCHEMA_REGISTRY_USERNAME' : 'SCHEMA_REGISTRY_PASSWORD'}: basic auth needs both`,
    );
  return {
    url: text,
    credentials: username === undefined || password === undefined ? undefined : { username, password },
    tls: httpsTls(read, url, 'SCHEMA_REGISTRY_URL', 'SCHEMA_REGISTRY'),
  };
}

function clickhouseConnection(read: EnvReader): ClickHouseConnection {
  const text = read.endpoint('CLICKHOUSE_URL', 'the HTTP interface, e.g. https://clickhouse:8443');
  const url = read.url('CLICKHOUSE_URL', text);
  const username = read.optionalSecret('CLICKHOUSE_USER');
  const password = read.optionalSecret('CLICKHOUSE_PASSWORD');
  if (password !== undefined && username === undefined && url.username === '')
    throw new ConfigError(
      'CLICKHOUSE_PASSWORD is set without CLICKHOUSE_USER: set the user too (default is the built-in user)',
    );
  // A password for the user named in the URL: the variable wins over the URL's own password.
  const user = username ?? (password === undefined ? undefined : decodeURIComponent(url.username));
  return {
    url: text,
    credentials: user === undefined ? undefined : { username: user, password },
    tls: httpsTls(read, url, 'CLICKHOUSE_URL', 'CLICKHOUSE'),
  };
}

/** TLS files of an HTTP service: read for an https URL, refused for plain http (they would be ignored). */
function httpsTls(read: EnvReader, url: URL, urlVariable: string, prefix: string): TlsMaterial | undefined {
  if (url.protocol === 'https:') return read.tls(prefix);
  read.refuse(
    [`${prefix}_CA_FILE`, `${prefix}_CERT_FILE`, `${prefix}_KEY_FILE`],
    `${urlVariable} is ${url.protocol}//: use an https:// URL for TLS`,
  );
  return undefined;
}

/** Reads variables and the files they name, with errors that say which variable to fix. */
class EnvReader {
  readonly fromFallback: EndpointVariable[] = [];
  readonly env: NodeJS.ProcessEnv;
  readonly fallbacks: EndpointFallbacks;

  constructor(env: NodeJS.ProcessEnv, fallbacks: EndpointFallbacks) {
    this.env = env;
    this.fallbacks = fallbacks;
  }

  /** An endpoint variable, else the caller's fallback (noted), else a ConfigError. */
  endpoint(name: EndpointVariable, what: string): string {
    const value = this.value(name);
    if (value !== undefined) return value;
    const fallback = this.fallbacks[name];
    if (fallback === undefined) throw new ConfigError(`${name} is not set: set it to ${what}`);
    this.fromFallback.push(name);
    return fallback;
  }

  value(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  /** One of `options`, in any case. */
  choice<T extends string>(
    name: string,
    options: readonly T[],
    fallback: T | undefined,
    context: { missing?: string } = {},
  ): T {
    const text = this.value(name);
    if (text === undefined) {
      if (fallback !== undefined) return fallback;
      throw new ConfigError(
        `${name} is not set but ${context.missing ?? 'it is required'}: set it to one of ${options.join(', ')}`,
      );
    }
    const chosen = options.find((o) => o === text.toUpperCase());
    if (chosen === undefined)
      throw new ConfigError(`${name}=${text} is not known: set it to one of ${options.join(', ')}`);
    return chosen;
  }

  url(name: string, text: string): URL {
    if (!URL.canParse(text))
      throw new ConfigError(`${name}=${text} is not a URL: set it like http://host:port`);
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ConfigError(`${name}=${text} is not an http:// or https:// URL`);
    return url;
  }

  /** A secret from `name` or from the file `name_FILE` (not both); a trailing newline is dropped. */
  optionalSecret(name: string): string | undefined {
    const direct = this.env[name];
    const file = this.value(`${name}_FILE`);
    if (direct !== undefined && direct !== '' && file !== undefined)
      throw new ConfigError(`both ${name} and ${name}_FILE are set: keep one`);
    if (file !== undefined) {
      const text = this.file(`${name}_FILE`, file).replace(/\r?\n$/, '');
      if (text === '') throw new ConfigError(`${name}_FILE=${file} is empty: put the secret in it`);
      return text;
    }
    return direct === undefined || direct === '' ? undefined : direct;
  }

  secret(name: string, context: { missing: string }): string {
    const value = this.optionalSecret(name);
    if (value === undefined)
      throw new ConfigError(
        `${name} is not set but ${context.missing}: set ${name} or ${name}_FILE (a file holding it)`,
      );
    return value;
  }

  /** `<prefix>_CA_FILE`, and `<prefix>_CERT_FILE` with `<prefix>_KEY_FILE` for a client certificate. */
  tls(prefix: string): TlsMaterial {
    const caFile = this.value(`${prefix}_CA_FILE`);
    const certFile = this.value(`${prefix}_CERT_FILE`);
    const keyFile = this.value(`${prefix}_KEY_FILE`);
    if ((certFile === undefined) !== (keyFile === undefined))
      throw new ConfigError(
        `${certFile === undefined ? `${prefix}_KEY_FILE` : `${prefix}_CERT_FILE`} is set without ` +
          `${certFile === undefined ? `${prefix}_CERT_FILE` : `${prefix}_KEY_FILE`}: a client certificate needs both (PEM files)`,
      );
    const pem = (name: string, file: string, label: RegExp) => {
      const text = this.file(name, file);
      if (!label.test(text))
        throw new ConfigError(
          `${name}=${file} holds no PEM ${label.source.includes('KEY') ? 'private key' : 'certificate'}: give a PEM file (-----BEGIN ...-----)`,
        );
      return text;
    };
    return {
      ca: caFile === undefined ? undefined : pem(`${prefix}_CA_FILE`, caFile, /-----BEGIN CERTIFICATE-----/),
      clientCertificate:
        certFile === undefined || keyFile === undefined
          ? undefined
          : {
              cert: pem(`${prefix}_CERT_FILE`, certFile, /-----BEGIN CERTIFICATE-----/),
              key: pem(`${prefix}_KEY_FILE`, keyFile, /-----BEGIN [A-Z ]*PRIVATE KEY-----/),
            },
    };
  }

  /** Settings that would be silently ignored: refused, so a half-done switch to TLS is noticed. */
  refuse(names: readonly string[], why: string): void {
    const set = names.filter((n) => this.value(n) !== undefined || this.value(`${n}_FILE`) !== undefined);
    if (set.length > 0)
      throw new ConfigError(`${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set but ${why}`);
  }

  private file(name: string, file: string): string {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `${name}=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): check the path and that bereik may read it`,
      );
    }
  }
}
