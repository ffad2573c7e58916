/**
 * How big a flush is: small and frequent at live pace (latency), larger and rarer while a backlog
 * waits in Kafka (every flush costs ClickHouse a recompute of the windows it touches).
 */
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../../src/pipeline/contracts.ts';
import { exampleConfig, rawEvent } from '../../helpers/fixtures.ts';
import { InMemorySchemaStore } from '../../helpers/in-memory-registry.ts';
import { InMemorySink } from '../../helpers/in-memory-sink.ts';
import { testProcessor } from '../../helpers/processor-harness.ts';

const schemas = new InMemorySchemaStore();
const start = Date.parse('2026-11-02T10:00:00+01:00');

function harness() {
  const clock = { now: start + 3_600_000 };
  const { processor } = testProcessor({
    config: exampleConfig(),
    sink: new InMemorySink(),
    schemas,
    now: () => clock.now,
    options: {
      batchMaxRows: 10,
      batchMaxWaitMs: 1000,
      backlogBatchMaxRows: 100,
      backlogBatchMaxWaitMs: 5000,
    },
  });
  let offset = 0;
  /** `count` calls starting on partition 0: each buffers two rows (its ledger row, its offset to acknowledge). */
  const calls = async (count: number): Promise<IncomingMessage[]> => {
    const out: IncomingMessage[] = [];
    for (let i = 0; i < count; i++, offset++) {
      const raw = rawEvent({
        eventId: `e${offset}`,
        callId: `c${offset}`,
        occurredAt: start + offset * 1000,
        type: 'CALL_STARTED',
        dialledNumber: '14033',
        callerNumber: '+31331234567',
      });
      out.push({
        topic: 'switch',
        partition: 0,
        offset,
        key: Buffer.from(`c${offset}`),
        value: await schemas.encode(1, raw),
        timestamp: raw.occurredAt,
      });
    }
    return out;
  };
  return { processor, clock, calls, nextOffset: () => offset };
}

describe('flush size', () => {
  it('flushes at batchMaxRows when the partitions are read to their end', async () => {
    const { processor, calls, nextOffset } = harness();
    processor.assign([0]);
    await processor.handle(await calls(4), { partition: 0, highWatermark: 4 });
    expect(processor.needsFlush()).toBe(false);
    await processor.handle(await calls(1), { partition: 0, highWatermark: nextOffset() });
    expect(processor.needsFlush()).toBe(true);
  });

  it('waits for backlogBatchMaxRows while at least batchMaxRows messages are unread', async () => {
    const { processor, calls } = harness();
    processor.assign([0]);
    // 10 000 messages in the partition, 49 read: 98 rows.
    await processor.handle(await calls(49), { partition: 0, highWatermark: 10_000 });
    expect(processor.needsFlush()).toBe(false);
    await processor.handle(await calls(1), { partition: 0, highWatermark: 10_000 });
    expect(processor.needsFlush()).toBe(true);
  });

  it('counts as live again once fewer than batchMaxRows messages are unread', async () => {
    const { processor, calls } = harness();
    processor.assign([0]);
    await processor.handle(await calls(20), { partition: 0, highWatermark: 29 });
    // 9 unread: not a backlog, so 40 buffered rows are more than enough.
    expect(processor.needsFlush()).toBe(true);
  });

  it('takes a probe of the partition end as evidence too', async () => {
    const { processor, calls, clock } = harness();
    processor.assign([0]);
    await processor.handle(await calls(20), { partition: 0, highWatermark: 10_000 });
    expect(processor.needsFlush()).toBe(false);
    // The probe finds the partition ends right after what was read (the backlog was deleted, or
    // the fetch's end was stale): live limits again.
    processor.observeEnd(0, { highWatermark: 20, startOffset: 0, probedAt: clock.now });
    expect(processor.needsFlush()).toBe(true);
  });

  it('writes a small buffer after batchMaxWaitMs at live pace, after backlogBatchMaxWaitMs behind', async () => {
    const live = harness();
    live.processor.assign([0]);
    await live.processor.handle(await live.calls(3), { partition: 0, highWatermark: 3 });
    live.clock.now += 999;
    expect(live.processor.needsFlush()).toBe(false);
    live.clock.now += 1;
    expect(live.processor.needsFlush()).toBe(true);

    const behind = harness();
    behind.processor.assign([0]);
    await behind.processor.handle(await behind.calls(3), { partition: 0, highWatermark: 10_000 });
    behind.clock.now += 1000;
    expect(behind.processor.needsFlush()).toBe(false);
    behind.clock.now += 4000;
    expect(behind.processor.needsFlush()).toBe(true);
  });
});
