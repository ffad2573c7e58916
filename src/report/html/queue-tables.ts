/**
 * The monthly figures of one queue as tables: offered calls and their handling (reachability,
 * service level, waits), the other counts (abandoned, short, out of hours, transfers) and the
 * answered calls by wait. In: the report and one of its queues. Out: the queue's heading and
 * tables as HTML; the transfers into a queue are shown for a vakafdeling only.
 */
import { escapeMarkup as esc } from './charts.ts';
import { asaText, bucketLabel, integerText, plainNumber } from './format-nl.ts';
import { attrs, countCell, ratioCell } from './markup.ts';
import type { GemeenteReport, QueueMonth, QueueYear } from '../model.ts';
import { monthRowsWithTotal, monthTable, sumFields, type Column } from './month-table.ts';

type QueueCounts = Omit<QueueMonth, 'month'>;

const QUEUE_FIELDS = [
  'offered',
  'answered',
  'answeredWithinSl',
  'abandoned',
  'timedOut',
  'shortAbandoned',
  'outOfHours',
  'transferredOut',
  'offeredFromTransfer',
  'answeredFromTransfer',
  'answeredWaitMsSum',
] as const satisfies readonly (keyof QueueCounts)[];

function countColumn(header: string, field: (typeof QUEUE_FIELDS)[number]): Column<QueueCounts> {
  return { header, cell: (s, m) => countCell(s, field, m[field]) };
}

function handlingColumns(report: GemeenteReport): Column<QueueCounts>[] {
  const sl = plainNumber(report.norm.serviceLevelWithinSeconds);
  return [
    countColumn('Aangeboden', 'offered'),
    countColumn('Beantwoord', 'answered'),
    {
      header: 'Bereikbaarheid',
      cell: (s, m) => ratioCell(s, 'reachability', m.answered, m.offered),
    },
    countColumn(`Binnen ${sl}&nbsp;s`, 'answeredWithinSl'),
    {
      header: 'Servicelevel',
      cell: (s, m) => ratioCell(s, 'serviceLevel', m.answeredWithinSl, m.offered),
    },
    {
      header: 'Wachttijd beantwoord, totaal (s)',
      cell: (s, m) =>
        `<td class="num"${attrs({ ...s, 'data-field': 'answeredWaitMsSum', 'data-value': m.answeredWaitMsSum })}>` +
        `${integerText(m.answeredWaitMsSum / 1000)}</td>`,
    },
    {
      header: 'ASA (s)',
      cell: (s, m) =>
        `<td class="num"${attrs({ ...s, 'data-field': 'asa', 'data-numerator': m.answeredWaitMsSum, 'data-denominator': m.answered })}>` +
        `${asaText(m)}</td>`,
    },
  ];
}

function otherColumns(report: GemeenteReport, queue: QueueYear): Column<QueueCounts>[] {
  const short = plainNumber(report.norm.shortAbandonBelowSeconds);
  const transfersIn: Column<QueueCounts>[] = [
    countColumn('Doorverbonden hierheen', 'offeredFromTransfer'),
    countColumn('Daarvan beantwoord', 'answeredFromTransfer'),
    {
      header: 'Beantwoord na doorverbinden',
      cell: (s, m) => ratioCell(s, 'transferSuccess', m.answeredFromTransfer, m.offeredFromTransfer),
    },
  ];
  return [
    countColumn('Afgebroken', 'abandoned'),
    countColumn('Max. wachttijd bereikt', 'timedOut'),
    countColumn(`Kort opgehangen (&lt;&nbsp;${short}&nbsp;s)`, 'shortAbandoned'),
    countColumn('Buiten openingstijden', 'outOfHours'),
    countColumn('Doorverbonden naar elders', 'transferredOut'),
    ...(queue.kind === 'vakafdeling' ? transfersIn : []),
  ];
}

function waitBucketTable(report: GemeenteReport, q: QueueYear): string {
  const total = q.waitBuckets.reduce((s, b) => s + b.answered, 0);
  const rows = q.waitBuckets
    .map((b, i) => {
      const scope = { 'data-queue': q.queue, 'data-bucket': b.upToSeconds };
      const share = ratioCell(scope, 'share', b.answered, total);
      return `<tr><th scope="row">${esc(bucketLabel(q.waitBuckets, i))}</th>${countCell(scope, 'answered', b.answered)}${share}</tr>`;
    })
    .join('\n');
  return (
    `<table class="figures">\n<caption>${esc(q.queueName)}: wachttijd van beantwoorde gesprekken in ${report.year}</caption>\n` +
    `<thead><tr><th scope="col">Wachttijd</th><th scope="col">Beantwoord</th><th scope="col">Aandeel</th></tr></thead>\n` +
    `<tbody>\n${rows}\n</tbody>\n</table>`
  );
}

export function queueTables(report: GemeenteReport, q: QueueYear): string {
  const rows = monthRowsWithTotal(
    report,
    { 'data-queue': q.queue },
    q.months,
    sumFields(q.months, QUEUE_FIELDS),
  );
  const name = esc(q.queueName);
  const kind = q.kind === 'kcc' ? 'KCC' : 'vakafdeling';
  const hint = q.queueName === kind ? '' : ` <span class="hint">(${kind})</span>`;
  return (
    `<h3>${name}${hint}</h3>\n` +
    `<div class="table-block">${monthTable(`${name}: aanbod en afhandeling`, handlingColumns(report), rows)}</div>\n` +
    `<div class="table-block">${monthTable(`${name}: overige tellingen`, otherColumns(report, q), rows)}</div>\n` +
    `<div class="table-block">${waitBucketTable(report, q)}</div>`
  );
}
