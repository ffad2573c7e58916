/** The frame every bereik dashboard shares: tags, time zone, links, annotations and schema version. */
import { importMetadata } from './import-metadata.ts';
import { layOut, type Item } from './layout.ts';
import type { Dashboard, Variable } from './model.ts';

/** Grafana 12.x (deploy/docker-compose.yml runs grafana/grafana:12.2.0) writes schemaVersion 41. */
export const schemaVersion = 41;

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly time: { readonly from: string; readonly to: string };
  /** '' for no automatic refresh. */
  readonly refresh: string;
  readonly variables: readonly Variable[];
  readonly items: readonly Item[];
}

export function dashboard(spec: DashboardSpec): Dashboard {
  const panels = layOut(spec.items);
  return {
    ...importMetadata(panels, spec.variables),
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    // The tag ties the dashboards together: the link below lists every dashboard with it.
    tags: ['bereik'],
    schemaVersion,
    version: 1,
    // Changes belong in this code: the provisioning does not let the UI save (allowUiUpdates: false).
    editable: false,
    // Shared crosshair: a moment in one panel lines up with the others.
    graphTooltip: 1,
    // Opening hours, days and the views' dates are Dutch local time.
    timezone: 'Europe/Amsterdam',
    weekStart: 'monday',
    fiscalYearStartMonth: 0,
    liveNow: false,
    refresh: spec.refresh,
    time: spec.time,
    timepicker: {},
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    links: [
      {
        title: 'bereik',
        type: 'dashboards',
        tags: ['bereik'],
        asDropdown: true,
        includeVars: false,
        keepTime: true,
        icon: 'external link',
        targetBlank: false,
        tooltip: '',
        url: '',
      },
    ],
    templating: { list: [...spec.variables] },
    panels,
  };
}
