/**
 * A validated configuration told back the way bereik will use it (`bereik config check`): per
 * gemeente its queues with kind and this year's streefcijfers, its closing days, and the opening
 * calendar of the coming days with Cao holidays and closing days named. Pure: the first day is
 * passed in, so the output is the same on any machine and any day.
 */
import { addDays, isoWeekdayOf, type LocalDate } from '../domain/amsterdam-time.ts';
import { caoHolidayName } from '../domain/holidays.ts';
import { formatInterval } from '../domain/opening-hours.ts';
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
    for (const q of g.queues.values()) {
      const target = (metric: 'reachability' | 'callbacksOnTime') =>
        percent(targets.targetFor({ gemeente: g.code, queue: q.id, kind: q.kind, metric, year }));
      lines.push(
        `  queue ${q.id} (${q.kind}, ${q.name}): streefcijfer ${year} bereikbaarheid ${target('reachability')}, terugbellen op tijd ${target('callbacksOnTime')}` +
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
