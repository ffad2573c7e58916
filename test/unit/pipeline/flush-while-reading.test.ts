/**
 * A flush started while the processor goes on reading (the consumer loop does this while catching
 * up, within one batch handler): messages handled while it is written go into the next one,
 * offsets become committable only once their write is stored, a failed write loses nothing (the
 * next flush writes it), and a partition revoked meanwhile is not acknowledged by the old write.
 */
import { describe, expect, it } from 'vitest';
import type { IncomingMessage, SinkBatch } from '../../../src/pipeline/contracts.ts';
import { answeredKccCall, exampleConfig, rawEvent } from '../../helpers/fixtures.ts';
import { InMemorySchemaStore } from '../../helpers/in-memory-registry.ts';
import { InMemorySink } from '../../helpers/in-memory-sink.ts';
import { testProcessor } from '../../helpers/processor-harness.ts';

const config = exampleConfig();
const schemas = new InMemorySchemaStore();
/** Monday 2 November 2026, 10:00 in Amersfoort: the KCC is open. */
const morning = Date.parse('2026-11-02T10:00:00+01:00');

/** An in-memory store whose writes wait until the test opens the gate (or fail when told to). */
class GatedSink extends InMemorySink {
  readonly #gates: (() => void)[] = [];
  failNext = false;

  override async write(batch: SinkBatch): Promise<void> {
    await new Promise<void>((resolve) => this.#gates.push(resolve));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('ClickHouse is down');
    }
    await super.write(batch);
  }

  /** Lets the oldest waiting write go on; false when none waits. */
  open(): boolean {
    const gate = this.#gates.shift();
    gate?.();
    return gate !== undefined;
  }

  get waiting(): number {
    return this.#gates.length;
  }
}

/** A short answered KCC call: its four events, on `partition` from `offset`. */
async function call(
  callId: string,
  start: number,
  partition: number,
  offset: number,
): Promise<IncomingMessage[]> {
  const events = answeredKccCall(callId, start);
  return Promise.all(
    events.map(async (fields, i) => {
      const raw = rawEvent(fields);
      return {
        topic: 'switch',
        partition,
        offset: offset + i,
        key: Buffer.from(callId),
        value: await schemas.encode(1, raw),
        timestamp: raw.occurredAt,
      };
    }),
  );
}

/** Waits until the processor's write reached the sink (it awaits the previous one and its reads first). */
async function untilWriting(sink: GatedSink, count = 1): Promise<void> {
  for (let i = 0; i < 1000 && sink.waiting < count; i++)
    await new Promise((resolve) => setImmediate(resolve));
  expect(sink.waiting).toBe(count);
}

function harness() {
  const sink = new GatedSink();
  const { processor } = testProcessor({ config, sink, schemas, now: () => morning + 3_600_000 });
  return { sink, processor };
}

describe('a flush written while the processor reads on', () => {
  it('takes what is buffered, reads on meanwhile, and makes offsets committable only once stored', async () => {
    const { sink, processor } = harness();
    processor.assign([0]);
    await processor.handle(await call('c1', morning, 0, 0));
    processor.finishAll();
    const { written } = await processor.startFlush();
    await untilWriting(sink);
    // Handled while the first write waits: the next flush's.
    await processor.handle(await call('c2', morning + 120_000, 0, 4));
    processor.finishAll();
    expect(sink.calls.size).toBe(0);
    expect(processor.acknowledgedCount).toBe(0);
    expect(sink.open()).toBe(true);
    expect(await written).toEqual(new Map([[0, 4]]));
    expect([...sink.calls.keys()]).toEqual(['c1']);
    expect(processor.acknowledgedCount).toBe(4);

    const second = processor.flush();
    await untilWriting(sink);
    expect(sink.open()).toBe(true);
    expect(await second).toEqual(new Map([[0, 8]]));
    expect([...sink.calls.keys()].sort()).toEqual(['c1', 'c2']);
  });

  it('starts the next write only when the one before is stored', async () => {
    const { sink, processor } = harness();
    processor.assign([0]);
    await processor.handle(await call('c1', morning, 0, 0));
    processor.finishAll();
    const first = await processor.startFlush();
    await processor.handle(await call('c2', morning + 120_000, 0, 4));
    processor.finishAll();
    const second = processor.startFlush();
    await untilWriting(sink);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(sink.waiting).toBe(1);
    sink.open();
    await first.written;
    await untilWriting(sink);
    sink.open();
    expect(await (await second).written).toEqual(new Map([[0, 8]]));
  });

  it('keeps what a failed write held: the next flush writes it, and only then is it committable', async () => {
    const { sink, processor } = harness();
    processor.assign([0]);
    await processor.handle(await call('c1', morning, 0, 0));
    processor.finishAll();
    sink.failNext = true;
    const { written } = await processor.startFlush();
    await untilWriting(sink);
    await processor.handle(await call('c2', morning + 120_000, 0, 4));
    processor.finishAll();
    sink.open();
    await expect(written).rejects.toThrow('ClickHouse is down');
    expect(processor.acknowledgedCount).toBe(0);
    expect(sink.calls.size).toBe(0);

    const again = processor.flush();
    await untilWriting(sink);
    sink.open();
    expect(await again).toEqual(new Map([[0, 8]]));
    expect([...sink.calls.keys()].sort()).toEqual(['c1', 'c2']);
    expect(processor.acknowledgedCount).toBe(8);
  });

  it('does not acknowledge messages of a partition revoked while their write was under way', async () => {
    const { sink, processor } = harness();
    processor.assign([0, 1]);
    await processor.handle(await call('c0', morning, 0, 0));
    await processor.handle(await call('c1', morning, 1, 0));
    processor.finishAll();
    const { written } = await processor.startFlush();
    await untilWriting(sink);
    processor.assign([0]);
    sink.open();
    // Partition 1's new owner replays it from the committed offset; nothing here commits it.
    expect(await written).toEqual(new Map([[0, 4]]));
    expect(processor.acknowledgedCount).toBe(4);
  });
});
