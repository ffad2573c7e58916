/**
 * bereik over secured connections, against real servers where this machine can run them:
 * - Kafka: a second broker from the stack's jars with a SASL_SSL listener (PLAIN, SCRAM-SHA-256,
 *   SCRAM-SHA-512) and an SSL listener that requires a client certificate, its certificate made
 *   by a test CA (openssl) at test time;
 * - ClickHouse: the stack's server with a password user, behind an https front with the test
 *   CA's certificate (the local ClickHouse speaks plain http);
 * - the Schema Registry: the stack's registry behind an https front that demands basic auth.
 * The whole pipeline runs through them and stores exactly the ground truth; each wrong setting
 * makes `bereik run` exit with an error that names the setting, instead of waiting forever.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Partitioners } from 'kafkajs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { explainConnectionFailure } from '../../src/config/connection-failures.ts';
import { connectionsFromEnv } from '../../src/config/connections.ts';
import { parseConfig } from '../../src/config/load.ts';
import { simulate } from '../../src/simulate/index.ts';
import { produceMessages } from '../../src/simulate/produce.ts';
import { createKafka } from '../../src/sources/kafka/kafka-client.ts';
import { createSchemaRegistry } from '../../src/sources/kafka/schema-registry-client.ts';
import { repoRoot } from '../../src/stack/paths.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { clickhouseClient } from '../helpers/clients.ts';
import {
  allCommitted,
  createRunTopics,
  deadLettersByReason,
  runConfig,
  testHmacKey,
  waitUntilProcessed,
  type RunNames,
} from '../helpers/pipeline-run.ts';
import { startSecuredKafka, testKafkaUsers, type SecuredKafka } from '../helpers/secured-kafka.ts';
import { expectSameWindows, expectedWindows, storedWindows } from '../helpers/stored-metrics.ts';
import { makeTestPki, type TestPki } from '../helpers/test-pki.ts';
import { startTlsProxy, type TlsProxy } from '../helpers/tls-proxy.ts';
import { EVERY_FAULT } from '../../src/simulate/options.ts';

const stack = inject('endpoints');
/** kafkajs logs each refused connection; the tests check the errors themselves. */
const quiet = createLogger('secure-test', 'error');
const registryUser = { username: 'bereik-registry', password: 'registry-test-secret' };
/** The stack's ClickHouse user with a password (deploy/clickhouse/users.xml). */
const clickhouseUser = { username: 'bereik_password', password: 'bereik-local-password' };

describe('secure connections', () => {
  let dir: string;
  let pki: TestPki;
  let broker: SecuredKafka;
  let registry: TlsProxy;
  let clickhouse: TlsProxy;
  /** The stack's endpoints with Kafka pointing at the test broker's plain listener, for the checks. */
  let plainEndpoints: typeof stack;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bereik-secure-'));
    pki = await makeTestPki(path.join(dir, 'pki'));
    broker = await startSecuredKafka(dir, pki);
    registry = await startTlsProxy(stack.schemaRegistry.url, pki, registryUser);
    clickhouse = await startTlsProxy(stack.clickhouse.url, pki);
    plainEndpoints = { ...stack, kafka: { url: broker.plaintext, external: true } };
    // Secrets as mounted files, the way a Kubernetes Secret volume gives them.
    writeFileSync(path.join(dir, 'kafka-password'), `${testKafkaUsers.scram512.password}\n`);
    writeFileSync(path.join(dir, 'registry-password'), registryUser.password);
  }, 240_000);

  afterAll(async () => {
    await registry.close();
    await clickhouse.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every connection secured: SCRAM-SHA-512 over TLS, https with basic auth, https with a password. */
  function secureEnv(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      KAFKA_BROKERS: broker.saslSsl,
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_TLS_CA_FILE: pki.caFile,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: testKafkaUsers.scram512.username,
      KAFKA_SASL_PASSWORD_FILE: path.join(dir, 'kafka-password'),
      SCHEMA_REGISTRY_URL: registry.url,
      SCHEMA_REGISTRY_USERNAME: registryUser.username,
      SCHEMA_REGISTRY_PASSWORD_FILE: path.join(dir, 'registry-password'),
      SCHEMA_REGISTRY_CA_FILE: pki.caFile,
      CLICKHOUSE_URL: clickhouse.url,
      CLICKHOUSE_USER: clickhouseUser.username,
      CLICKHOUSE_PASSWORD: clickhouseUser.password,
      CLICKHOUSE_CA_FILE: pki.caFile,
      ...overrides,
    };
  }

  /** Starts `bereik run` with `env` as a child process, collecting what it prints. */
  function runBereik(names: RunNames, env: Record<string, string>) {
    // Only what the test sets: no endpoint or secret of the developer's shell leaks in.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(KAFKA_|SCHEMA_REGISTRY_|CLICKHOUSE_|BEREIK_)/.test(k)),
    );
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin', 'bereik.js'), 'run', '--config', names.configPath],
      {
        env: {
          ...inherited,
          ...env,
          BEREIK_HMAC_KEY: testHmacKey,
          BEREIK_LOG_LEVEL: 'warn',
          KAFKAJS_NO_PARTITIONER_WARNING: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        resolve(code);
      }),
    );
    return { child, exited, output: () => output };
  }

  it('runs the whole pipeline over SASL_SSL, https with basic auth and https with a password', async () => {
    const names = runConfig('secure');
    const env = secureEnv();
    const connections = connectionsFromEnv(env);
    await createRunTopics(plainEndpoints, names);
    const config = parseConfig(parse(readFileSync(names.configPath, 'utf8')));
    const { messages, truth } = simulate(config, {
      seed: 11,
      fromMs: Date.parse('2026-11-10T00:00:00+01:00'),
      toMs: Date.parse('2026-11-11T00:00:00+01:00'),
      callsPerDay: 200,
      faults: EVERY_FAULT,
    });
    // The simulator's messages go in through the secured listener and the secured registry too.
    const producer = createKafka(connections.kafka, { clientId: 'secure-test' }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await produceMessages(messages, producer, createSchemaRegistry(connections.schemaRegistry), {
      topic: names.topic,
      batchSize: 500,
    });
    await producer.disconnect();

    const bereik = runBereik(names, env);
    try {
      await Promise.race([
        waitUntilProcessed(names.httpPort, () => allCommitted(plainEndpoints, names)),
        bereik.exited.then((code) => {
          throw new Error(`bereik exited with ${String(code)}:\n${bereik.output()}`);
        }),
      ]);
    } finally {
      bereik.child.kill('SIGTERM');
      await bereik.exited;
    }
    const reader = clickhouseClient(stack);
    try {
      const stored = await storedWindows(reader, names.database);
      expect(Object.keys(stored.legs).length).toBeGreaterThan(50);
      expectSameWindows(stored, expectedWindows(truth), (actual, wanted, what) => {
        expect(actual, what).toEqual(wanted);
      });
    } finally {
      await reader.close();
    }
    const expectedDeadLetters = Object.fromEntries(
      Object.entries(truth.deadLetters).filter(([, n]) => n > 0),
    );
    const total = Object.values(expectedDeadLetters).reduce((a, b) => a + b, 0);
    expect(await deadLettersByReason(plainEndpoints, names, total)).toEqual(expectedDeadLetters);
    // Everything reached the registry and ClickHouse through their https fronts, none refused.
    expect(registry.refused()).toBe(0);
    expect(registry.passed()).toBeGreaterThan(0);
    expect(clickhouse.passed()).toBeGreaterThan(10);
  }, 300_000);

  it.each([
    [
      'a wrong Kafka password',
      'KAFKA_SASL_PASSWORD',
      { KAFKA_SASL_PASSWORD_FILE: '', KAFKA_SASL_PASSWORD: 'wrong' },
    ],
    ['an untrusted Kafka broker certificate', 'KAFKA_TLS_CA_FILE', { KAFKA_TLS_CA_FILE: 'other' }],
    [
      'a wrong registry password',
      'SCHEMA_REGISTRY_PASSWORD',
      { SCHEMA_REGISTRY_PASSWORD_FILE: '', SCHEMA_REGISTRY_PASSWORD: 'wrong' },
    ],
    ['a wrong ClickHouse password', 'CLICKHOUSE_PASSWORD', { CLICKHOUSE_PASSWORD: 'wrong' }],
    ['an untrusted ClickHouse certificate', 'CLICKHOUSE_CA_FILE', { CLICKHOUSE_CA_FILE: 'other' }],
  ])(
    'stops with %s and names %s',
    async (_what, setting, overrides: Record<string, string>) => {
      const names = runConfig('secure-wrong');
      const resolved = Object.fromEntries(
        Object.entries(overrides).map(([k, v]) => [k, v === 'other' ? pki.otherCaFile : v]),
      );
      const bereik = runBereik(names, secureEnv(resolved));
      // The start steps retry outages with backoff for ever; a refused setting must end the process.
      const timer = setTimeout(() => bereik.child.kill('SIGKILL'), 120_000);
      const code = await bereik.exited;
      clearTimeout(timer);
      expect(code, bereik.output()).toBe(1);
      expect(bereik.output()).toContain(setting);
    },
    150_000,
  );

  it('authenticates with PLAIN and SCRAM-SHA-256 too, and with a client certificate where one is required', async () => {
    const clusterSize = async (env: Record<string, string>) => {
      const admin = createKafka(connectionsFromEnv(env).kafka, {
        clientId: 'secure-test',
        log: quiet,
      }).admin();
      await admin.connect();
      try {
        return (await admin.describeCluster()).brokers.length;
      } finally {
        await admin.disconnect();
      }
    };
    const sasl = (mechanism: string, user: { username: string; password: string }) =>
      secureEnv({
        KAFKA_SASL_MECHANISM: mechanism,
        KAFKA_SASL_USERNAME: user.username,
        KAFKA_SASL_PASSWORD_FILE: '',
        KAFKA_SASL_PASSWORD: user.password,
      });
    expect(await clusterSize(sasl('PLAIN', testKafkaUsers.plain))).toBe(1);
    expect(await clusterSize(sasl('scram-sha-256', testKafkaUsers.scram256))).toBe(1);
    // The registry and ClickHouse settings of secureEnv, Kafka over mutual TLS without SASL.
    const { SCHEMA_REGISTRY_URL, CLICKHOUSE_URL } = secureEnv();
    const mutual = {
      KAFKA_BROKERS: broker.mutualTls,
      KAFKA_SECURITY_PROTOCOL: 'SSL',
      KAFKA_TLS_CA_FILE: pki.caFile,
      SCHEMA_REGISTRY_URL: SCHEMA_REGISTRY_URL ?? '',
      CLICKHOUSE_URL: CLICKHOUSE_URL ?? '',
    };
    expect(
      await clusterSize({
        ...mutual,
        KAFKA_TLS_CERT_FILE: pki.clientCertFile,
        KAFKA_TLS_KEY_FILE: pki.clientKeyFile,
      }),
    ).toBe(1);
    const refused = await clusterSize(mutual).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(explainConnectionFailure(refused)?.message).toContain('KAFKA_TLS_CERT_FILE');
  }, 120_000);
});
