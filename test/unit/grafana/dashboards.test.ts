/**
 * The dashboards as data: the committed JSON is exactly what scripts/dashboards/ generates
 * (written by scripts/build-dashboards.ts), and every dashboard has the structure Grafana's schema
 * (version 41, Grafana 12) requires: panels with a unique id, a type, a grid position and, except
 * rows, a datasource and targets with unique refIds; a templating list; unique uids; datasources
 * that are provisioned, referred to by their fixed uids and declared in `__inputs` for an import
 * through Grafana's UI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildDashboards,
  dashboardFileName,
  dashboardFileText,
  schemaVersion,
} from '../../../scripts/dashboards/index.ts';
import { repoRoot } from '../../../src/stack/paths.ts';
import {
  dashboardsDir,
  loadDashboards,
  panelsOf,
  provisioningDir,
  queriesOf,
  type Dashboard,
  type DatasourceRef,
  type Panel,
} from '../../helpers/grafana.ts';

const files = loadDashboards();
const dashboards = files.map((f) => f.dashboard);

interface ProvisionedDatasource {
  name: string;
  uid: string;
  type: string;
}
const provisioned: ProvisionedDatasource[] = readdirSync(path.join(provisioningDir, 'datasources'))
  .filter((f) => /\.ya?ml$/.test(f))
  .flatMap(
    (f) =>
      (
        parse(readFileSync(path.join(provisioningDir, 'datasources', f), 'utf8')) as {
          datasources?: ProvisionedDatasource[];
        }
      ).datasources ?? [],
  );

/** The Grafana version docker-compose runs, which `__requires` names. */
const grafanaImage = (
  parse(readFileSync(path.join(repoRoot, 'deploy', 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { image?: string }>;
  }
).services['grafana']?.image;

/** Every datasource reference: panels, their targets and the template variables. */
const datasourceRefs = (dashboard: Dashboard): DatasourceRef[] =>
  [
    ...panelsOf(dashboard).flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
    ...dashboard.templating.list.map((v) => v.datasource),
  ].filter((d) => d !== undefined);

/** The provisioned datasources a dashboard refers to, each once. */
const datasourcesUsedBy = (dashboard: Dashboard): ProvisionedDatasource[] =>
  provisioned.filter((d) => datasourceRefs(dashboard).some((ref) => ref.uid === d.uid));

const panelTypes = new Set(['row', 'timeseries', 'stat', 'table', 'barchart', 'bargauge', 'gauge', 'text']);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

describe('generated dashboards', () => {
  it('are committed exactly as scripts/build-dashboards.ts writes them (run `npx tsx scripts/build-dashboards.ts`)', () => {
    const built = buildDashboards();
    expect(files.map((f) => f.file).sort()).toEqual(built.map(dashboardFileName).sort());
    for (const d of built) {
      const committed = readFileSync(path.join(dashboardsDir, dashboardFileName(d)), 'utf8');
      expect(committed, dashboardFileName(d)).toBe(dashboardFileText(d));
    }
  });

  it('are the five dashboards of the operations surface', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(
      [
        'bereik-historie',
        'bereik-live',
        'bereik-pipeline',
        'bereik-terugbelverzoeken',
        'bereik-vakafdelingen',
      ].sort(),
    );
  });
});

describe.each(files.map((f) => [f.file, f] as const))('%s', (_file, { dashboard, text }) => {
  const panels = panelsOf(dashboard);

  it('is valid JSON with the top-level fields of schemaVersion 41', () => {
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    expect(dashboard.schemaVersion).toBe(schemaVersion);
    expect(schemaVersion).toBe(41);
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(typeof dashboard.title).toBe('string');
    expect(dashboard.title.length).toBeGreaterThan(0);
    expect(typeof dashboard['description']).toBe('string');
    expect(Array.isArray(dashboard.panels)).toBe(true);
    expect(isObject(dashboard.templating) && Array.isArray(dashboard.templating.list)).toBe(true);
    const time = dashboard['time'] as { from?: unknown; to?: unknown };
    expect(typeof time.from).toBe('string');
    expect(typeof time.to).toBe('string');
    expect(typeof dashboard['editable']).toBe('boolean');
    expect(Array.isArray((dashboard['annotations'] as { list?: unknown }).list)).toBe(true);
    expect(dashboard['timezone']).toBe('Europe/Amsterdam');
    expect(dashboard['id'] === undefined || dashboard['id'] === null).toBe(true);
  });

  it('has panels with a unique id, a known type and a grid position inside 24 columns, without overlaps', () => {
    expect(panels.length).toBeGreaterThan(3);
    const ids = panels.map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(panelTypes.has(p.type), `${p.title}: type ${p.type}`).toBe(true);
      const { h, w, x, y } = p.gridPos;
      for (const n of [h, w, x, y]) expect(Number.isInteger(n), `${p.title}: gridPos`).toBe(true);
      expect(w >= 1 && x >= 0 && x + w <= 24 && h >= 1 && y >= 0, `${p.title}: gridPos`).toBe(true);
    }
    const overlaps = (a: Panel, b: Panel) =>
      a.gridPos.x < b.gridPos.x + b.gridPos.w &&
      b.gridPos.x < a.gridPos.x + a.gridPos.w &&
      a.gridPos.y < b.gridPos.y + b.gridPos.h &&
      b.gridPos.y < a.gridPos.y + a.gridPos.h;
    const top = dashboard.panels;
    for (const [i, a] of top.entries())
      for (const b of top.slice(i + 1)) expect(overlaps(a, b), `${a.title} overlaps ${b.title}`).toBe(false);
  });

  it('has rows without queries, and every other panel with a title, a description, a datasource and targets with unique refIds', () => {
    for (const p of panels) {
      if (p.type === 'row') {
        expect(p.targets, p.title).toBeUndefined();
        expect(p['collapsed']).toBe(false);
        expect(p.panels).toEqual([]);
        continue;
      }
      expect(p.title.length, `panel ${p.id}`).toBeGreaterThan(0);
      expect(
        typeof p['description'] === 'string' && p['description'].length > 20,
        `${p.title}: description`,
      ).toBe(true);
      expect(
        isObject(p.datasource) &&
          typeof p.datasource.type === 'string' &&
          typeof p.datasource.uid === 'string',
        p.title,
      ).toBe(true);
      const targets = p.targets ?? [];
      expect(targets.length, `${p.title}: targets`).toBeGreaterThan(0);
      const refIds = targets.map((t) => t.refId);
      expect(
        refIds.every((r) => typeof r === 'string' && r.length > 0),
        p.title,
      ).toBe(true);
      expect(new Set(refIds).size, `${p.title}: refIds`).toBe(refIds.length);
      for (const t of targets) {
        expect(t.datasource, `${p.title} / ${t.refId}`).toEqual(p.datasource);
        if (p.datasource?.type === 'prometheus')
          expect(typeof t.expr === 'string' && t.expr.length > 0).toBe(true);
        else {
          expect(typeof t.rawSql === 'string' && t.rawSql.length > 0, `${p.title}: rawSql`).toBe(true);
          expect(t['editorType']).toBe('sql');
          expect([0, 1]).toContain(t['format']);
        }
      }
      const fieldConfig = p['fieldConfig'] as { defaults?: unknown; overrides?: unknown };
      expect(
        isObject(fieldConfig.defaults) && Array.isArray(fieldConfig.overrides),
        `${p.title}: fieldConfig`,
      ).toBe(true);
    }
  });

  it('has threshold steps that start at the base (null) and rise', () => {
    const stepLists: { color: string; value: number | null }[][] = [];
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (isObject(v)) {
        if (v['mode'] === 'absolute' && Array.isArray(v['steps'])) stepLists.push(v['steps'] as never);
        Object.values(v).forEach(collect);
      }
    };
    collect(dashboard.panels);
    expect(stepLists.length).toBeGreaterThan(0);
    for (const steps of stepLists) {
      expect(steps[0]?.value).toBeNull();
      const values = steps.slice(1).map((s) => s.value ?? Number.NaN);
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('has panel titles unique within the dashboard (test failures name them)', () => {
    const titles = panels.filter((p) => p.type !== 'row').map((p) => p.title);
    expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);
  });

  it('uses only provisioned datasources, each with its own type', () => {
    const refs = datasourceRefs(dashboard);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const ds = provisioned.find((d) => d.uid === ref.uid);
      expect(ds, `datasource uid ${ref.uid}`).toBeDefined();
      expect(ds?.type, ref.uid).toBe(ref.type);
    }
  });

  it("declares in __inputs exactly the datasources it uses, for an import through Grafana's UI", () => {
    const used = datasourcesUsedBy(dashboard);
    expect(used.length).toBeGreaterThan(0);
    const inputs = dashboard.__inputs ?? [];
    expect(inputs.map((i) => i.pluginId).sort()).toEqual(used.map((d) => d.type).sort());
    expect(new Set(inputs.map((i) => i.name)).size).toBe(inputs.length);
    for (const input of inputs) {
      const ds = used.find((d) => d.type === input.pluginId);
      expect(input.type, input.name).toBe('datasource');
      expect(input.name).toMatch(/^DS_[A-Z0-9_]+$/);
      expect(input.label, input.name).toBe(ds?.name);
      expect(input.pluginName.length, input.name).toBeGreaterThan(0);
      // The panels keep the fixed uid, so whoever imports must know it.
      expect(input.description, input.name).toContain(ds?.uid);
    }
  });

  it('refers to datasources by their provisioned uids, never by ${DS_...} placeholders (provisioning does not substitute them)', () => {
    expect(text).not.toContain('${DS_');
  });

  it('lists in __requires the Grafana docker-compose runs, its datasource plugins and its panel plugins', () => {
    const requires = dashboard.__requires ?? [];
    const ids = (type: string) =>
      requires
        .filter((r) => r.type === type)
        .map((r) => r.id)
        .sort();
    expect(requires.filter((r) => r.type === 'grafana').map((r) => `grafana/grafana:${r.version}`)).toEqual([
      grafanaImage,
    ]);
    expect(ids('datasource')).toEqual(
      datasourcesUsedBy(dashboard)
        .map((d) => d.type)
        .sort(),
    );
    expect(ids('panel')).toEqual(
      [...new Set(panels.filter((p) => p.type !== 'row').map((p) => p.type))].sort(),
    );
    expect(requires.length).toBe(1 + ids('datasource').length + ids('panel').length);
  });

  it('defines every variable its queries use, and uses only Grafana built-ins that fit the datasource', () => {
    const defined = new Set(dashboard.templating.list.map((v) => v.name));
    const builtIns: Record<string, ReadonlySet<string>> = {
      prometheus: new Set(['__range', '__rate_interval', '__interval']),
      'grafana-clickhouse-datasource': new Set(['__fromTime', '__toTime', '__timeFilter', '__dateFilter']),
    };
    const sources = [
      ...queriesOf(dashboard).map((q) => ({
        where: `${q.panel} / ${q.refId}`,
        type: q.datasource.type,
        text: q.query,
      })),
      ...dashboard.templating.list.map((v) => ({
        where: `variable ${v.name}`,
        type: v.datasource?.type ?? 'custom',
        text: typeof v.query === 'string' ? v.query : '',
      })),
    ];
    for (const { where, type, text: query } of sources) {
      for (const m of query.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)) {
        const name = m[1] ?? m[2] ?? '';
        const ok = name.startsWith('__') ? (builtIns[type]?.has(name) ?? false) : defined.has(name);
        expect(ok, `${where}: $${name}`).toBe(true);
      }
    }
  });

  it('has template variables with a name, type and (for queries) a datasource, and the gemeente variable where queries use it', () => {
    const names = dashboard.templating.list.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of dashboard.templating.list) {
      expect(v.name).toMatch(/^\w+$/);
      expect(['query', 'custom']).toContain(v.type);
      if (v.type === 'query') {
        expect(v.datasource, v.name).toBeDefined();
        expect(typeof v.query === 'string' && v.query.length > 0, v.name).toBe(true);
      } else {
        expect(v.options?.some((o) => o.selected === true && o.value === (v.current?.value as string))).toBe(
          true,
        );
      }
    }
    if (queriesOf(dashboard).some((q) => q.query.includes('$gemeente'))) expect(names[0]).toBe('gemeente');
  });
});

describe('all dashboards together', () => {
  it('have unique uids and titles', () => {
    const uids = dashboards.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    const titles = dashboards.map((d) => d.title);
    expect(new Set(titles).size).toBe(titles.length);
  });
});
