/**
 * grafana/alerting/bereik-alert-rules.yml is the Prometheus alerts for Grafana alerting: this test
 * parses it and checks that every Prometheus alert has a Grafana rule with the very same PromQL
 * (so the same thresholds: they are part of the expression), on the bereik-prometheus datasource,
 * with Grafana's Prometheus-style condition (fire for every series the query returns), the same
 * `for`, labels and runbook, and annotations that use only what Grafana's templates know.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../../src/stack/paths.ts';
import { alertingRules, grafanaRulesFile, loadPrometheusRules } from '../../helpers/alerting.ts';

interface GrafanaQuery {
  refId: string;
  datasourceUid: string;
  relativeTimeRange?: { from: number; to: number };
  model: Record<string, unknown>;
}
interface GrafanaRule {
  uid: string;
  title: string;
  condition: string;
  data: GrafanaQuery[];
  noDataState: string;
  execErrState: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface GrafanaFile {
  apiVersion: number;
  groups: { orgId: number; name: string; folder: string; interval: string; rules: GrafanaRule[] }[];
}

const grafana = parse(readFileSync(grafanaRulesFile, 'utf8')) as GrafanaFile;
const grafanaRules = grafana.groups.flatMap((g) => g.rules);
const groups = loadPrometheusRules();
const alerts = alertingRules(groups);

/** Numbers in an expression, in order: the thresholds and windows a change would move. */
const numbersIn = (expr: string) => expr.match(/(?<![\w:])\d+(\.\d+)?(?![\w:])/g) ?? [];

describe('grafana/alerting/bereik-alert-rules.yml', () => {
  it('is a Grafana alerting provisioning file', () => {
    expect(grafana.apiVersion).toBe(1);
    for (const group of grafana.groups) {
      expect(group.orgId).toBe(1);
      expect(group.folder).toBe('bereik');
      expect(group.interval).toMatch(/^\d+[smh]$/);
    }
    const uids = grafanaRules.map((r) => r.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
  });

  it('has exactly one Grafana rule per Prometheus alert, in the same group', () => {
    expect(grafanaRules.map((r) => r.title).sort()).toEqual(alerts.map((a) => a.alert).sort());
    for (const group of groups) {
      const own = group.rules.flatMap((r) => (r.alert === undefined ? [] : [r.alert]));
      if (own.length === 0) continue;
      const twin = grafana.groups.find((g) => g.name === group.name);
      expect(
        twin?.rules.map((r) => r.title),
        group.name,
      ).toEqual(own);
    }
  });

  for (const alert of alerts) {
    describe(alert.alert, () => {
      const rule = () => {
        const found = grafanaRules.find((r) => r.title === alert.alert);
        if (found === undefined) throw new Error(`no Grafana rule ${alert.alert}`);
        return found;
      };

      it('queries the same expression, with the same thresholds, on the Prometheus datasource', () => {
        const query = rule().data.find((d) => d.refId === 'query');
        expect(query?.datasourceUid).toBe('bereik-prometheus');
        expect(query?.model['datasource']).toEqual({ type: 'prometheus', uid: 'bereik-prometheus' });
        expect(query?.model['instant']).toBe(true);
        expect(query?.model['expr']).toBe(alert.expr);
        expect(numbersIn(String(query?.model['expr']))).toEqual(numbersIn(alert.expr));
      });

      it('fires for every series the query returns, like Prometheus', () => {
        const r = rule();
        expect(r.condition).toBe('threshold');
        const math = r.data.find((d) => d.refId === 'prometheus_math');
        expect(math?.datasourceUid).toBe('__expr__');
        expect(math?.model).toMatchObject({
          type: 'math',
          expression: 'is_number($query) || is_nan($query) || is_inf($query)',
        });
        const threshold = r.data.find((d) => d.refId === 'threshold');
        expect(threshold?.datasourceUid).toBe('__expr__');
        expect(threshold?.model).toMatchObject({
          type: 'threshold',
          expression: 'prometheus_math',
          conditions: [{ evaluator: { type: 'gt', params: [0] } }],
        });
        // No series means nothing is wrong (as in Prometheus); a failing query is an error.
        expect(r.noDataState).toBe('OK');
        expect(r.execErrState).toBe('Error');
      });

      it('waits as long and carries the same labels and runbook', () => {
        const r = rule();
        expect(r.for).toBe(alert.for ?? '0s');
        expect(r.labels).toEqual(alert.labels);
        expect(r.annotations['runbook_url']).toBe(alert.annotations?.['runbook_url']);
        expect(r.annotations['summary']).toBe(
          alert.annotations?.['summary']?.replaceAll('$value', '$values.query.Value'),
        );
      });

      it("uses only template functions Grafana's annotations know", () => {
        for (const [key, text] of Object.entries(rule().annotations)) {
          expect(text, key).not.toMatch(/\bquery\b\s*\}\}|\|\s*query\b|\|\s*first\b|\$value\b(?!s)/);
        }
      });
    });
  }

  it('uses only recording rules that Prometheus records', () => {
    const records = new Set(
      groups.flatMap((g) => g.rules.flatMap((r) => (r.record === undefined ? [] : [r.record]))),
    );
    for (const r of grafanaRules) {
      const expr = String(r.data.find((d) => d.refId === 'query')?.model['expr']);
      for (const used of expr.match(/bereik:[a-z0-9_:]+/g) ?? []) expect(records, r.title).toContain(used);
    }
  });

  it('queries the datasource Grafana is provisioned with', () => {
    const datasources = parse(
      readFileSync(path.join(repoRoot, 'grafana', 'provisioning', 'datasources', 'bereik.yml'), 'utf8'),
    ) as { datasources: { uid: string; type: string }[] };
    expect(datasources.datasources).toContainEqual(
      expect.objectContaining({ uid: 'bereik-prometheus', type: 'prometheus' }),
    );
  });
});
