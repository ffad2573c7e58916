/**
 * Event time moves on evidence only, and a call is never split: one regression test per cause of
 * answered legs stored as timeouts after restarts, rebalances and slow starts. The processor runs
 * with the in-memory store; messages are switch events in the Confluent wire format.
 */
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../../src/pipeline/contracts.ts';
import { answeredKccCall, exampleConfig, rawEvent, type FixtureEvent } from '../../helpers/fixtures.ts';
import { InMemorySchemaStore } from '../../helpers/in-memory-registry.ts';
import { InMemorySink } from '../../helpers/in-memory-sink.ts';
import { testProcessor } from '../../helpers/processor-harness.ts';

const config = exampleConfig();
const schemas = new InMemorySchemaStore();
const minute = 60_000;
const at = (iso: string) => Date.parse(iso);
/** Monday 2 November 2026, Amersfoort's KCC and Belastingen open. */
const morning = at('2026-11-02T10:00:00+01:00');

function harness(options: { now: number; sink?: InMemorySink }) {
  const sink = options.sink ?? new InMemorySink();
  const clock = { now: options.now };
  const { processor, registry } = testProcessor({
    config,
    sink,
    schemas,
    now: () => clock.now,
    options: { idleAdvanceMs: 10_000, batchMaxRows: 100_000 },
  });
  const counted = async (result: string) =>
    (await registry.getSingleMetric('bereik_events_total')?.get())?.values.find(
      (v) => v.labels['result'] === result,
    )?.value ?? 0;
  return { processor, sink, clock, counted, registry };
}

const offsets = new Map<number, number>();
async function messages(partition: number, events: FixtureEvent[]): Promise<IncomingMessage[]> {
  const out: IncomingMessage[] = [];
  for (const fields of events) {
    const raw = rawEvent(fields);
    const offset = offsets.get(partition) ?? 0;
    offsets.set(partition, offset + 1);
    out.push({
      topic: 'switch',
      partition,
      offset,
      key: Buffer.from(raw.callId ?? raw.callbackId ?? ''),
      value: await schemas.encode(1, raw),
      timestamp: raw.occurredAt,
    });
  }
  return out;
}

/** The SWITCH.md example call, from `start`: KCC answers at +12 s, transfers to Belastingen at +160 s. */
function transferredCall(callId: string, start: number, parts: 'first' | 'rest' | 'all'): FixtureEvent[] {
  const e = (n: number, dt: number, fields: Omit<FixtureEvent, 'occurredAt'>): FixtureEvent => ({
    eventId: `${callId}-e${n}`,
    callId,
    occurredAt: start + dt,
    ...fields,
  });
  const first = [
    e(1, 0, { type: 'CALL_STARTED', dialledNumber: '14033', callerNumber: '+31331234567' }),
    e(2, 2_000, { type: 'QUEUE_ENTERED', legId: `${callId}-l1`, queue: 'kcc' }),
    e(3, 14_000, { type: 'ANSWERED', legId: `${callId}-l1`, agentId: 'a1' }),
  ];
  const rest = [
    e(4, 160_000, {
      type: 'QUEUE_ENTERED',
      legId: `${callId}-l2`,
      queue: 'belastingen',
      transferredFromLegId: `${callId}-l1`,
    }),
    e(5, 180_000, { type: 'ANSWERED', legId: `${callId}-l2`, agentId: 'b1' }),
    e(6, 400_000, { type: 'CALL_ENDED' }),
  ];
  return parts === 'first' ? first : parts === 'rest' ? rest : [...first, ...rest];
}

/** Other traffic that moves event time on: short answered KCC calls every `everyMs`. */
function traffic(prefix: string, from: number, count: number, everyMs: number): FixtureEvent[] {
  return Array.from({ length: count }, (_, i) => answeredKccCall(`${prefix}${i}`, from + i * everyMs)).flat();
}

describe('event time moves on evidence only', () => {
  it('does not jump to the wall clock before the first fetch: a backlog read after a slow group join has no orphans', async () => {
    // The wall clock is a month past the traffic (a backfill) and the join took 30 s.
    const { processor, clock, counted, sink } = harness({ now: at('2026-12-01T12:00:00Z') });
    processor.assign([0, 1]);
    for (let i = 0; i < 3; i++) {
      clock.now += 10_000;
      processor.tick();
    }
    expect(processor.watermark).toBe(Number.NEGATIVE_INFINITY);
    const p0 = await messages(0, [
      ...transferredCall('slow-c1', morning, 'all'),
      ...traffic('slow-t', morning, 30, minute),
    ]);
    const p1 = await messages(1, traffic('slow-u', morning, 30, minute));
    await processor.handle(p0, { partition: 0, highWatermark: p0.length + 100 });
    await processor.handle(p1, { partition: 1, highWatermark: p1.length + 100 });
    clock.now += 60_000;
    processor.tick();
    await processor.flush();
    expect(await counted('orphan')).toBe(0);
    expect(await counted('accepted')).toBe(p0.length + p1.length);
    // Neither partition is read to its end: event time is that of what was read, not the clock.
    expect(processor.watermark).toBeLessThanOrEqual(morning + 30 * minute);
    const legs = sink.liveLegs().filter((l) => l.callId === 'slow-c1');
    expect(legs.map((l) => [l.queue, l.outcome, l.transferredOut])).toEqual([
      ['kcc', 'answered', true],
      ['belastingen', 'answered', false],
    ]);
  });

  it('lets a partition read to its end and quiet follow the clock, so it does not hold the others back', async () => {
    const now = at('2026-11-02T12:00:00+01:00');
    const { processor, clock } = harness({ now });
    processor.assign([0, 1]);
    const p0 = await messages(0, traffic('quiet-t', now - 20 * minute, 5, minute));
    await processor.handle(p0, { partition: 0, highWatermark: (p0.at(-1)?.offset ?? 0) + 1 });
    clock.now += 11_000;
    processor.tick();
    // Partition 1 has told nothing yet: it might hold a backlog.
    expect(processor.watermark).toBe(Number.NEGATIVE_INFINITY);
    // A probe: partition 1 is empty from where this consumer starts.
    processor.observeEnd(1, { highWatermark: 7, startOffset: 7, probedAt: clock.now });
    clock.now += 1000;
    processor.tick();
    expect(processor.watermark).toBe(clock.now);
  });

  it('ignores an end probed before a rebalance began', () => {
    const now = at('2026-11-02T12:00:00+01:00');
    const { processor, clock } = harness({ now });
    processor.assign([0]);
    const probedAt = clock.now;
    clock.now += 1000;
    processor.rebalancing();
    processor.observeEnd(0, { highWatermark: 0, startOffset: 0, probedAt });
    clock.now += 20_000;
    processor.tick();
    expect(processor.watermark).toBe(Number.NEGATIVE_INFINITY);
  });

  it('moves event time on with a switch clock a few minutes fast, and dead-letters events further ahead than allowed', async () => {
    const now = at('2026-11-02T12:00:00+01:00');
    const { processor, sink } = harness({ now });
    processor.assign([0]);
    const fast = await messages(0, traffic('fast-t', now + 8 * minute - 60_000, 1, minute).slice(0, 3));
    const tooFar = await messages(0, [
      { eventId: 'far-e1', callId: 'far', type: 'CALL_STARTED', occurredAt: now + 10 * minute + 1 },
    ]);
    await processor.handle([...fast, ...tooFar], { partition: 0, highWatermark: 1000 });
    expect(processor.watermark).toBe(now + 8 * minute - 60_000 + 5000);
    await processor.flush();
    expect(sink.deadLetters.map((d) => [d.reason, d.message.offset])).toEqual([
      ['impossible-timestamp', tooFar[0]?.offset],
    ]);
  });
});

describe('a call is rebuilt, never split', () => {
  it('after a restart, rebuilds a call live longer than lateness plus correction window from its stored events', async () => {
    // Life 1 reads the first half of a call, then 2 h of other traffic in the same partition, flushes
    // (the call's events reach the ledger, its facts do not: it is live) and is killed.
    const sink = new InMemorySink();
    // Every version of the call's facts ever written: a live call must never be stored as timed out.
    const written: string[] = [];
    const write = sink.write.bind(sink);
    sink.write = (batch) => {
      for (const c of batch.calls) if (c.callId === 'live-c1') written.push(`${c.endSource} v${c.version}`);
      return write(batch);
    };
    const first = harness({ now: at('2026-12-01T12:00:00Z'), sink });
    first.processor.assign([0]);
    const call = await messages(0, transferredCall('live-c1', morning, 'first'));
    const later = await messages(0, traffic('live-t', morning + minute, 120, minute));
    await first.processor.handle([...call, ...later], { partition: 0, highWatermark: 10_000 });
    const committed = await first.processor.flush();
    expect(sink.calls.has('live-c1')).toBe(false);
    // The live call holds the commit at its first event, the first message read of this partition.
    expect(committed.get(0)).toBeUndefined();

    // Life 2: restores the stored watermark, replays from the committed offset, then reads the rest of the call.
    const second = harness({ now: at('2026-12-01T12:05:00Z'), sink });
    second.processor.restore({ callStarts: [] });
    second.processor.assign([0, 1]);
    second.processor.noteStoredWatermarks(sink.partitionWatermarks);
    expect(sink.partitionWatermarks).toEqual(new Map([[0, first.processor.watermark]]));
    // Kafka happens to hand out the other partition first.
    const other = await messages(1, traffic('live-u', morning + 2 * 60 * minute, 1, minute));
    await second.processor.handle(other, { partition: 1, highWatermark: 10_000 });
    await second.processor.handle(call, { partition: 0, highWatermark: 10_000 });
    await second.processor.handle(later, { partition: 0, highWatermark: 10_000 });
    await second.processor.flush();
    const rest = await messages(0, transferredCall('live-c1', morning, 'rest'));
    await second.processor.handle(rest, { partition: 0, highWatermark: (rest.at(-1)?.offset ?? 0) + 1 });
    second.processor.observeEnd(1, { highWatermark: 1, startOffset: 0, probedAt: second.clock.now });
    second.clock.now += 11_000;
    second.processor.tick();
    const afterAll = await second.processor.flush();

    const legs = sink.liveLegs().filter((l) => l.callId === 'live-c1');
    expect(legs.map((l) => [l.queue, l.outcome, l.outcomeSource, l.waitMs, l.transferredOut])).toEqual([
      ['kcc', 'answered', 'event', 12_000, true],
      ['belastingen', 'answered', 'event', 20_000, false],
    ]);
    expect(sink.calls.get('live-c1')).toMatchObject({
      endSource: 'call_ended',
      legs: 2,
      offeredLegs: 2,
      lastOfferedAnswered: true,
      version: 6,
    });
    expect(written).toEqual(['call_ended v6']);
    // Every message is stored and committed.
    expect(afterAll.get(0)).toBe((rest.at(-1)?.offset ?? 0) + 1);
  });

  it('keeps orphans queued when the read that resolves them fails, and resolves them on the next flush', async () => {
    const sink = new InMemorySink();
    const { processor, clock } = harness({ now: at('2026-11-02T14:00:00+01:00'), sink });
    processor.assign([0]);
    const early = await messages(
      0,
      transferredCall('q-c1', morning, 'all').filter((e) => e.type !== 'ANSWERED'),
    );
    const later = await messages(0, traffic('q-t', morning + 10 * minute, 100, minute));
    await processor.handle([...early, ...later], { partition: 0, highWatermark: 10_000 });
    await processor.flush();
    expect(
      sink
        .liveLegs()
        .filter((l) => l.callId === 'q-c1')
        .map((l) => l.outcome),
    ).toEqual(['abandoned', 'abandoned']);
    // The two ANSWERED events arrive hours late: orphans of a released call.
    const late = await messages(
      0,
      transferredCall('q-c1', morning, 'all').filter((e) => e.type === 'ANSWERED'),
    );
    await processor.handle(late, { partition: 0, highWatermark: 10_000 });
    const load = sink.loadStoredCalls.bind(sink);
    sink.loadStoredCalls = () => Promise.reject(new Error('ClickHouse is down'));
    const acknowledged = processor.acknowledgedCount;
    await expect(processor.flush()).rejects.toThrow('ClickHouse is down');
    // No progress while the read fails: the stall clock may run.
    expect(processor.acknowledgedCount).toBe(acknowledged);
    sink.loadStoredCalls = load;
    clock.now += 1000;
    await processor.flush();
    expect(processor.acknowledgedCount).toBe(acknowledged + late.length);
    expect(
      sink
        .liveLegs()
        .filter((l) => l.callId === 'q-c1')
        .map((l) => [l.outcome, l.transferredOut]),
    ).toEqual([
      ['answered', true],
      ['answered', false],
    ]);
  });
});

describe('a call finalised here is counted once', () => {
  it('treats a call whose facts wait in the unwritten batch as final when its late events arrive', async () => {
    // Event time is at the wall clock (the partition was read to its end and quiet) when a past
    // call arrives: every event is late. A tick finalises the call from its first half (its facts
    // wait for the next write), then the second half arrives before that write.
    const sink = new InMemorySink();
    const { processor, clock, registry } = harness({ now: at('2026-12-01T12:00:00Z'), sink });
    processor.assign([0]);
    processor.observeEnd(0, { highWatermark: 0, startOffset: 0, probedAt: clock.now });
    clock.now += 11_000;
    processor.tick();
    expect(processor.watermark).toBe(clock.now);

    const first = await messages(0, transferredCall('once-c1', morning, 'first'));
    await processor.handle(first, { partition: 0, highWatermark: (first.at(-1)?.offset ?? 0) + 1 });
    await processor.flush();
    clock.now += 1000;
    processor.tick();
    const rest = await messages(0, transferredCall('once-c1', morning, 'rest'));
    await processor.handle(rest, { partition: 0, highWatermark: (rest.at(-1)?.offset ?? 0) + 1 });
    await processor.flush();
    clock.now += 1000;
    processor.tick();
    await processor.flush();

    const net = async (name: string, labels: Record<string, string>) => {
      const sum = async (metric: string) =>
        ((await registry.getSingleMetric(metric)?.get())?.values ?? [])
          .filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
          .reduce((total, v) => total + v.value, 0);
      return (await sum(`bereik_${name}_total`)) - (await sum(`bereik_${name}_retracted_total`));
    };
    expect(await net('legs', { queue: 'kcc', result: 'answered_within_sl' })).toBe(1);
    expect(await net('legs', { queue: 'belastingen', result: 'answered_within_sl' })).toBe(1);
    expect(await net('legs', { result: 'timed_out' })).toBe(0);
    expect(await net('calls', { result: 'last_offered_answered' })).toBe(1);
    expect(await net('calls', {})).toBe(1);
    expect(sink.calls.get('once-c1')).toMatchObject({ endSource: 'call_ended', version: 6 });
  });
});

describe('a call follows the event time of its own partition', () => {
  /** Partition 1 read only up to ten minutes before the morning, and not to its end. */
  async function behind(processor: ReturnType<typeof harness>['processor']) {
    const slow = await messages(1, traffic('behind-u', morning - 10 * minute, 1, minute).slice(0, 3));
    await processor.handle(slow, { partition: 1, highWatermark: 10_000 });
  }

  it('finalises a call when its partition has read past its end, while another partition is behind', async () => {
    const sink = new InMemorySink();
    const { processor } = harness({ now: at('2026-12-01T12:00:00Z'), sink });
    processor.assign([0, 1]);
    await behind(processor);
    const p0 = await messages(0, [
      ...transferredCall('own-c1', morning, 'all'),
      ...traffic('own-t', morning + 10 * minute, 20, minute),
    ]);
    await processor.handle(p0, { partition: 0, highWatermark: 10_000 });
    // Over all partitions, event time is where partition 1 is: before the call started.
    expect(processor.watermark).toBe(morning - 10 * minute + 5000);
    await processor.flush();
    expect(sink.calls.get('own-c1')).toMatchObject({ endSource: 'call_ended', legs: 2, version: 6 });
    // Stored per partition, each as far as it was read: the last traffic call ended at +30 min.
    expect(sink.partitionWatermarks).toEqual(
      new Map([
        [0, morning + 30 * minute],
        [1, morning - 10 * minute + 5000],
      ]),
    );
  });

  it('after a restart, settles a late event of a call its partition finalised ahead of the others against the store', async () => {
    const sink = new InMemorySink();
    const first = harness({ now: at('2026-12-01T12:00:00Z'), sink });
    first.processor.assign([0, 1]);
    await behind(first.processor);
    // The call without its Belastingen ANSWERED: that leg is final as abandoned.
    const call = transferredCall('ahead-c1', morning, 'all');
    const p0 = await messages(0, [
      ...call.filter((e) => e.eventId !== 'ahead-c1-e5'),
      ...traffic('ahead-t', morning + 10 * minute, 20, minute),
    ]);
    await first.processor.handle(p0, { partition: 0, highWatermark: 10_000 });
    await first.processor.flush();
    expect(sink.calls.get('ahead-c1')).toMatchObject({ version: 5 });

    // The next owner of partition 0 reads the missing event, late.
    const second = harness({ now: at('2026-12-01T12:05:00Z'), sink });
    second.processor.assign([0, 1]);
    second.processor.noteStoredWatermarks(sink.partitionWatermarks);
    const late = await messages(
      0,
      call.filter((e) => e.eventId === 'ahead-c1-e5'),
    );
    await second.processor.handle(late, { partition: 0, highWatermark: 10_000 });
    await second.processor.flush();
    expect(await second.counted('orphan')).toBe(1);
    expect(sink.calls.get('ahead-c1')).toMatchObject({ endSource: 'call_ended', legs: 2, version: 6 });
    const legs = sink.liveLegs().filter((l) => l.callId === 'ahead-c1');
    expect(legs.map((l) => [l.queue, l.outcome])).toEqual([
      ['kcc', 'answered'],
      ['belastingen', 'answered'],
    ]);
  });
});
