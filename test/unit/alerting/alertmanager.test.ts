/**
 * deploy/alertmanager/alertmanager.yml, the example Alertmanager configuration: `amtool
 * check-config` accepts it (amtool from Debian's prometheus-alertmanager, installed when missing;
 * its service is never started), `amtool config routes test` sends each kind of alert to the
 * receiver docs/operations.md promises, and the queue alerts are inhibited while the pipeline is down.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  alertingRules,
  alertmanagerFile,
  amtoolPath,
  loadPrometheusRules,
  runTool,
} from '../../helpers/alerting.ts';

const config = parse(readFileSync(alertmanagerFile, 'utf8')) as {
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal?: string[] }[];
};
const alerts = alertingRules(loadPrometheusRules());
const queueAlerts = alerts.filter((a) => a.expr.includes('gemeente')).map((a) => a.alert);

describe('deploy/alertmanager/alertmanager.yml', () => {
  let amtool: string;
  beforeAll(async () => {
    amtool = await amtoolPath();
  }, 600_000);

  it('passes amtool check-config', async () => {
    const { code, output } = await runTool(amtool, ['check-config', alertmanagerFile]);
    expect(code, output).toBe(0);
  });

  const routes: [string, Record<string, string>, string][] = [
    [
      'a vakafdeling of Amersfoort',
      {
        alertname: 'VakafdelingBereikbaarheidLaag',
        severity: 'warning',
        gemeente: 'GM0307',
        queue: 'belastingen',
      },
      'teamleider-amersfoort',
    ],
    [
      'the KCC of Almere',
      { alertname: 'KccBereikbaarheidLaag', severity: 'critical', gemeente: 'GM0034', queue: 'kcc' },
      'teamleider-almere-direct',
    ],
    [
      'overdue callbacks of a gemeente without its own route',
      { alertname: 'TerugbelverzoekenTeLaat', severity: 'warning', gemeente: 'GM0344', queue: 'wmo' },
      'kcc-coordinatie',
    ],
    [
      'the pipeline down',
      { alertname: 'BereikPipelineDown', severity: 'critical', job: 'bereik', instance: 'bereik-0:9464' },
      'bereik-beheer-piket',
    ],
    [
      'growing consumer lag',
      { alertname: 'BereikConsumerLagGroeit', severity: 'warning', topic: 'switch.call-events.v1' },
      'bereik-beheer',
    ],
    [
      'dead letters',
      { alertname: 'BereikDeadLetters', severity: 'warning', reason: 'unknown-queue' },
      'bereik-beheer',
    ],
    [
      'a commit stall',
      { alertname: 'BereikCommitStalled', severity: 'warning', job: 'bereik', instance: 'bereik-0:9464' },
      'bereik-beheer',
    ],
  ];
  for (const [what, labels, receiver] of routes) {
    it(`routes ${what} to ${receiver}`, async () => {
      const { code, output } = await runTool(amtool, [
        'config',
        'routes',
        'test',
        `--config.file=${alertmanagerFile}`,
        `--verify.receivers=${receiver}`,
        ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
      ]);
      expect(code, output).toBe(0);
    });
  }

  it('routes alert names that exist', () => {
    const names = new Set(alerts.map((a) => a.alert));
    const mentioned =
      readFileSync(alertmanagerFile, 'utf8').match(/\b(?:Bereik|Vakafdeling|Kcc|Terugbel)\w+/g) ?? [];
    for (const name of mentioned.filter((n) => /[a-z][A-Z]/.test(n))) expect(names, name).toContain(name);
  });

  it('inhibits every queue alert while BereikPipelineDown fires', () => {
    const rule = config.inhibit_rules.find((r) =>
      r.source_matchers.includes('alertname="BereikPipelineDown"'),
    );
    expect(rule).toBeDefined();
    expect(rule?.equal ?? []).toEqual([]);
    const [target] = rule?.target_matchers ?? [];
    const pattern = new RegExp(`^(?:${/^alertname=~"(.*)"$/.exec(target ?? '')?.[1] ?? ''})$`);
    expect(queueAlerts.length).toBe(3);
    for (const name of queueAlerts) expect(pattern.test(name), name).toBe(true);
    for (const name of [
      'BereikPipelineDown',
      'BereikConsumerLagGroeit',
      'BereikDeadLetters',
      'BereikCommitStalled',
    ])
      expect(pattern.test(name), name).toBe(false);
  });
});
