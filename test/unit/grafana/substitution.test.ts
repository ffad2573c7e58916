/**
 * The substitutions the integration test makes before running a panel query do what Grafana and
 * the grafana-clickhouse-datasource plugin do (pkg/macros/macros.go, the Prometheus datasource's
 * variable formatting and query_result text), so a query that passes there is the query Grafana sends.
 */
import { describe, expect, it } from 'vitest';
import {
  applyVariableRegex,
  expandClickHouseMacros,
  interpolatePrometheus,
  interpolateSql,
  loadDashboards,
  queryResultText,
  scopeToInstance,
  type Variable,
} from '../../helpers/grafana.ts';

const range = {
  from: new Date('2026-11-09T00:00:00+01:00'),
  to: new Date('2026-11-12T00:00:00+01:00'),
  intervalSeconds: 60,
};

describe('ClickHouse macros', () => {
  it('expand as the plugin expands them', () => {
    expect(expandClickHouseMacros('SELECT $__fromTime, $__toTime', range)).toBe(
      'SELECT toDateTime(1794178800), toDateTime(1794438000)',
    );
    expect(expandClickHouseMacros('WHERE $__timeFilter(minute)', range)).toBe(
      'WHERE minute >= toDateTime(1794178800) AND minute <= toDateTime(1794438000)',
    );
    // Dates of the UTC instants, as Go formats the time range Grafana sends.
    expect(expandClickHouseMacros('WHERE $__dateFilter(day)', range)).toBe(
      "WHERE day >= toDate('2026-11-08') AND day <= toDate('2026-11-11')",
    );
    expect(expandClickHouseMacros('LIMIT $__interval_s', range)).toBe('LIMIT 60');
  });

  it('refuse a macro the plugin does not have', () => {
    expect(() => expandClickHouseMacros('WHERE $__unixEpochFilter(t)', range)).toThrow(
      /unknown ClickHouse macro/,
    );
  });

  it('come after variables, which take single quotes for multi-value lists', () => {
    const sql =
      "WHERE gemeente = '$gemeente' AND queue IN (${queue:singlequote}) AND day >= toDate($__fromTime)";
    expect(
      expandClickHouseMacros(interpolateSql(sql, { gemeente: 'GM0307', queue: ['kcc', 'wmo'] }), range),
    ).toBe("WHERE gemeente = 'GM0307' AND queue IN ('kcc','wmo') AND day >= toDate(toDateTime(1794178800))");
  });
});

describe('Prometheus variables', () => {
  const variables: Variable[] = [
    { name: 'gemeente', type: 'query' },
    { name: 'queue', type: 'query', multi: true, includeAll: true },
  ];
  const intervals = { range: '95s', rateInterval: '20s', interval: '5s' };

  it('become a regex alternation for multi-value variables and stay as they are otherwise', () => {
    expect(
      interpolatePrometheus(
        'sum(increase(x{gemeente="$gemeente", queue=~"$queue"}[$__range])) / rate(x[$__rate_interval]) [$__interval]',
        { gemeente: 'GM0307', queue: ['kcc', 'openbare-ruimte'] },
        variables,
        intervals,
      ),
    ).toBe('sum(increase(x{gemeente="GM0307", queue=~"(kcc|openbare-ruimte)"}[95s])) / rate(x[20s]) [5s]');
    expect(interpolatePrometheus('x{queue=~"$queue"}', { queue: ['a.b'] }, variables, intervals)).toBe(
      'x{queue=~"a\\\\.b"}',
    );
  });

  it('scope every bereik selector to one instance', () => {
    expect(scopeToInstance('sum(bereik_a{x="1"}) * on (g) bereik_b - time()', '127.0.0.1:9')).toBe(
      'sum(bereik_a{instance="127.0.0.1:9", x="1"}) * on (g) bereik_b{instance="127.0.0.1:9"} - time()',
    );
  });

  it('take value and display name from query_result with the dashboards’ regexes', () => {
    const live = loadDashboards().find((f) => f.dashboard.uid === 'bereik-live')?.dashboard;
    const gemeente = live?.templating.list.find((v) => v.name === 'gemeente');
    const queue = live?.templating.list.find((v) => v.name === 'queue');
    const texts = [
      queryResultText({ gemeente: 'GM0307', gemeente_name: 'Amersfoort' }, [1795000000, '1']),
      queryResultText({ gemeente: 'GM0034', gemeente_name: 'Almere' }, [1795000000, '1']),
    ];
    expect(texts[0]).toBe('{gemeente="GM0307",gemeente_name="Amersfoort"} 1 1795000000000');
    expect(applyVariableRegex(texts, gemeente?.regex)).toEqual([
      { value: 'GM0307', text: 'Amersfoort' },
      { value: 'GM0034', text: 'Almere' },
    ]);
    expect(
      applyVariableRegex(
        [queryResultText({ queue: 'wmo', queue_name: 'Wmo en jeugd' }, [1795000000, '1'])],
        queue?.regex,
      ),
    ).toEqual([{ value: 'wmo', text: 'Wmo en jeugd' }]);
  });
});
