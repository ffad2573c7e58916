/**
 * Tells a misconfigured connection from an outage. Refused credentials, an untrusted certificate
 * or TLS spoken to a plain port fail the same way on every retry, so waiting for them would look
 * like a hang; they become a ConfigError that names the setting to fix. Anything else (a server
 * that is down, a timeout) is left to the retries.
 */
import { ConfigError } from './config-error.ts';

export type Dependency = 'Kafka' | 'Schema Registry' | 'ClickHouse';

/** The settings that decide each kind of failure, per dependency. */
const settings = {
  Kafka: {
    credentials: 'KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM',
    ca: 'KAFKA_TLS_CA_FILE',
    clientCertificate: 'KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE',
    protocol: 'KAFKA_SECURITY_PROTOCOL and the ports in KAFKA_BROKERS',
    host: 'KAFKA_BROKERS',
  },
  'Schema Registry': {
    credentials: 'SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD',
    ca: 'SCHEMA_REGISTRY_CA_FILE',
    clientCertificate: 'SCHEMA_REGISTRY_CERT_FILE and SCHEMA_REGISTRY_KEY_FILE',
    protocol: 'the scheme and port of SCHEMA_REGISTRY_URL',
    host: 'SCHEMA_REGISTRY_URL',
  },
  ClickHouse: {
    credentials: 'CLICKHOUSE_USER and CLICKHOUSE_PASSWORD',
    ca: 'CLICKHOUSE_CA_FILE',
    clientCertificate: 'CLICKHOUSE_CERT_FILE and CLICKHOUSE_KEY_FILE',
    protocol: 'the scheme and port of CLICKHOUSE_URL',
    host: 'CLICKHOUSE_URL',
  },
} as const;

/** Node's codes for a server certificate that does not verify against the trusted CAs. */
const untrustedCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
]);
const untrustedText =
  /self[- ]signed certificate|unable to (get (local )?issuer certificate|verify the first certificate)|certificate has expired|certificate is not yet valid/i;
const wrongHostText = /Hostname\/IP does not match certificate|ERR_TLS_CERT_ALTNAME_INVALID/i;
const notTlsText = /wrong version number|packet length too long|ERR_SSL_WRONG_VERSION_NUMBER/i;
const clientCertificateText =
  /certificate required|alert bad certificate|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED/i;
/** UNKNOWN_USER 192, WRONG_PASSWORD 193, REQUIRED_PASSWORD 194 (18.16), AUTHENTICATION_FAILED 516 (current). */
const clickhouseAuthText =
  /Authentication failed|AUTHENTICATION_FAILED|Wrong password|Unknown user|REQUIRED_PASSWORD|Code: (192|193|194|516)\b/;
const saslMechanismText = /SASL \S+ mechanism is not supported|Unsupported SASL mechanism/i;

/**
 * The failure as a ConfigError when retrying cannot help, else undefined. The dependency is the
 * one the failing step talked to; kafkajs and Schema Registry errors are also recognised without.
 */
export function explainConnectionFailure(error: unknown, dependency?: Dependency): ConfigError | undefined {
  const chain = causes(error);
  const target = dependency ?? inferDependency(chain);
  if (target === undefined) return undefined;
  const names = settings[target];
  const text = chain.map((e) => `${e.name} ${e.message} ${e.code ?? ''}`).join(' | ');
  // The first line says what the server or the TLS layer answered; more lines are context.
  const answer = (chain[0]?.message ?? String(error)).trim().split('\n')[0] ?? '';
  const problem = (what: string, fix: string) =>
    new ConfigError(`${target}: ${what}: ${fix} (it answered: ${answer})`, { cause: error });

  if (chain.some((e) => e.name === 'KafkaJSSASLAuthenticationError') && !saslMechanismText.test(text))
    return problem('the broker refused the SASL credentials', `check ${names.credentials}`);
  if (saslMechanismText.test(text))
    return problem(
      'the broker does not offer this SASL mechanism',
      'set KAFKA_SASL_MECHANISM to one it offers',
    );
  if (target === 'ClickHouse' && clickhouseAuthText.test(text))
    return problem('the server refused the user', `check ${names.credentials}`);
  if (target === 'Schema Registry' && chain.some((e) => e.status === 401 || e.status === 403))
    return problem('the registry refused the request', `check ${names.credentials}`);
  if (chain.some((e) => e.code !== undefined && untrustedCodes.has(e.code)) || untrustedText.test(text))
    return problem(
      'the server certificate is not trusted',
      `set ${names.ca} to the PEM file of the CA that signed it`,
    );
  if (chain.some((e) => e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') || wrongHostText.test(text))
    return problem(
      'the server certificate does not name the host connected to',
      `use the host name its certificate has in ${names.host}`,
    );
  if (clientCertificateText.test(text))
    return problem(
      'the server wants a client certificate it trusts',
      `set ${names.clientCertificate} to a certificate its CA signed`,
    );
  if (notTlsText.test(text))
    return problem('the server does not speak TLS on this port', `check ${names.protocol}`);
  return undefined;
}

interface ErrorLink {
  name: string;
  message: string;
  code?: string;
  status?: number;
}

/** The error and what it wraps: `cause` (standard) and `originalError` (kafkajs's retrier). */
function causes(error: unknown): ErrorLink[] {
  const chain: ErrorLink[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 10) {
    const { code, status } = current as { code?: unknown; status?: unknown };
    chain.push({
      name: current.name,
      message: current.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof status === 'number' ? { status } : {}),
    });
    current = current.cause ?? (current as { originalError?: unknown }).originalError;
  }
  return chain;
}

function inferDependency(chain: readonly ErrorLink[]): Dependency | undefined {
  if (chain.some((e) => e.name.startsWith('KafkaJS'))) return 'Kafka';
  if (chain.some((e) => e.name === 'ResponseError')) return 'Schema Registry';
  return undefined;
}
