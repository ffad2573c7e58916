/**
 * The processor in the test process, wired as bereik wires it but with the in-memory store and
 * schema store, a clock the test sets, and no retry delays; and the comparison of stored facts
 * with the simulator's ground truth that the unit-level exactness tests share.
 */
import { Registry } from 'prom-client';
import { expect } from 'vitest';
import type { ConfigFile } from '../../src/config/schema.ts';
import { Targets } from '../../src/config/targets.ts';
import { Topology } from '../../src/config/topology.ts';
import { Processor, type ProcessorDeps, type ProcessorOptions } from '../../src/pipeline/processor.ts';
import type { GroundTruth } from '../../src/simulate/index.ts';
import { BusinessMetrics } from '../../src/sinks/prometheus/business-metrics.ts';
import { MessageDecoder } from '../../src/sources/kafka/decode-message.ts';
import { switchEventReader } from '../../src/sources/kafka/event-reader.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { PipelineMetrics } from '../../src/telemetry/pipeline-metrics.ts';
import { countFacts } from './count-facts.ts';
import type { InMemorySchemaStore } from './in-memory-registry.ts';
import type { InMemorySink } from './in-memory-sink.ts';

export interface TestProcessorOptions {
  readonly config: ConfigFile;
  readonly sink: InMemorySink;
  readonly schemas: Pick<InMemorySchemaStore, 'getSchema'>;
  readonly now: () => number;
  /** Shared by processors that stand for one process's metrics; a fresh one otherwise. */
  readonly registry?: Registry;
  readonly options?: Partial<ProcessorOptions>;
  readonly retry?: ProcessorDeps['retry'];
}

/**
 * The partition of a message key among `partitions`: a hash that spreads keys as Kafka's
 * partitioner does (not its hash), for runs of the processor without a broker.
 */
export function partitionOfKey(key: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(h) % partitions;
}

/** A processor with the configuration's timings, overridable per test. */
export function testProcessor(o: TestProcessorOptions): { processor: Processor; registry: Registry } {
  const topology = new Topology(o.config);
  const registry = o.registry ?? new Registry();
  const { processing } = o.config;
  const processor = new Processor({
    topology,
    targets: new Targets(o.config.targets),
    options: {
      allowedLatenessMs: processing.allowedLatenessSeconds * 1000,
      idleAdvanceMs: processing.idleAdvanceSeconds * 1000,
      maxFutureSkewMs: processing.maxFutureSkewSeconds * 1000,
      callTimeoutMs: processing.callTimeoutSeconds * 1000,
      correctionMs: processing.correctionWindowSeconds * 1000,
      openCallbackHorizonMs: processing.openCallbackHorizonDays * 24 * 3600 * 1000,
      batchMaxRows: 1000,
      batchMaxWaitMs: 1_000_000,
      consumerGroup: 'test',
      ...o.options,
    },
    reader: switchEventReader({
      decoder: new MessageDecoder(o.schemas),
      queueIds: topology.queueIds,
      hmacKey: 'k'.repeat(32),
      maxFutureSkewMs: processing.maxFutureSkewSeconds * 1000,
    }),
    sink: o.sink,
    deadLetters: o.sink,
    counters: new BusinessMetrics(registry, topology),
    telemetry: new PipelineMetrics(registry),
    log: createLogger('test', 'error'),
    now: o.now,
    retry: o.retry ?? ((_what, step) => step()),
  });
  return { processor, registry };
}

/**
 * The stored facts, counted into windows, equal the ground truth: legs, end to end, satisfaction,
 * callbacks and callbacks on time, and repeat callers unless `repeats` is false.
 */
export function expectStoredFactsToMatch(
  sink: InMemorySink,
  truth: GroundTruth,
  { repeats = true } = {},
): void {
  const counts = countFacts({
    legs: sink.liveLegs(),
    calls: sink.calls.values(),
    callStarts: sink.callStarts.values(),
    surveys: sink.surveys.values(),
    callbacks: sink.callbacks.values(),
  });
  expect(Object.fromEntries(counts.legs)).toEqual(truth.legs);
  expect(Object.fromEntries(counts.endToEnd)).toEqual(truth.endToEnd);
  if (repeats) expect(Object.fromEntries(counts.repeats)).toEqual(truth.repeats);
  expect(Object.fromEntries(counts.satisfaction)).toEqual(truth.satisfaction);
  expect(Object.fromEntries(counts.callbacks)).toEqual(truth.callbacks);
  expect(Object.fromEntries(counts.callbacksOnTime)).toEqual(truth.callbacksOnTime);
}
