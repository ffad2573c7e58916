/** A Schema Registry that does not answer is waited out: the message is decoded afterwards, not dead-lettered. */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Targets } from '../../../src/config/targets.ts';
import { Topology } from '../../../src/config/topology.ts';
import { Processor } from '../../../src/pipeline/processor.ts';
import { retrier } from '../../../src/pipeline/retry.ts';
import { BusinessMetrics } from '../../../src/sinks/prometheus/business-metrics.ts';
import { MessageDecoder, RegistryUnavailableError } from '../../../src/sources/kafka/decode-message.ts';
import { switchEventReader } from '../../../src/sources/kafka/event-reader.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import { PipelineMetrics } from '../../../src/telemetry/pipeline-metrics.ts';
import { exampleConfig, rawEvent } from '../../helpers/fixtures.ts';
import { InMemorySchemaStore } from '../../helpers/in-memory-registry.ts';
import { InMemorySink } from '../../helpers/in-memory-sink.ts';

describe('Schema Registry outage', () => {
  it('retries the lookup until the registry answers, and dead-letters nothing', async () => {
    const config = exampleConfig();
    const topology = new Topology(config);
    const store = new InMemorySchemaStore();
    let failures = 3;
    const flaky = {
      getSchema: (id: number) =>
        failures-- > 0
          ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:18081'))
          : store.getSchema(id),
    };
    const decoder = new MessageDecoder(flaky);
    const attempts: string[] = [];
    const sink = new InMemorySink();
    const registry = new Registry();
    const processor = new Processor({
      topology,
      targets: new Targets(config.targets),
      options: {
        allowedLatenessMs: 0,
        idleAdvanceMs: 10_000,
        maxFutureSkewMs: 600_000,
        callTimeoutMs: 60_000,
        openCallbackHorizonMs: 30 * 24 * 3600 * 1000,
        correctionMs: 0,
        batchMaxRows: 10,
        batchMaxWaitMs: 10,
        consumerGroup: 't',
      },
      reader: switchEventReader({
        decoder: decoder,
        queueIds: topology.queueIds,
        hmacKey: 'k'.repeat(32),
        maxFutureSkewMs: 600_000,
      }),
      sink,
      deadLetters: sink,
      counters: new BusinessMetrics(registry, topology),
      telemetry: new PipelineMetrics(registry),
      log: createLogger('test', 'error'),
      now: () => Date.parse('2026-11-23T12:00:00Z'),
      retry: retrier({
        log: createLogger('test', 'error'),
        initialDelayMs: 1,
        onFailure: (what, error) => {
          attempts.push(
            `${what}: ${error instanceof RegistryUnavailableError ? 'unavailable' : String(error)}`,
          );
        },
      }),
    });
    const value = await store.encode(
      1,
      rawEvent({
        eventId: 'e1',
        occurredAt: '2026-11-23T10:00:00Z',
        callId: 'c1',
        callerNumber: '+31330000000',
      }),
    );
    await processor.handle([{ topic: 't', partition: 0, offset: 0, key: null, value, timestamp: 1 }]);
    processor.finishAll();
    await processor.flush();
    expect(attempts).toEqual([
      'Schema Registry: unavailable',
      'Schema Registry: unavailable',
      'Schema Registry: unavailable',
    ]);
    expect(sink.deadLetters).toEqual([]);
    expect([...sink.ledger.keys()]).toEqual(['e1']);
  });
});
