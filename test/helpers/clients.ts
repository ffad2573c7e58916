/** Clients for the real stack pieces, built from the endpoints the global setup provides. */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import { clickhouseClientOptions } from '../../src/sinks/clickhouse/client-options.ts';
import type { StackEndpoints } from '../../src/stack/stack.ts';

export function kafkaClient(endpoints: StackEndpoints, clientId = 'bereik-test'): Kafka {
  return new Kafka({ clientId, brokers: endpoints.kafka.url.split(','), logLevel: logLevel.WARN });
}

export function schemaRegistryClient(endpoints: StackEndpoints): SchemaRegistry {
  return new SchemaRegistry({ host: endpoints.schemaRegistry.url });
}

export function clickhouseClient(endpoints: StackEndpoints): ClickHouseClient {
  return createClient(clickhouseClientOptions(endpoints.clickhouse.url));
}

/** A name no earlier run used, so tests never see each other's topics, groups or tables. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Polls until `probe` returns a value that is not undefined, or fails with `what` after the timeout. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const last = lastError instanceof Error ? `; last probe: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`, { cause: lastError });
}
