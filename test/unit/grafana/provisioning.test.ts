/**
 * Grafana's provisioning files (grafana/provisioning, mounted by deploy/docker-compose.yml) are
 * valid YAML with what Grafana needs: the two datasources the dashboards use, and a file provider
 * that reads the folder the dashboards are mounted in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { repoRoot } from '../../../src/stack/paths.ts';
import { provisioningDir } from '../../helpers/grafana.ts';

function yamlFiles(folder: string): { file: string; data: Record<string, unknown> }[] {
  const dir = path.join(provisioningDir, folder);
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((file) => {
      const document = parseDocument(readFileSync(path.join(dir, file), 'utf8'));
      expect(
        document.errors.map((e) => e.message),
        `${folder}/${file}`,
      ).toEqual([]);
      return { file: `${folder}/${file}`, data: document.toJS() as Record<string, unknown> };
    });
}

interface DatasourceEntry {
  name?: unknown;
  uid?: unknown;
  type?: unknown;
  access?: unknown;
  url?: unknown;
  jsonData?: Record<string, unknown>;
}

const compose = parseDocument(
  readFileSync(path.join(repoRoot, 'deploy', 'docker-compose.yml'), 'utf8'),
).toJS() as {
  services: Record<string, { volumes?: string[] }>;
};
/** Where docker-compose mounts a repository folder in the Grafana container. */
function mountOf(repoFolder: string): string | undefined {
  const volume = (compose.services['grafana']?.volumes ?? []).find(
    (v) => path.resolve(repoRoot, 'deploy', v.split(':')[0] ?? '') === path.join(repoRoot, repoFolder),
  );
  return volume?.split(':')[1];
}

describe('grafana/provisioning', () => {
  it('is mounted by docker-compose where Grafana reads provisioning', () => {
    expect(mountOf('grafana/provisioning')).toBe('/etc/grafana/provisioning');
  });

  it('provisions the Prometheus and ClickHouse datasources with unique names and uids', () => {
    const files = yamlFiles('datasources');
    expect(files.length).toBeGreaterThan(0);
    const entries: DatasourceEntry[] = [];
    for (const { file, data } of files) {
      expect(data['apiVersion'], file).toBe(1);
      expect(Array.isArray(data['datasources']), file).toBe(true);
      entries.push(...(data['datasources'] as DatasourceEntry[]));
    }
    for (const e of entries) {
      expect(typeof e.name === 'string' && typeof e.uid === 'string' && typeof e.type === 'string').toBe(
        true,
      );
    }
    expect(new Set(entries.map((e) => e.uid)).size).toBe(entries.length);
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
    const prometheus = entries.find((e) => e.uid === 'bereik-prometheus');
    expect(prometheus?.type).toBe('prometheus');
    expect(String(prometheus?.url)).toMatch(/^https?:\/\//);
    const clickhouse = entries.find((e) => e.uid === 'bereik-clickhouse');
    expect(clickhouse?.type).toBe('grafana-clickhouse-datasource');
    // The dashboards' SQL names tables without a database: the datasource's default database.
    expect(clickhouse?.jsonData?.['defaultDatabase']).toBe('bereik');
  });

  it("gives Prometheus the bereik job's scrape interval, on which $__rate_interval rests", () => {
    const prometheus = yamlFiles('datasources')
      .flatMap(({ data }) => data['datasources'] as DatasourceEntry[])
      .find((e) => e.uid === 'bereik-prometheus');
    const config = parseDocument(
      readFileSync(path.join(repoRoot, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8'),
    ).toJS() as { scrape_configs: { job_name: string; scrape_interval?: string }[] };
    const job = config.scrape_configs.find((j) => j.job_name === 'bereik');
    expect(prometheus?.jsonData?.['timeInterval']).toBe(job?.scrape_interval);
  });

  it('has a file provider reading the folder the dashboards are mounted in', () => {
    const files = yamlFiles('dashboards');
    expect(files.length).toBeGreaterThan(0);
    const providers = files.flatMap(({ file, data }) => {
      expect(data['apiVersion'], file).toBe(1);
      return data['providers'] as { name?: unknown; type?: unknown; options?: { path?: unknown } }[];
    });
    expect(providers.length).toBeGreaterThan(0);
    const mounted = mountOf('grafana/dashboards');
    expect(mounted).toBeDefined();
    for (const p of providers) {
      expect(typeof p.name).toBe('string');
      expect(p.type).toBe('file');
      expect(p.options?.path).toBe(mounted);
    }
  });
});
