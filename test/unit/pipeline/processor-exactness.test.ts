/**
 * The whole processing chain in one process, against the simulator's ground truth: wire-format
 * decoding, validation, the trackers, corrections of late events, resolution of events of calls
 * already released (against the stored history) and dead letters, with every fault the simulator
 * can inject. Facts are stored with ClickHouse's semantics (highest version per key) and counted
 * into windows; every window must equal the ground truth exactly. The same check against the real
 * Kafka, Schema Registry and ClickHouse is an integration test.
 */
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../../src/pipeline/contracts.ts';
import type { Registry } from 'prom-client';
import { simulate, type GroundTruth } from '../../../src/simulate/index.ts';
import { malformedValue } from '../../../src/simulate/produce.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';
import { InMemorySchemaStore } from '../../helpers/in-memory-registry.ts';
import { InMemorySink } from '../../helpers/in-memory-sink.ts';
import { expectStoredFactsToMatch, partitionOfKey, testProcessor } from '../../helpers/processor-harness.ts';

const config = exampleConfig();
const partitions = 3;

/**
 * `behindTheClock`: the processor has idled at the wall clock (its partitions read to their end)
 * before the traffic, three weeks old, arrives: every event is late and settled against the store,
 * with event-time ticks between reads and writes.
 */
async function runThroughProcessor(
  faults: Parameters<typeof simulate>[1]['faults'],
  { behindTheClock = false } = {},
) {
  const { messages, truth } = simulate(config, {
    seed: 42,
    fromMs: Date.parse('2026-11-02T00:00:00+01:00'),
    toMs: Date.parse('2026-11-05T00:00:00+01:00'),
    callsPerDay: 250,
    faults,
  });
  const store = new InMemorySchemaStore();
  const sink = new InMemorySink();
  const clock = { now: Date.parse('2026-11-23T12:00:00Z') };
  const { processor, registry } = testProcessor({ config, sink, schemas: store, now: () => clock.now });
  if (behindTheClock) {
    const all = Array.from({ length: partitions }, (_, p) => p);
    processor.assign(all);
    for (const p of all) processor.observeEnd(p, { highWatermark: 0, startOffset: 0, probedAt: clock.now });
    clock.now += config.processing.idleAdvanceSeconds * 1000;
    processor.tick();
    expect(processor.watermark).toBe(clock.now);
  }
  const offsets = new Array<number>(partitions).fill(0);
  let chunk: IncomingMessage[] = [];
  for (const m of messages) {
    const partition = partitionOfKey(m.key, partitions);
    const offset = offsets[partition] ?? 0;
    offsets[partition] = offset + 1;
    const value =
      m.payload.kind === 'event'
        ? await store.encode(1, m.payload.event)
        : await malformedValue(store, 1, m.payload.fault);
    chunk.push({
      topic: 'switch',
      partition,
      offset,
      key: Buffer.from(m.key),
      value,
      timestamp: m.deliverAt,
    });
    if (chunk.length === 200) {
      await processor.handle(chunk);
      chunk = [];
      if (behindTheClock) {
        clock.now += 1000;
        processor.tick();
      }
      if (processor.needsFlush()) await processor.flush();
    }
  }
  await processor.handle(chunk);
  // The last late events are settled first: they may rebuild calls that then have to end.
  await processor.flush();
  processor.finishAll();
  const committable = await processor.flush();
  return { truth, sink, registry, committable, offsets };
}

/** Net leg counters in Prometheus (total minus retracted) per gemeente, queue and result equal the ground truth. */
async function expectNetLegCountersToMatch(registry: Registry, truth: GroundTruth): Promise<void> {
  const net = async (name: string, labels: (l: Partial<Record<string, string | number>>) => string) => {
    const totals = new Map<string, number>();
    for (const [metric, sign] of [
      [`${name}_total`, 1],
      [`${name}_retracted_total`, -1],
    ] as const) {
      const values = (await registry.getSingleMetric(metric)?.get())?.values ?? [];
      for (const v of values) {
        const key = labels(v.labels);
        totals.set(key, (totals.get(key) ?? 0) + sign * v.value);
      }
    }
    return totals;
  };
  const legs = await net(
    'bereik_legs',
    (l) => `${String(l['gemeente'])}|${String(l['queue'])}|${String(l['result'])}`,
  );
  const expectedLegs = new Map<string, number>();
  const add = (key: string, n: number) => expectedLegs.set(key, (expectedLegs.get(key) ?? 0) + n);
  for (const [key, c] of Object.entries(truth.legs)) {
    const [g, q] = key.split('|');
    const prefix = `${g ?? ''}|${q ?? ''}|`;
    add(`${prefix}out_of_hours`, c.outOfHours);
    add(`${prefix}short_abandoned`, c.shortAbandoned);
    add(`${prefix}answered_within_sl`, c.answeredWithinSl);
    add(`${prefix}answered_late`, c.answered - c.answeredWithinSl);
    add(`${prefix}abandoned`, c.abandoned);
    add(`${prefix}timed_out`, c.timedOut);
  }
  expect(Object.fromEntries([...legs].filter(([, n]) => n !== 0))).toEqual(
    Object.fromEntries([...expectedLegs].filter(([, n]) => n !== 0)),
  );
}

describe('processor against the simulator ground truth', () => {
  it('counts every window exactly with every fault injected, dead-letters exactly the bad messages, and commits everything', async () => {
    const { truth, sink, committable, offsets, registry } = await runThroughProcessor({
      duplicateRate: 0.03,
      lateRate: 0.04,
      lateBeyondShare: 0.5,
      outOfOrderRate: 0.03,
      neverEndedRate: 0.02,
      wrongMagicByteRate: 0.006,
      unknownSchemaIdRate: 0.006,
      undecodableRate: 0.006,
      missingFieldRate: 0.006,
      unknownQueueRate: 0.006,
      unknownGemeenteRate: 0.006,
      impossibleTimestampRate: 0.006,
      invalidValueRate: 0.006,
      contradictionRate: 0.005,
    });
    // The run exercised what it claims to.
    expect(truth.delivery.duplicates).toBeGreaterThan(10);
    expect(truth.delivery.lateBeyondLateness).toBeGreaterThan(10);
    expect(truth.delivery.neverEndedCalls).toBeGreaterThan(3);
    // Every reason the simulator can inject (a foreign schema, 'wrong-schema', it cannot).
    const injected = Object.entries(truth.deadLetters).filter(([reason]) => reason !== 'wrong-schema');
    expect(injected.filter(([, n]) => n === 0)).toEqual([]);

    expectStoredFactsToMatch(sink, truth);

    const byReason: Record<string, number> = Object.fromEntries(
      Object.keys(truth.deadLetters).map((r) => [r, 0]),
    );
    for (const d of sink.deadLetters) byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
    expect(byReason).toEqual(truth.deadLetters);

    // Prometheus: net counters (total minus retracted) per gemeente and queue equal the ground truth.
    await expectNetLegCountersToMatch(registry, truth);

    // Every message's effect is stored, so every offset is committable.
    expect(committable).toEqual(new Map(offsets.map((next, partition) => [partition, next])));
  });

  it('counts every call once when three-week-old traffic arrives after event time reached the wall clock', async () => {
    const { truth, sink, committable, offsets, registry } = await runThroughProcessor(
      {
        duplicateRate: 0.03,
        lateRate: 0.04,
        lateBeyondShare: 0.5,
        outOfOrderRate: 0.03,
        neverEndedRate: 0.02,
      },
      { behindTheClock: true },
    );
    expect(truth.delivery.duplicates).toBeGreaterThan(10);
    expectStoredFactsToMatch(sink, truth);
    await expectNetLegCountersToMatch(registry, truth);
    expect(committable).toEqual(new Map(offsets.map((next, partition) => [partition, next])));
  });
});
