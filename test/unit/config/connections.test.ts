import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.ts';
import { explainConnectionFailure } from '../../../src/config/connection-failures.ts';
import { connectionsFromEnv } from '../../../src/config/connections.ts';
import { localStackFallbacks } from '../../../src/cli/local-defaults.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'bereik-connections-'));
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};
const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const key = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const caFile = file('ca.pem', cert);
const certFile = file('client.pem', cert);
const keyFile = file('client.key', key);

const withLocalStack = (env: Record<string, string>) => connectionsFromEnv(env, localStackFallbacks);

function failure(env: Record<string, string>): string {
  try {
    connectionsFromEnv(env, localStackFallbacks);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('connection settings from the environment', () => {
  it('refuses an unset endpoint unless the caller gives a fallback', () => {
    expect(() => connectionsFromEnv({})).toThrow('KAFKA_BROKERS is not set: set it to host:port');
    expect(() => connectionsFromEnv({ KAFKA_BROKERS: 'k:9092' })).toThrow('SCHEMA_REGISTRY_URL is not set');
  });

  it('uses the fallbacks for unset endpoints and says which, in plain text, without credentials', () => {
    const c = connectionsFromEnv({}, localStackFallbacks);
    expect(c.fromFallback).toEqual(['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'CLICKHOUSE_URL']);
    expect(c.kafka).toEqual({
      brokers: ['127.0.0.1:19092'],
      securityProtocol: 'PLAINTEXT',
      tls: undefined,
      sasl: undefined,
    });
    expect(c.schemaRegistry).toEqual({
      url: 'http://127.0.0.1:18081/apis/ccompat/v7',
      credentials: undefined,
      tls: undefined,
    });
    expect(c.clickhouse).toEqual({ url: 'http://127.0.0.1:18123', credentials: undefined, tls: undefined });
  });

  it('reads SASL over TLS with the CA, a client certificate and the password from a file', () => {
    const c = withLocalStack({
      KAFKA_BROKERS: 'kafka-1:9093, kafka-2:9093',
      KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
      KAFKA_TLS_CA_FILE: caFile,
      KAFKA_TLS_CERT_FILE: certFile,
      KAFKA_TLS_KEY_FILE: keyFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'bereik',
      KAFKA_SASL_PASSWORD_FILE: file('kafka-password', 's3cret\n'),
    });
    expect(c.kafka).toEqual({
      brokers: ['kafka-1:9093', 'kafka-2:9093'],
      securityProtocol: 'SASL_SSL',
      tls: { ca: cert, clientCertificate: { cert, key } },
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'bereik', password: 's3cret' },
    });
  });

  it('uses the system CAs for TLS without a CA file', () => {
    const c = withLocalStack({ KAFKA_SECURITY_PROTOCOL: 'SSL' });
    expect(c.kafka.tls).toEqual({ ca: undefined, clientCertificate: undefined });
    expect(c.kafka.sasl).toBeUndefined();
  });

  it('reads registry basic auth and CA, and ClickHouse user, password and CA for https', () => {
    const c = withLocalStack({
      SCHEMA_REGISTRY_URL: 'https://registry.example:8081',
      SCHEMA_REGISTRY_USERNAME: 'key',
      SCHEMA_REGISTRY_PASSWORD: 'secret',
      SCHEMA_REGISTRY_CA_FILE: caFile,
      CLICKHOUSE_URL: 'https://clickhouse.example:8443',
      CLICKHOUSE_USER: 'bereik',
      CLICKHOUSE_PASSWORD_FILE: file('ch-password', 'pw'),
      CLICKHOUSE_CA_FILE: caFile,
    });
    expect(c.schemaRegistry).toEqual({
      url: 'https://registry.example:8081',
      credentials: { username: 'key', password: 'secret' },
      tls: { ca: cert, clientCertificate: undefined },
    });
    expect(c.clickhouse).toEqual({
      url: 'https://clickhouse.example:8443',
      credentials: { username: 'bereik', password: 'pw' },
      tls: { ca: cert, clientCertificate: undefined },
    });
  });

  it("gives CLICKHOUSE_PASSWORD to the URL's user when CLICKHOUSE_USER is not set", () => {
    const c = withLocalStack({ CLICKHOUSE_URL: 'http://writer@clickhouse:8123', CLICKHOUSE_PASSWORD: 'pw' });
    expect(c.clickhouse.credentials).toEqual({ username: 'writer', password: 'pw' });
  });

  it.each([
    [
      { KAFKA_SECURITY_PROTOCOL: 'TLS' },
      'KAFKA_SECURITY_PROTOCOL=TLS is not known: set it to one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
    ],
    [
      { KAFKA_TLS_CA_FILE: caFile },
      'KAFKA_TLS_CA_FILE is set but KAFKA_SECURITY_PROTOCOL is PLAINTEXT: set it to SSL or SASL_SSL to use TLS',
    ],
    [
      { KAFKA_SASL_USERNAME: 'x', KAFKA_SECURITY_PROTOCOL: 'SSL' },
      'KAFKA_SASL_USERNAME is set but KAFKA_SECURITY_PROTOCOL is SSL',
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' },
      'KAFKA_SASL_MECHANISM is not set but KAFKA_SECURITY_PROTOCOL is SASL_SSL',
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u' },
      'KAFKA_SASL_PASSWORD is not set but KAFKA_SECURITY_PROTOCOL is SASL_SSL: set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE',
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'GSSAPI' },
      'KAFKA_SASL_MECHANISM=GSSAPI is not known: set it to one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512',
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_TLS_CERT_FILE: certFile },
      'KAFKA_TLS_CERT_FILE is set without KAFKA_TLS_KEY_FILE',
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_TLS_CA_FILE: '/nowhere/ca.pem' },
      'KAFKA_TLS_CA_FILE=/nowhere/ca.pem cannot be read (ENOENT)',
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_TLS_CA_FILE: keyFile },
      `KAFKA_TLS_CA_FILE=${keyFile} holds no PEM certificate`,
    ],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_TLS_CERT_FILE: certFile, KAFKA_TLS_KEY_FILE: certFile },
      `KAFKA_TLS_KEY_FILE=${certFile} holds no PEM private key`,
    ],
    [
      { KAFKA_BROKERS: 'https://kafka:9093' },
      "KAFKA_BROKERS has 'https://kafka:9093', which is not host:port",
    ],
    [
      { SCHEMA_REGISTRY_USERNAME: 'key' },
      'SCHEMA_REGISTRY_USERNAME is set without SCHEMA_REGISTRY_PASSWORD: basic auth needs both',
    ],
    [
      { SCHEMA_REGISTRY_CA_FILE: caFile },
      'SCHEMA_REGISTRY_CA_FILE is set but SCHEMA_REGISTRY_URL is http://: use an https:// URL for TLS',
    ],
    [{ CLICKHOUSE_PASSWORD: 'pw' }, 'CLICKHOUSE_PASSWORD is set without CLICKHOUSE_USER'],
    [
      { CLICKHOUSE_USER: 'a', CLICKHOUSE_USER_FILE: caFile },
      'both CLICKHOUSE_USER and CLICKHOUSE_USER_FILE are set: keep one',
    ],
    [{ CLICKHOUSE_USER: 'a', CLICKHOUSE_PASSWORD_FILE: file('empty', '') }, 'is empty: put the secret in it'],
    [
      { CLICKHOUSE_URL: 'clickhouse:8123' },
      'CLICKHOUSE_URL=clickhouse:8123 is not an http:// or https:// URL',
    ],
  ])('refuses %o: %s', (env, message) => {
    expect(failure(env)).toContain(message);
  });
});

describe('telling a misconfiguration from an outage', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('leaves outages to the retries', () => {
    expect(
      explainConnectionFailure(withCode('connect ECONNREFUSED 127.0.0.1:9092', 'ECONNREFUSED'), 'Kafka'),
    ).toBeUndefined();
    expect(explainConnectionFailure(new Error('Timeout error.'), 'ClickHouse')).toBeUndefined();
    expect(
      explainConnectionFailure(Object.assign(new Error('boom'), { status: 503 }), 'Schema Registry'),
    ).toBeUndefined();
    // Not a dependency's error at all: nothing to say.
    expect(explainConnectionFailure(new Error('Wrong password'))).toBeUndefined();
  });

  it('names the setting behind refused credentials, an untrusted or misnamed certificate and TLS to a plain port', () => {
    const sasl = Object.assign(new Error('SASL SCRAM SHA512 authentication failed: invalid credentials'), {
      name: 'KafkaJSSASLAuthenticationError',
    });
    expect(explainConnectionFailure(sasl)?.message).toContain(
      'check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD',
    );
    const wrapped = Object.assign(
      new Error('Connection error: self-signed certificate in certificate chain'),
      {
        name: 'KafkaJSNumberOfRetriesExceeded',
        originalError: withCode('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'),
      },
    );
    expect(explainConnectionFailure(wrapped)?.message).toContain('set KAFKA_TLS_CA_FILE');
    const altName = new Error('request failed', {
      cause: withCode("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'),
    });
    expect(explainConnectionFailure(altName, 'ClickHouse')?.message).toContain('in CLICKHOUSE_URL');
    const plainPort = withCode('ssl3_get_record:wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER');
    expect(explainConnectionFailure(plainPort, 'Schema Registry')?.message).toContain(
      'the scheme and port of SCHEMA_REGISTRY_URL',
    );
    const unauthorized = Object.assign(new Error('Unauthorized'), { name: 'ResponseError', status: 401 });
    expect(explainConnectionFailure(unauthorized)?.message).toContain('check SCHEMA_REGISTRY_USERNAME');
    const current = new Error(
      'Code: 516. DB::Exception: bereik: Authentication failed: password is incorrect',
    );
    expect(explainConnectionFailure(current, 'ClickHouse')?.message).toContain(
      'check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD',
    );
  });
});
