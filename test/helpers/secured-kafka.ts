/**
 * A second, throw-away Kafka broker for the secure-connection tests: the stack's own jars and
 * server.properties template, with three more listeners on free ports besides PLAINTEXT (which
 * the test's own checks use):
 * - SASL_SSL: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512; SCRAM users written at format time;
 * - SSL with `ssl.client.auth=required`: mutual TLS, the client certificate signed by the test CA.
 * The broker's certificate is the test PKI's server certificate, kept in a PEM key store.
 * With the local stack it runs as a JVM; on the Docker path, in the image docker-compose.yml uses.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { javaCommand, requireJava } from '../../src/stack/java.ts';
import {
  installKafka,
  KAFKA_CLUSTER_ID,
  KAFKA_VERSION,
  kafkaJavaArgs,
  renderServerProperties,
} from '../../src/stack/kafka.ts';
import { useContainers } from '../integration/containers.ts';
import type { TestPki } from './test-pki.ts';

const run = promisify(execFile);

/** Users and passwords of the test broker (public: they guard a broker that lives for one test). */
export const testKafkaUsers = {
  plain: { username: 'bereik-plain', password: 'plain-test-secret' },
  scram256: { username: 'bereik-256', password: 'scram-256-test-secret' },
  scram512: { username: 'bereik-512', password: 'scram-512-test-secret' },
} as const;

export interface SecuredKafka {
  /** host:port of the PLAINTEXT listener (for the test's own admin checks). */
  readonly plaintext: string;
  /** host:port of the SASL_SSL listener. */
  readonly saslSsl: string;
  /** host:port of the SSL listener that requires a client certificate. */
  readonly mutualTls: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

interface BrokerFiles {
  readonly storage: string;
  readonly keyStore: string;
  readonly trustStore: string;
}

interface BrokerPorts {
  readonly plain: number;
  readonly sasl: number;
  readonly mtls: number;
  readonly controller: number;
}

/** The stack's server.properties with the secure listeners; later lines win in a properties file. */
async function securedProperties(ports: BrokerPorts, files: BrokerFiles, bindHost: string): Promise<string> {
  const base = await renderServerProperties({
    HOST: '127.0.0.1',
    PORT: String(ports.plain),
    CONTROLLER_HOST: '127.0.0.1',
    CONTROLLER_PORT: String(ports.controller),
    LOG_DIRS: files.storage,
  });
  const jaas = (module: string, options = '') =>
    `org.apache.kafka.common.security.${module} required${options};`;
  return [
    base,
    '# secure listeners for the test',
    `listeners=PLAINTEXT://${bindHost}:${ports.plain},SASL_SSL://${bindHost}:${ports.sasl},SSL://${bindHost}:${ports.mtls},CONTROLLER://127.0.0.1:${ports.controller}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${ports.plain},SASL_SSL://localhost:${ports.sasl},SSL://localhost:${ports.mtls}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL',
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=${jaas('plain.PlainLoginModule', ` user_${testKafkaUsers.plain.username}="${testKafkaUsers.plain.password}"`)}`,
    `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=${jaas('scram.ScramLoginModule')}`,
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${jaas('scram.ScramLoginModule')}`,
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${files.keyStore}`,
    'listener.name.ssl.ssl.client.auth=required',
    'listener.name.ssl.ssl.truststore.type=PEM',
    `listener.name.ssl.ssl.truststore.location=${files.trustStore}`,
    '',
  ].join('\n');
}

/** The storage format arguments that write the SCRAM users. */
const scramArguments = (
  [
    ['SCRAM-SHA-256', testKafkaUsers.scram256],
    ['SCRAM-SHA-512', testKafkaUsers.scram512],
  ] as const
).flatMap(([mechanism, { username, password }]) => [
  '--add-scram',
  `${mechanism}=[name=${username},password=${password}]`,
]);

/**
 * Starts the broker: with the local stack, as a JVM from the stack's jars; on the Docker path
 * (tests run against containers), as the same Kafka image docker-compose.yml uses.
 */
export async function startSecuredKafka(dir: string, pki: TestPki): Promise<SecuredKafka> {
  const ports: BrokerPorts = {
    plain: await freePort(),
    sasl: await freePort(),
    mtls: await freePort(),
    controller: await freePort(),
  };
  // Kafka's PEM key store: the private key and the certificate chain in one file.
  const keyStore = [pki.serverKeyFile, pki.serverCertFile, pki.caFile]
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const running = useContainers()
    ? await startInContainer(ports, keyStore, readFileSync(pki.caFile, 'utf8'))
    : await startAsProcess(dir, ports, keyStore, pki.caFile);
  const plaintext = `127.0.0.1:${ports.plain}`;
  try {
    await waitForBroker(plaintext, running.exited, running.logs);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return {
    plaintext,
    saslSsl: `localhost:${ports.sasl}`,
    mutualTls: `localhost:${ports.mtls}`,
    stop: running.stop,
  };
}

interface RunningBroker {
  readonly exited: () => string | undefined;
  /** Where to look when it does not come up. */
  readonly logs: string;
  readonly stop: () => Promise<void>;
}

async function startAsProcess(
  dir: string,
  ports: BrokerPorts,
  keyStore: string,
  caFile: string,
): Promise<RunningBroker> {
  await requireJava('kafka');
  await installKafka();
  const files = {
    storage: path.join(dir, 'storage'),
    keyStore: path.join(dir, 'broker-keystore.pem'),
    trustStore: caFile,
  };
  writeFileSync(files.keyStore, keyStore);
  const configFile = path.join(dir, 'server.properties');
  writeFileSync(configFile, await securedProperties(ports, files, '127.0.0.1'));
  await run(
    javaCommand(),
    kafkaJavaArgs(
      'kafka.tools.StorageTool',
      ['format', '-t', KAFKA_CLUSTER_ID, '-c', configFile, ...scramArguments],
      ['-Xmx256m'],
    ),
    { timeout: 120_000 },
  );
  const logFile = path.join(dir, 'kafka.log');
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    javaCommand(),
    kafkaJavaArgs('kafka.Kafka', [configFile], ['-Xms128m', '-Xmx384m', '-XX:+UseSerialGC']),
    { stdio: ['ignore', out, out] },
  );
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal ?? '?'}`;
  });
  return {
    exited: () => exited,
    logs: logFile,
    stop: async () => {
      if (exited !== undefined) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await done;
      clearTimeout(timer);
    },
  };
}

async function startInContainer(ports: BrokerPorts, keyStore: string, ca: string): Promise<RunningBroker> {
  const { GenericContainer } = await import('testcontainers');
  const files = {
    storage: '/tmp/kafka-storage',
    keyStore: '/tmp/bereik/broker-keystore.pem',
    trustStore: '/tmp/bereik/ca.pem',
  };
  const configFile = '/tmp/bereik/server.properties';
  const quoted = (arg: string) => `'${arg}'`;
  // The host ports are the container's, so the advertised addresses work from the host.
  const container = await new GenericContainer(`apache/kafka:${KAFKA_VERSION}`)
    .withExposedPorts(...[ports.plain, ports.sasl, ports.mtls].map((p) => ({ container: p, host: p })))
    .withCopyContentToContainer([
      { content: await securedProperties(ports, files, '0.0.0.0'), target: configFile },
      { content: keyStore, target: files.keyStore },
      { content: ca, target: files.trustStore },
    ])
    .withEntrypoint(['/bin/bash', '-c'])
    .withCommand([
      `/opt/kafka/bin/kafka-storage.sh format -t ${KAFKA_CLUSTER_ID} -c ${configFile} ${scramArguments.map(quoted).join(' ')} && exec /opt/kafka/bin/kafka-server-start.sh ${configFile}`,
    ])
    .start();
  return {
    exited: () => undefined,
    logs: `the logs of container ${container.getId()}`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** Waits until the broker answers a metadata request on its PLAINTEXT listener (or has died). */
async function waitForBroker(broker: string, exited: () => string | undefined, logs: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  const kafka = new Kafka({
    clientId: 'secured-kafka-health',
    brokers: [broker],
    connectionTimeout: 1000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  while (Date.now() < deadline) {
    const dead = exited();
    if (dead !== undefined) throw new Error(`the test broker ${dead}; see ${logs}`);
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      if ((await admin.describeCluster()).brokers.length > 0) return;
    } catch {
      // not up yet
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the test broker did not answer within 120 s; see ${logs}`);
}
