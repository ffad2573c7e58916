/**
 * The Kubernetes manifests, checked as data (no cluster here): every object validated against the
 * Kubernetes and Prometheus Operator schemas (kubernetes-models), several replicas in one consumer
 * group with probes, requests and a hardened security context, one scrape per pod with the job the
 * alert rules expect, rules and dashboards identical to the files they are generated from, and a
 * ConfigMap whose bereik.yaml passes bereik's own configuration validation.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { generated, kubernetesDir } from '../../../scripts/build-kubernetes.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { repoRoot } from '../../../src/stack/paths.ts';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
const read = (file: string) =>
  parseAllDocuments(readFileSync(path.join(kubernetesDir, file), 'utf8')).map((d) => d.toJSON() as Manifest);
const files = readdirSync(kubernetesDir).filter((f) => f.endsWith('.yaml'));
const manifests = files.flatMap(read);
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const one = (kind: string): Manifest => {
  const [m, ...rest] = byKind(kind);
  if (m === undefined || rest.length > 0)
    throw new Error(`expected one ${kind}, found ${rest.length + (m ? 1 : 0)}`);
  return m;
};

/** The schema of each kind, as kubernetes-models has it. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

interface Container {
  livenessProbe: { httpGet: { path: string } };
  readinessProbe: { httpGet: { path: string } };
  startupProbe: unknown;
  resources: { requests: { cpu: string; memory: string } };
  envFrom: { secretRef: { name: string } }[];
  args: string[];
  securityContext: {
    allowPrivilegeEscalation: boolean;
    readOnlyRootFilesystem: boolean;
    capabilities: { drop: string[] };
  };
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    securityContext: { runAsNonRoot: boolean; seccompProfile: { type: string } };
    containers: Container[];
    volumes: { name: string; emptyDir?: unknown }[];
  };
}

describe('deploy/kubernetes', () => {
  it('holds only objects that validate against the Kubernetes and Prometheus Operator schemas', () => {
    expect(files.sort()).toEqual(['bereik.yaml', 'grafana-dashboards.yaml', 'prometheus-rule.yaml']);
    for (const m of manifests) {
      const Model = models[`${m.apiVersion}/${m.kind}`];
      expect(Model, `${m.apiVersion} ${m.kind} has a schema here`).toBeDefined();
      if (Model === undefined) continue;
      expect(() => {
        new Model(m as never).validate();
      }, `${m.kind} ${m.metadata.name}`).not.toThrow();
    }
    // The check catches a wrong type (it is not a no-op).
    const broken = structuredClone(one('Service'));
    (broken.spec as { ports: { port: unknown }[] }).ports[0] = { port: 'metrics' };
    expect(() => {
      new Service(broken).validate();
    }).toThrow(/port/);
  });

  it('runs several replicas with probes, requests and a hardened security context', () => {
    const spec = one('Deployment').spec as { replicas: number; template: PodTemplate };
    expect(spec.replicas).toBeGreaterThanOrEqual(2);
    const [container] = spec.template.spec.containers;
    if (container === undefined) throw new Error('no container');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.startupProbe).toBeDefined();
    expect(container.resources.requests).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(container.envFrom[0]?.secretRef.name).toBe('bereik-secrets');
    expect(container.args.slice(0, 1)).toEqual(['run']);
    expect(spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    // A read-only root file system needs a writable /tmp (the TypeScript loader's cache).
    const tmp = container.volumeMounts.find((v) => v.mountPath === '/tmp');
    expect(spec.template.spec.volumes.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  it('is scraped once per pod, with the job the alert rules expect, by a Prometheus of the release', () => {
    const template = (one('Deployment').spec as { template: PodTemplate }).template;
    // Scrape annotations next to a ServiceMonitor would scrape twice and double every sum.
    expect(
      Object.keys(template.metadata.annotations ?? {}).filter((k) => k.startsWith('prometheus.io')),
    ).toEqual([]);
    const service = one('Service');
    const monitor = one('ServiceMonitor');
    const jobLabel = (monitor.spec as { jobLabel: string }).jobLabel;
    const job = service.metadata.labels?.[jobLabel];
    expect(job).toBe('bereik');
    const rules = readFileSync(
      path.join(repoRoot, 'deploy', 'prometheus', 'rules', 'bereik.rules.yml'),
      'utf8',
    );
    expect(rules).toContain(`up{job="${job}"}`);
    const selector = (monitor.spec as { selector: { matchLabels: Record<string, string> } }).selector;
    expect(service.metadata.labels).toMatchObject(selector.matchLabels);
    for (const m of [monitor, one('PrometheusRule')])
      expect(m.metadata.labels?.['release']).toBe('kube-prometheus-stack');
  });

  it('carries the alert rules and dashboards exactly as the files they are generated from', async () => {
    for (const [name, build] of Object.entries(generated)) {
      expect(
        readFileSync(path.join(kubernetesDir, name), 'utf8'),
        `${name}: run npx tsx scripts/build-kubernetes.ts`,
      ).toBe(await build());
    }
    const rules = parse(
      readFileSync(path.join(repoRoot, 'deploy', 'prometheus', 'rules', 'bereik.rules.yml'), 'utf8'),
    ) as {
      groups: unknown[];
    };
    expect((one('PrometheusRule').spec as { groups: unknown[] }).groups).toEqual(rules.groups);
    const configMap = byKind('ConfigMap').find((m) => m.metadata.labels?.['grafana_dashboard'] === '1');
    const dir = path.join(repoRoot, 'grafana', 'dashboards');
    const json = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(json.length).toBeGreaterThanOrEqual(5);
    expect(configMap?.data).toEqual(
      Object.fromEntries(json.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')])),
    );
  });

  it('ships a configuration that bereik accepts, with no secret in it', () => {
    const configMap = byKind('ConfigMap').find((m) => m.metadata.name === 'bereik-config');
    const text = configMap?.data?.['bereik.yaml'] ?? '';
    expect(() => parseConfig(parse(text), 'ConfigMap bereik-config')).not.toThrow();
    expect(text).not.toMatch(/HMAC|PASSWORD/i);
  });
});
