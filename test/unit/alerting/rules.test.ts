/**
 * The Prometheus rules (deploy/prometheus/rules/bereik.rules.yml): promtool accepts them and their
 * unit tests pass (test/unit/alerting/*.test.yml, promtool's own format, with hand-worked series),
 * every alert has a case where it fires and one where it must not, and every alert carries what a
 * person on call needs: a severity, a Dutch summary, a description and a runbook link into
 * docs/operations.md. promtool comes from Debian's prometheus package (installed when missing).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { promtoolPath } from '../../../src/stack/prometheus.ts';
import {
  alertingRules,
  loadPrometheusRules,
  markdownAnchors,
  operationsDoc,
  ruleTestsDir,
  rulesFile,
  runTool,
} from '../../helpers/alerting.ts';

const ruleTests = readdirSync(ruleTestsDir)
  .filter((f) => f.endsWith('.test.yml'))
  .map((f) => path.join(ruleTestsDir, f));
const groups = loadPrometheusRules();
const alerts = alertingRules(groups);

interface RuleTestFile {
  rule_files: string[];
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

describe('deploy/prometheus/rules/bereik.rules.yml', () => {
  let promtool: string;
  beforeAll(async () => {
    promtool = await promtoolPath();
  }, 600_000);

  it('passes promtool check rules', { timeout: 60_000 }, async () => {
    const { code, output } = await runTool(promtool, ['check', 'rules', rulesFile]);
    expect(code, output).toBe(0);
  });

  it('passes its promtool unit tests', { timeout: 60_000 }, async () => {
    expect(ruleTests.length).toBeGreaterThanOrEqual(3);
    const { code, output } = await runTool(promtool, ['test', 'rules', ...ruleTests]);
    expect(code, output).toBe(0);
  });

  it('has the seven alerts and the recording rules the dashboards and alerts use', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual(
      [
        'BereikCommitStalled',
        'BereikConsumerLagGroeit',
        'BereikDeadLetters',
        'BereikPipelineDown',
        'KccBereikbaarheidLaag',
        'TerugbelverzoekenTeLaat',
        'VakafdelingBereikbaarheidLaag',
      ].sort(),
    );
    const records = groups.flatMap((g) => g.rules.flatMap((r) => (r.record === undefined ? [] : [r.record])));
    expect(records).toEqual(
      expect.arrayContaining([
        'bereik:legs_offered:increase30m',
        'bereik:legs_answered:increase30m',
        'bereik:reachability:ratio30m',
      ]),
    );
  });

  it('tests every alert firing and not firing', () => {
    const files = ruleTests.map((f) => parse(readFileSync(f, 'utf8')) as RuleTestFile);
    for (const file of files)
      expect(file.rule_files).toEqual(['../../../deploy/prometheus/rules/bereik.rules.yml']);
    const cases = files.flatMap((f) => f.tests.flatMap((t) => t.alert_rule_test ?? []));
    for (const { alert } of alerts) {
      const own = cases.filter((c) => c.alertname === alert);
      expect(
        own.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} has no case where it fires`,
      ).toBe(true);
      expect(
        own.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} has no case where it must not fire`,
      ).toBe(true);
    }
  });

  it('gives every alert a severity, a Dutch summary, a description and a runbook in docs/operations.md', () => {
    const anchors = markdownAnchors(operationsDoc);
    const base = 'https://github.com/bereik/bereik/blob/main/docs/operations.md#';
    for (const rule of alerts) {
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.['severity']);
      expect(rule.annotations?.['summary'], rule.alert).toBeTruthy();
      expect(rule.annotations?.['description'], rule.alert).toBeTruthy();
      const runbook = rule.annotations?.['runbook_url'] ?? '';
      expect(runbook.startsWith(base), `${rule.alert}: ${runbook}`).toBe(true);
      expect(anchors, `${rule.alert}: no heading for ${runbook}`).toContain(runbook.slice(base.length));
    }
  });

  it('names gemeente and queue in the summary of every queue alert', () => {
    for (const rule of alerts.filter((a) => a.expr.includes('gemeente'))) {
      expect(rule.annotations?.['summary'], rule.alert).toMatch(
        /\{\{ \$labels\.queue_name \}\} van \{\{ \$labels\.gemeente_name \}\}/,
      );
      expect(rule.expr, rule.alert).toContain('group_left (gemeente_name, queue_name)');
    }
  });
});
