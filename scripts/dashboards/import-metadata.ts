/**
 * `__inputs` and `__requires`, in the shape of Grafana's own export, so a dashboard file can also be
 * imported through Grafana's UI (Dashboards > New > Import): the dialog names the datasources and
 * plugins it needs.
 *
 * The panels keep the fixed datasource uids rather than `${DS_...}` placeholders, because
 * provisioning (grafana/provisioning, the Kubernetes ConfigMap) does not substitute them. So the
 * inputs describe, they do not rewire: the Grafana the dashboard is imported into needs datasources
 * with these uids.
 */
import { datasources, type Datasource } from './datasources.ts';
import type { DatasourceRef, ImportInput, ImportRequirement, Panel, RowPanel, Variable } from './model.ts';

/** The Grafana deploy/docker-compose.yml runs (grafana/grafana:12.2.0), which writes schemaVersion 41. */
export const grafanaVersion = '12.2.0';

/** Names of Grafana's built-in panel plugins, as its export writes them. */
const panelNames: Readonly<Record<Panel['type'], string>> = {
  barchart: 'Bar chart',
  bargauge: 'Bar gauge',
  stat: 'Stat',
  table: 'Table',
  timeseries: 'Time series',
};

/** The datasources the panels, their queries and the variables refer to, in a fixed order. */
function datasourcesUsed(
  panels: readonly (Panel | RowPanel)[],
  variables: readonly Variable[],
): Datasource[] {
  const refs: DatasourceRef[] = [
    ...panels.flatMap((p) => (p.type === 'row' ? [] : [p.datasource, ...p.targets.map((t) => t.datasource)])),
    ...variables.flatMap((v) => (v.type === 'query' ? [v.datasource] : [])),
  ];
  return datasources.filter((d) => refs.some((r) => r.uid === d.ref.uid));
}

const input = (d: Datasource): ImportInput => ({
  name: d.inputName,
  label: d.label,
  description: `De panelen verwijzen vast naar uid ${d.ref.uid} (zie grafana/provisioning/datasources/bereik.yml): de gekozen datasource moet die uid hebben.`,
  type: 'datasource',
  pluginId: d.ref.type,
  pluginName: d.pluginName,
});

export function importMetadata(
  panels: readonly (Panel | RowPanel)[],
  variables: readonly Variable[],
): { __inputs: ImportInput[]; __requires: ImportRequirement[] } {
  const used = datasourcesUsed(panels, variables);
  const panelTypes = [...new Set(panels.flatMap((p) => (p.type === 'row' ? [] : [p.type])))];
  const requires: ImportRequirement[] = [
    { type: 'grafana', id: 'grafana', name: 'Grafana', version: grafanaVersion },
    ...used.map((d): ImportRequirement => ({
      type: 'datasource',
      id: d.ref.type,
      name: d.pluginName,
      version: d.pluginVersion,
    })),
    ...panelTypes.map((t): ImportRequirement => ({ type: 'panel', id: t, name: panelNames[t], version: '' })),
  ];
  // Sorted by id, as Grafana's export does, so the order does not follow the panels'.
  return { __inputs: used.map(input), __requires: requires.sort((a, b) => a.id.localeCompare(b.id)) };
}
