/**
 * The Kubernetes manifests, checked as data (no cluster here): several replicas in one consumer
 * group with probes, resource requests, scrape annotations and secrets from a Secret, and a
 * ConfigMap whose bereik.yaml passes bereik's own configuration validation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { parseConfig } from '../../../src/config/load.ts';
import { repoRoot } from '../../../src/stack/paths.ts';

interface Manifest {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
const manifests = parseAllDocuments(
  readFileSync(path.join(repoRoot, 'deploy', 'kubernetes', 'bereik.yaml'), 'utf8'),
).map((d) => d.toJSON() as Manifest);
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);

describe('deploy/kubernetes/bereik.yaml', () => {
  it('runs several replicas with liveness, readiness and startup probes, requests and scrape annotations', () => {
    const [deployment] = byKind('Deployment');
    const spec = deployment?.spec as {
      replicas: number;
      template: {
        metadata: { annotations: Record<string, string> };
        spec: { containers: Record<string, unknown>[] };
      };
    };
    expect(spec.replicas).toBeGreaterThanOrEqual(2);
    expect(spec.template.metadata.annotations['prometheus.io/scrape']).toBe('true');
    const container = spec.template.spec.containers[0] as {
      livenessProbe: { httpGet: { path: string } };
      readinessProbe: { httpGet: { path: string } };
      startupProbe: unknown;
      resources: { requests: { cpu: string; memory: string } };
      envFrom: { secretRef: { name: string } }[];
      args: string[];
    };
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.startupProbe).toBeDefined();
    expect(container.resources.requests).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(container.envFrom[0]?.secretRef.name).toBe('bereik-secrets');
    expect(container.args.slice(0, 1)).toEqual(['run']);
  });

  it('has a ServiceMonitor, a Service and a PodDisruptionBudget', () => {
    expect(byKind('ServiceMonitor')).toHaveLength(1);
    expect(byKind('Service')).toHaveLength(1);
    expect(byKind('PodDisruptionBudget')).toHaveLength(1);
  });

  it('ships a configuration that bereik accepts, with no secret in it', () => {
    const [configMap] = byKind('ConfigMap');
    const text = configMap?.data?.['bereik.yaml'] ?? '';
    expect(() => parseConfig(parse(text), 'ConfigMap bereik-config')).not.toThrow();
    expect(text).not.toMatch(/HMAC|PASSWORD/i);
  });
});
