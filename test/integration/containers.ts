/**
 * The Docker path for the integration tests: when a Docker engine answers (or BEREIK_STACK=containers),
 * the global setup starts Kafka, Confluent Schema Registry, ClickHouse and Prometheus from
 * deploy/docker-compose.yml with testcontainers, the same file users run, and points the tests at
 * them through the usual environment variables. Without Docker the local stack is used instead.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DockerComposeEnvironment, type StartedDockerComposeEnvironment } from 'testcontainers';
import { repoRoot } from '../../src/stack/paths.ts';

/** True when the tests should use containers: forced by BEREIK_STACK, else when `docker info` answers. */
export function useContainers(): boolean {
  const forced = process.env['BEREIK_STACK'];
  if (forced === 'containers') return true;
  if (forced === 'local') return false;
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 }).status === 0;
}

/** The environment variables that point bereik at the compose services from the host. */
export const containerEndpoints = {
  KAFKA_BROKERS: 'localhost:29092',
  SCHEMA_REGISTRY_URL: 'http://localhost:8081',
  CLICKHOUSE_URL: 'http://localhost:8123',
  PROMETHEUS_URL: 'http://localhost:9090',
} as const;

export async function startContainers(): Promise<StartedDockerComposeEnvironment> {
  const environment = await new DockerComposeEnvironment(path.join(repoRoot, 'deploy'), 'docker-compose.yml')
    .withEnvironment({ BEREIK_HMAC_KEY: 'test-only-key-of-at-least-32-characters' })
    .up(['kafka', 'schema-registry', 'clickhouse', 'prometheus']);
  Object.assign(process.env, containerEndpoints);
  return environment;
}
