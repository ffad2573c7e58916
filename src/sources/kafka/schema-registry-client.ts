/** The Schema Registry client from the validated connection settings: basic auth and a custom CA. */
import { Agent } from 'node:https';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { SchemaRegistryConnection } from '../../config/connections.ts';

export function createSchemaRegistry(connection: SchemaRegistryConnection): SchemaRegistry {
  const { tls, credentials } = connection;
  return new SchemaRegistry({
    host: connection.url,
    ...(credentials === undefined ? {} : { auth: { ...credentials } }),
    // The registry client takes TLS settings only through an agent.
    ...(tls === undefined || (tls.ca === undefined && tls.clientCertificate === undefined)
      ? {}
      : { agent: new Agent({ keepAlive: true, ca: tls.ca, ...tls.clientCertificate }) }),
  });
}
