/**
 * A validated configuration told back the way bereik will use it (`bereik config check`): per
 * gemeente its queues with kind and this year's streefcijfers, its closing days, and the opening
 * calendar of the coming days with Cao holidays and closing days named. Pure: the first day is
 * passed in, so the output is the same on any machine and any day.
 */
import { addDays, isoWeekdayOf, type LocalDate } from '../domain/amsterdam-time.ts';
import { caoHolidayName } from '../domain/holidays.ts';
import { formatInterval } from '../domain/opening-hours.ts';
import { reportKpis, type KpiScope } from '../domain/kpi.ts';
import type { Connections, TlsMaterial } from './connections.ts';
import type { ConfigFile } from './schema.ts';
import { Targets } from './targets.ts';
import { Topology } from './topology.ts';

const weekdayNames = ['', 'ma', 'di', 'wo', 'do', 'vr', 'za', 'zo'];
const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10}%`;

/** The lines of the description, from `firstDay` for `days` days. */
export function describeConfig(config: ConfigFile, firstDay: LocalDate, days = 14): string[] {
  const topology = new Topology(config);
  const targets = new Targets(config.targets);
  const year = Number(firstDay.slice(0, 4));
  const { norm } = config;
  const lines = [
    `norm ${norm.id}: short abandons below ${norm.shortAbandonBelowSeconds} s, service level within ${norm.serviceLevelWithinSeconds} s`,
    `Kafka topic ${config.kafka.topic} (group ${config.kafka.groupId}), dead letters to ${config.kafka.deadLetterTopic}`,
    `ClickHouse database ${config.clickhouse.database}, /metrics on ${config.http.host}:${config.http.port}`,
  ];
  for (const source of config.gemeenten) {
    const g = topology.gemeenten.get(source.code);
    if (g === undefined) continue;
    lines.push('', `${g.code} ${g.name} (${source.dialledNumber})`);
    const closing = [...g.calendar.closingDays].sort();
    lines.push(`  closing days: ${closing.length === 0 ? 'none' : closing.join(', ')}`);
    const streefcijfers = (queue: string | null, kind: KpiScope) =>
      reportKpis
        .flatMap((metric) => {
          const target = targets.targetFor({ gemeente: g.code, queue, kind, metric, year });
          return target === null ? [] : [`${metric} ${percent(target)}`];
        })
        .join(', ') || 'none';
    lines.push(`  streefcijfers ${year} for the gemeente as a whole: ${streefcijfers(null, 'gemeente')}`);
    for (const q of g.queues.values()) {
      lines.push(
        `  queue ${q.id} (${q.kind}, ${q.name}): streefcijfers ${year} ${streefcijfers(q.id, q.kind)}` +
          (q.schedule.openOnClosingDays ? ', open on holidays and closing days' : ''),
      );
    }
    lines.push(`  opening hours from ${firstDay}:`);
    for (let i = 0; i < days; i++) {
      const date = addDays(firstDay, i);
      const weekday = isoWeekdayOf(date);
      const holiday = caoHolidayName(date);
      const closed = g.calendar.isClosedDay(date);
      const why = holiday ?? (closed ? 'closing day' : undefined);
      const open = [...g.queues.values()].flatMap((q) => {
        if (closed && !q.schedule.openOnClosingDays) return [];
        const intervals = q.schedule.weekly[weekday] ?? [];
        return intervals.length === 0 ? [] : [`${q.id} ${intervals.map(formatInterval).join(', ')}`];
      });
      const day = `    ${weekdayNames[weekday] ?? ''} ${date}`;
      const state = open.length === 0 ? 'closed' : open.join('; ');
      lines.push(`${day}  ${why === undefined ? state : `${why}: ${state}`}`);
    }
  }
  return lines;
}

/** Where bereik connects and how, without a secret (not even a user name or a URL's password). */
export function describeConnections(connections: Connections): string[] {
  const { kafka, schemaRegistry, clickhouse } = connections;
  const tls = (material: TlsMaterial | undefined) =>
    material === undefined
      ? []
      : [
          material.ca === undefined ? 'TLS with the system CAs' : 'TLS with its own CA file',
          ...(material.clientCertificate === undefined ? [] : ['a client certificate']),
        ];
  const how = (parts: readonly string[]) => (parts.length === 0 ? 'plain, no credentials' : parts.join(', '));
  const withoutCredentials = (url: string) => {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href.replace(/\/$/, '');
  };
  return [
    `Kafka ${kafka.brokers.join(',')}: ${kafka.securityProtocol}` +
      (kafka.sasl === undefined ? '' : `, SASL ${kafka.sasl.mechanism} with a user and password`) +
      (kafka.tls === undefined ? '' : `, ${tls(kafka.tls).join(', ')}`),
    `Schema Registry ${withoutCredentials(schemaRegistry.url)}: ${how([
      ...(schemaRegistry.credentials === undefined ? [] : ['basic auth']),
      ...tls(schemaRegistry.tls),
    ])}`,
    `ClickHouse ${withoutCredentials(clickhouse.url)}: ${how([
      ...(clickhouse.credentials !== undefined
        ? [clickhouse.credentials.password === undefined ? 'a user without password' : 'a user and password']
        : new URL(clickhouse.url).username !== ''
          ? ['a user in the URL']
          : []),
      ...tls(clickhouse.tls),
    ])}`,
  ];
}

/** The line that says which endpoint variables were unset and what was used instead; undefined when none. */
export function describeFallbacks(connections: Connections): string | undefined {
  const used = connections.fromFallback;
  if (used.length === 0) return undefined;
  const value = {
    KAFKA_BROKERS: connections.kafka.brokers.join(','),
    SCHEMA_REGISTRY_URL: connections.schemaRegistry.url,
    CLICKHOUSE_URL: connections.clickhouse.url,
  };
  return `${used.join(', ')} not set: using the local development stack (${used.map((n) => `${n}=${value[n]}`).join(', ')})`;
}
