/**
 * The two datasources the dashboards query. Panels name them by the fixed uids that
 * grafana/provisioning/datasources/bereik.yml gives them: provisioned dashboards cannot resolve
 * import placeholders such as `${DS_PROMETHEUS}`, so the uids are written out everywhere.
 */
import type { DatasourceRef } from './model.ts';

export interface Datasource {
  readonly ref: DatasourceRef;
  /** The `__inputs` name Grafana's export would give it. */
  readonly inputName: string;
  /** The name it has in the provisioning file, and the label of the import dialog. */
  readonly label: string;
  readonly pluginName: string;
  /** The plugin version `__requires` asks for (Prometheus is built in). */
  readonly pluginVersion: string;
}

export const prometheus: Datasource = {
  ref: { type: 'prometheus', uid: 'bereik-prometheus' },
  inputName: 'DS_PROMETHEUS',
  label: 'Prometheus',
  pluginName: 'Prometheus',
  pluginVersion: '1.0.0',
};

export const clickhouse: Datasource = {
  ref: { type: 'grafana-clickhouse-datasource', uid: 'bereik-clickhouse' },
  inputName: 'DS_CLICKHOUSE',
  label: 'ClickHouse',
  pluginName: 'ClickHouse',
  pluginVersion: '4.0.0',
};

export const datasources: readonly Datasource[] = [prometheus, clickhouse];
