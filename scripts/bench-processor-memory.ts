/**
 * What the processor holds in memory on a shape of traffic, in this process: the bench's traffic
 * (`--gemeenten` configured gemeenten, `--days` days from 2025-01-01, the calls a day of a bench
 * backlog of `--backlog` messages, the first `--messages` of it) generated and encoded as
 * it is handed over, with a store that acknowledges every write and keeps nothing. Every
 * `--every` messages it collects the garbage and prints what is live (V8's heap and the typed
 * arrays' backing stores) beside the processor's own counts of what it holds: the figures behind
 * the memory soak's live set, without Kafka, ClickHouse or a minutes-long run.
 *
 *   .stack/installs/node24/node_modules/node/bin/node --expose-gc --heap-growing-percent=60 \
 *     --max-semi-space-size=16 scripts/bench-processor-memory.ts \
 *     [--gemeenten 10] [--days 31] [--backlog 10000000] [--messages 3000000] [--every 500000] [--snapshot]
 *
 * --snapshot writes a heap snapshot at the end (for Chrome's DevTools), and says where.
 *
 * (Node 24 as `npm run bench` installs it, with the processor's options, on its own type stripping.)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import type { Gauge } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../src/config/load.ts';
import type { IncomingMessage } from '../src/pipeline/contracts.ts';
import { SwitchSimulator } from '../src/simulate/index.ts';
import { InMemorySchemaStore } from '../test/helpers/in-memory-registry.ts';
import { DiscardingSink } from '../test/helpers/in-memory-sink.ts';
import { partitionOfKey, testProcessor } from '../test/helpers/processor-harness.ts';
import { benchGemeenten, callsPerGemeente } from './bench-gemeenten.ts';

const { values } = parseArgs({
  options: {
    gemeenten: { type: 'string', default: '10' },
    days: { type: 'string', default: '31' },
    messages: { type: 'string', default: '3000000' },
    backlog: { type: 'string', default: '10000000' },
    snapshot: { type: 'boolean', default: false },
    every: { type: 'string', default: '500000' },
    partitions: { type: 'string', default: '6' },
  },
});
const [gemeenten, days, wanted, backlog, every, partitions] = [
  values.gemeenten,
  values.days,
  values.messages,
  values.backlog,
  values.every,
  values.partitions,
].map(Number) as [number, number, number, number, number, number];
for (const [name, value] of Object.entries({ gemeenten, days, messages: wanted, backlog, every, partitions }))
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`--${name} takes a whole number > 0, got ${value}`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (see the usage at the top of this file)');

const shipped = parseYaml(readFileSync(new URL('../deploy/config/bereik.yaml', import.meta.url), 'utf8')) as {
  gemeenten: Record<string, unknown>[];
};
const config = parseConfig({ ...shipped, gemeenten: benchGemeenten(shipped.gemeenten, gemeenten) });
// As the bench for a backlog of `backlog` messages: 700 calls a weekday in each of two gemeenten
// make about 1 000 000 messages a year.
const totalCallsPerDay = (2 * 700 * backlog * 365) / 1_000_000 / days;
const yearFrom = Date.parse('2025-01-01T00:00:00+01:00');
const simulator = new SwitchSimulator(config, {
  seed: 2026,
  fromMs: yearFrom,
  toMs: yearFrom + days * 86_400_000,
  callsPerDay: callsPerGemeente(totalCallsPerDay, gemeenten),
  runId: 'bench',
});

const store = new InMemorySchemaStore();
const { processor, registry } = testProcessor({
  config,
  sink: new DiscardingSink(),
  schemas: store,
  now: () => Date.parse('2026-12-01T12:00:00Z'),
  options: { batchMaxRows: 50_000 },
});
processor.assign(Array.from({ length: partitions }, (_, p) => p));
const gauge = async (name: string): Promise<number> =>
  (await (registry.getSingleMetric(name) as Gauge | undefined)?.get())?.values[0]?.value ?? Number.NaN;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function report(handled: number, lastEventAt: number): Promise<void> {
  gc?.();
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  console.log(
    `${handled} messages (${new Date(lastEventAt).toISOString().slice(0, 10)}): live ${mib(heapUsed + arrayBuffers)} ` +
      `(heap ${mib(heapUsed)}, typed arrays ${mib(arrayBuffers)}), RSS ${mib(rss)}; ` +
      `calls in memory ${await gauge('bereik_calls_in_memory')}, callbacks ${await gauge('bereik_callbacks_in_memory')}, ` +
      `repeat-window starts ${await gauge('bereik_repeat_window_starts')}`,
  );
}

const offsets = new Array<number>(partitions).fill(0);
let batch: IncomingMessage[][] = Array.from({ length: partitions }, () => []);
let handled = 0;
for (const m of simulator.messages()) {
  if (m.payload.kind !== 'event') continue;
  const partition = partitionOfKey(m.key, partitions);
  const offset = offsets[partition] ?? 0;
  offsets[partition] = offset + 1;
  batch[partition]?.push({
    topic: 'switch',
    partition,
    offset,
    key: Buffer.from(m.key),
    value: await store.encode(1, m.payload.event),
    timestamp: m.deliverAt,
  });
  if (++handled % 12_000 === 0) {
    for (const messages of batch) if (messages.length > 0) await processor.handle(messages);
    batch = Array.from({ length: partitions }, () => []);
    if (processor.needsFlush()) await processor.flush();
  }
  if (handled % every === 0) await report(handled, m.payload.event.occurredAt);
  if (handled >= wanted) {
    // Here, while the processor is still in use: after the loop it is garbage.
    if (values.snapshot) console.log(`heap snapshot: ${writeHeapSnapshot()}`);
    break;
  }
}
