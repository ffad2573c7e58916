/**
 * Template variables: the gemeente, its queues, and the sliding window of the live ratios. The
 * live dashboards list gemeenten and queues from Prometheus, Historie from ClickHouse, so each
 * dashboard works with only its own datasource.
 */
import { clickhouse, prometheus, type Datasource } from './datasources.ts';
import type { CustomVariable, QueryVariable } from './model.ts';

interface QueryVariableSpec {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly datasource: Datasource;
  readonly query: string;
  /** Takes the value and display text out of a Prometheus result line (named groups). */
  readonly regex?: string;
  /** `one` value, or any number of values with All preselected. */
  readonly choose: 'one' | 'many';
}

function queryVariable(spec: QueryVariableSpec): QueryVariable {
  const many = spec.choose === 'many';
  return {
    name: spec.name,
    label: spec.label,
    description: spec.description,
    type: 'query',
    datasource: { ...spec.datasource.ref },
    query: spec.query,
    definition: spec.query,
    ...(spec.regex === undefined ? {} : { regex: spec.regex }),
    refresh: 1,
    sort: 1,
    multi: many,
    includeAll: many,
    current: many ? { text: ['All'], value: ['$__all'] } : {},
    options: [],
    hide: 0,
    skipUrlSync: false,
  };
}

const gemeente = {
  name: 'gemeente',
  label: 'Gemeente',
  description: 'De gemeente (CBS-code); de lijst toont de naam.',
};
const queue = {
  name: 'queue',
  label: 'Wachtrij',
  description: 'De wachtrijen (KCC en vakafdelingen) van de gekozen gemeente.',
};

export const gemeenteVariable = queryVariable({
  ...gemeente,
  datasource: prometheus,
  // One series per gemeente; the regex takes the code as value and the name as text.
  query: 'query_result(max by (gemeente, gemeente_name) (bereik_queue_info))',
  regex: '/gemeente="(?<value>[^"]+)",\\s*gemeente_name="(?<text>[^"]+)"/',
  choose: 'one',
});

export const queueVariable = queryVariable({
  ...queue,
  datasource: prometheus,
  query: 'query_result(max by (queue, queue_name) (bereik_queue_info{gemeente="$gemeente"}))',
  regex: '/queue="(?<value>[^"]+)",\\s*queue_name="(?<text>[^"]+)"/',
  choose: 'many',
});

export const clickhouseGemeenteVariable = queryVariable({
  ...gemeente,
  datasource: clickhouse,
  // grafana-clickhouse-datasource: with two columns the first is the value, the second the text.
  query: 'SELECT gemeente, any(gemeente_name) FROM queues FINAL GROUP BY gemeente ORDER BY gemeente',
  choose: 'one',
});

export const clickhouseQueueVariable = queryVariable({
  ...queue,
  datasource: clickhouse,
  query: "SELECT queue, queue_name FROM queues FINAL WHERE gemeente = '$gemeente' ORDER BY queue",
  choose: 'many',
});

/** `$venster`: the window each point of a live ratio covers (a longer window: a calmer line). */
export function windowVariable(
  values: readonly string[],
  current: string,
  description: string,
): CustomVariable {
  return {
    name: 'venster',
    label: 'Venster',
    description,
    type: 'custom',
    query: values.join(','),
    current: { text: current, value: current },
    options: values.map((v) => ({ text: v, value: v, selected: v === current })),
    multi: false,
    includeAll: false,
    hide: 0,
    skipUrlSync: false,
  };
}
