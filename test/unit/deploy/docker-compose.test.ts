/**
 * The Docker path cannot run on machines without a Docker engine, so its compose file is checked
 * as data: every file it mounts exists, and Kafka's settings agree with the local stack's
 * server.properties, so both paths run with one set of configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../../src/stack/paths.ts';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number>;
  volumes?: string[];
}
const deploy = path.join(repoRoot, 'deploy');
const compose = parse(readFileSync(path.join(deploy, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
};

describe('deploy/docker-compose.yml', () => {
  it('has the stack of the local path plus Grafana, bereik and the simulator', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['bereik', 'clickhouse', 'grafana', 'kafka', 'prometheus', 'schema-registry', 'simulator'].sort(),
    );
  });

  it('mounts only files and folders that exist in the repository', () => {
    const sources = Object.values(compose.services).flatMap((s) =>
      (s.volumes ?? []).map((v) => v.split(':')[0] ?? ''),
    );
    const local = sources.filter((s) => s.startsWith('.'));
    expect(local.length).toBeGreaterThan(0);
    for (const source of local) expect(existsSync(path.resolve(deploy, source)), source).toBe(true);
    for (const s of Object.values(compose.services)) {
      if (s.build !== undefined)
        expect(existsSync(path.resolve(deploy, s.build.context, s.build.dockerfile))).toBe(true);
    }
  });

  it("runs Kafka with the local stack's settings", () => {
    const properties = new Map(
      readFileSync(path.join(deploy, 'kafka', 'server.properties'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('=') && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
    );
    const env = compose.services['kafka']?.environment ?? {};
    for (const key of [
      'process.roles',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'group.initial.rebalance.delay.ms',
      'auto.create.topics.enable',
    ]) {
      const envKey = `KAFKA_${key.toUpperCase().replaceAll('.', '_')}`;
      expect(String(env[envKey]), envKey).toBe(properties.get(key));
    }
  });
});
