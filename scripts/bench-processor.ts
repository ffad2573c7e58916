/**
 * The processor alone, in this process: decoding, validation, pseudonymising, the trackers and
 * the flush's bookkeeping, with a store that acknowledges every write and keeps nothing (the
 * in-memory store of the tests, its writes dropped) in place of ClickHouse, and no Kafka. The
 * bench's traffic (two shipped gemeenten, 700 calls a weekday each, from 2025-01-01), encoded in
 * the wire format beforehand, is handed over in batches per partition as a consumer would. Prints
 * messages per second of the handling alone, and how much of it was garbage collection: the
 * ceiling the processor's own work puts on the end-to-end rate.
 *
 *   npx tsx scripts/on-node24.ts --processor --native scripts/bench-processor.ts [--messages 300000] [--rounds 3]
 *
 * (`--native`: the code runs as `bin/bereik.js` runs it, types stripped by Node itself; under tsx
 * every closure created on the hot path costs a property definition more.)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GCProfiler } from 'node:v8';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../src/config/load.ts';
import type { IncomingMessage } from '../src/pipeline/contracts.ts';
import { SwitchSimulator } from '../src/simulate/index.ts';
import { InMemorySchemaStore } from '../test/helpers/in-memory-registry.ts';
import { DiscardingSink } from '../test/helpers/in-memory-sink.ts';
import { partitionOfKey, testProcessor } from '../test/helpers/processor-harness.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '3' },
    partitions: { type: 'string', default: '6' },
    batch: { type: 'string', default: '2000' },
  },
});
const wanted = Number(values.messages);
const rounds = Number(values.rounds);
const partitions = Number(values.partitions);
const batchSize = Number(values.batch);
for (const [name, value] of Object.entries({ messages: wanted, rounds, partitions, batch: batchSize }))
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`--${name} takes a whole number > 0, got ${value}`);

const config = parseConfig(
  parseYaml(readFileSync(new URL('../deploy/config/bereik.yaml', import.meta.url), 'utf8')),
);
const store = new InMemorySchemaStore();

/** The bench's traffic, encoded, per partition (by a hash of the key, as Kafka's partitioner spreads keys). */
async function encodedBacklog(): Promise<IncomingMessage[][]> {
  const byPartition: IncomingMessage[][] = Array.from({ length: partitions }, () => []);
  const simulator = new SwitchSimulator(config, {
    seed: 2026,
    fromMs: Date.parse('2025-01-01T00:00:00+01:00'),
    toMs: Date.parse('2026-01-01T00:00:00+01:00'),
    callsPerDay: 700,
    runId: 'bench',
  });
  let count = 0;
  for (const m of simulator.messages()) {
    if (m.payload.kind !== 'event') continue;
    const partition = partitionOfKey(m.key, partitions);
    const list = byPartition[partition] ?? [];
    list.push({
      topic: 'switch',
      partition,
      offset: list.length,
      key: Buffer.from(m.key),
      value: await store.encode(1, m.payload.event),
      timestamp: m.deliverAt,
    });
    if (++count >= wanted) break;
  }
  return byPartition;
}

const backlog = await encodedBacklog();
const total = backlog.reduce((n, p) => n + p.length, 0);
console.log(`${total} messages in ${partitions} partitions, batches of ${batchSize} a partition`);

for (let round = 1; round <= rounds; round++) {
  const sink = new DiscardingSink();
  const { processor } = testProcessor({
    config,
    sink,
    schemas: store,
    now: () => Date.parse('2026-12-01T12:00:00Z'),
    options: { batchMaxRows: 50_000 },
  });
  processor.assign(backlog.map((_, p) => p));
  const gcProfiler = new GCProfiler();
  gcProfiler.start();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  for (let at = 0; ; at += batchSize) {
    let handled = 0;
    for (const messages of backlog) {
      const batch = messages.slice(at, at + batchSize);
      if (batch.length === 0) continue;
      handled += batch.length;
      await processor.handle(batch);
    }
    if (processor.needsFlush()) await processor.flush();
    if (handled === 0) break;
  }
  await processor.flush();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const gcMs = gcProfiler.stop().statistics.reduce((sum, gc) => sum + gc.cost / 1000, 0);
  console.log(
    `round ${round}: ${Math.round(total / seconds)} msg/s (${seconds.toFixed(2)} s; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, ` +
      `garbage collection ${(gcMs / 1000).toFixed(2)} s on the main thread; ${((cpu.user + cpu.system) / total).toFixed(1)} µs CPU a message)`,
  );
}
