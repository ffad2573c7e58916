/**
 * The one way bereik builds its Kafka client (processor, simulator, dead-letter replay): brokers,
 * TLS and SASL from the validated connection settings, kafkajs's log lines through ours.
 */
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { KafkaConnection } from '../../config/connections.ts';
import type { Logger } from '../../telemetry/logger.ts';

export interface KafkaClientOptions {
  readonly clientId: string;
  /** kafkajs warnings and errors go here; without it kafkajs logs warnings to the console itself. */
  readonly log?: Logger;
  /** Test and health-check tuning (timeouts, retries). */
  readonly tuning?: Pick<KafkaConfig, 'connectionTimeout' | 'requestTimeout' | 'retry'>;
}

export function createKafka(connection: KafkaConnection, options: KafkaClientOptions): Kafka {
  const { log } = options;
  return new Kafka({
    clientId: options.clientId,
    brokers: [...connection.brokers],
    ...(connection.tls === undefined ? {} : { ssl: tlsOptions(connection.tls) }),
    ...(connection.sasl === undefined ? {} : { sasl: saslOptions(connection.sasl) }),
    ...options.tuning,
    logLevel: logLevel.WARN,
    ...(log === undefined
      ? {}
      : {
          logCreator: () => (entry) => {
            log.warn(`kafkajs: ${entry.log.message}`, { namespace: entry.namespace });
          },
        }),
  });
}

function tlsOptions(tls: NonNullable<KafkaConnection['tls']>): ConnectionOptions | true {
  if (tls.ca === undefined && tls.clientCertificate === undefined) return true;
  return {
    ...(tls.ca === undefined ? {} : { ca: [tls.ca] }),
    ...(tls.clientCertificate === undefined ? {} : { ...tls.clientCertificate }),
  };
}

function saslOptions(sasl: NonNullable<KafkaConnection['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'PLAIN':
      return { mechanism: 'plain', username, password };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}
