/**
 * The processor killed mid-run, over and over, and restarted from the committed offsets with only
 * what the store holds, while the wall clock is far past the traffic (a backfill) and a restart
 * idles longer than the idle time before its first fetch (a slow group coordinator). Facts must
 * still equal the simulator's ground truth: event time may not jump over the unread backlog, and
 * a call that was live at a kill is rebuilt, never split into a partial call with timeout facts;
 * and no fact a killed write stored may stay uncounted by the rollups (the store tracks which).
 * The store is the in-memory one with ClickHouse's semantics; Kafka is a list per partition.
 */
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Processor } from '../../../src/pipeline/processor.ts';
import { restorePartition } from '../../../src/pipeline/restore-partitions.ts';
import type { IncomingMessage } from '../../../src/pipeline/contracts.ts';
import { simulate } from '../../../src/simulate/index.ts';
import { malformedValue } from '../../../src/simulate/produce.ts';
import { Random } from '../../../src/simulate/random.ts';
import { exampleConfig, rawEvent } from '../../helpers/fixtures.ts';
import { InMemorySchemaStore } from '../../helpers/in-memory-registry.ts';
import { InMemorySink, storedEvent } from '../../helpers/in-memory-sink.ts';
import { SinkError } from '../../../src/sinks/clickhouse/errors.ts';
import type { SinkBatch } from '../../../src/pipeline/contracts.ts';
import { expectStoredFactsToMatch, partitionOfKey, testProcessor } from '../../helpers/processor-harness.ts';
import { REPEAT_WINDOW_MS } from '../../../src/domain/kpi.ts';

const config = exampleConfig();
const partitions = 3;
/** The wall clock: weeks after the simulated traffic, as in a backfill. */
const wallClock = Date.parse('2026-12-01T09:00:00Z');
const idleAdvanceMs = 2000;

async function topicOf(seed: number) {
  const { messages, truth } = simulate(config, {
    seed,
    fromMs: Date.parse('2026-11-02T00:00:00+01:00'),
    toMs: Date.parse('2026-11-04T00:00:00+01:00'),
    callsPerDay: 250,
    faults: {
      duplicateRate: 0.03,
      lateRate: 0.04,
      lateBeyondShare: 0.5,
      outOfOrderRate: 0.03,
      neverEndedRate: 0.02,
      wrongMagicByteRate: 0.006,
      impossibleTimestampRate: 0.006,
      contradictionRate: 0.005,
    },
  });
  const store = new InMemorySchemaStore();
  const log: IncomingMessage[][] = Array.from({ length: partitions }, () => []);
  for (const m of messages) {
    const partition = partitionOfKey(m.key, partitions);
    const messagesOf = log[partition] ?? [];
    const value =
      m.payload.kind === 'event'
        ? await store.encode(1, m.payload.event)
        : await malformedValue(store, 1, m.payload.fault);
    messagesOf.push({
      topic: 'switch',
      partition,
      offset: messagesOf.length,
      key: Buffer.from(m.key),
      value,
      timestamp: m.deliverAt,
    });
  }
  return { truth, store, log };
}

/**
 * One step of a run: which partitions each processor owns, how many messages the processors read
 * (together) before the step ends, and how it ends: `kill` drops the processors without a flush
 * (their successors start afresh from the store and the committed offsets), `torn-kill` and
 * `torn-rollups-kill` drop them in the middle of a write (see TornWriteSink), `rebalance` keeps
 * them running and hands the partitions out anew (a lost partition's open calls are dropped; its
 * new owner reads it from the committed offset). A kill takes every processor unless `victims`
 * names some (by their place in `owners`). With `quiet`, the clock then runs on past the idle time
 * first: partitions read to their end let event time follow the wall clock.
 */
interface Step {
  readonly owners: readonly (readonly number[])[];
  readonly budget: number;
  readonly then: 'kill' | 'torn-kill' | 'torn-rollups-kill' | 'rebalance';
  readonly victims?: readonly number[];
  readonly quiet?: boolean;
}

/**
 * The store of a processor killed in the middle of a write (`tearNextWrite`): the ClickHouse writer
 * stores the ledger first, the facts after it and then their rollups, so a SIGKILL between the
 * ledger and the facts leaves events stored whose facts are not, and one between the facts and the
 * rollups leaves facts stored that no rollup row counts yet.
 */
class TornWriteSink extends InMemorySink {
  tearNextWrite: 'before-facts' | 'before-rollups' | undefined;

  override write(batch: SinkBatch): Promise<void> {
    const tear = this.tearNextWrite;
    if (tear === undefined) return super.write(batch);
    this.tearNextWrite = undefined;
    if (tear === 'before-facts')
      for (const r of batch.events) this.ledger.set(r.event.eventId, storedEvent(r));
    else this.storeFacts(batch);
    return Promise.reject(
      new SinkError('CLICKHOUSE_REJECTED', `killed ${tear.replace('-', ' the ')}`, { canRetry: false }),
    );
  }
}

async function runSteps(seed: number, steps: readonly Step[]) {
  const { truth, store, log } = await topicOf(seed);
  const sink = new TornWriteSink();
  const committed = new Array<number>(partitions).fill(0);
  let clock = wallClock;
  const newProcessor = () => {
    const { processor, registry } = testProcessor({
      config,
      sink,
      schemas: store,
      now: () => clock,
      // Open callbacks leave memory a day after their request (the configuration allows no less
      // than 14 days): their completions and replays take the path through the store.
      options: { idleAdvanceMs, batchMaxRows: 500, openCallbackHorizonMs: 24 * 3600 * 1000 },
    });
    const stored = Math.max(...sink.partitionWatermarks.values());
    processor.restore({
      callStarts: [...sink.callStarts.values()].filter(
        (s) => s.startedAt >= stored - REPEAT_WINDOW_MS - processor.callStartHorizonMs,
      ),
    });
    return { processor, registry, position: new Map<number, number>() };
  };
  let running: ReturnType<typeof newProcessor>[] = [];
  const flush = async (r: ReturnType<typeof newProcessor>) => {
    for (const [partition, next] of await r.processor.flush())
      if (r.position.has(partition)) committed[partition] = next;
  };
  const last: Step = { owners: [[0, 1, 2]], budget: Number.POSITIVE_INFINITY, then: 'kill' };
  for (const step of [...steps, last]) {
    while (running.length < step.owners.length) running.push(newProcessor());
    for (const [i, r] of running.entries()) {
      const owned = step.owners[i] ?? [];
      const added = owned.filter((p) => !r.position.has(p));
      r.processor.assign(owned);
      r.processor.noteStoredWatermarks(sink.partitionWatermarks);
      for (const p of added) await restorePartition(r.processor, sink, p, sink.partitionWatermarks.get(p));
      for (const p of [...r.position.keys()]) if (!owned.includes(p)) r.position.delete(p);
      for (const p of owned) if (!r.position.has(p)) r.position.set(p, committed[p] ?? 0);
      // The group coordinator takes longer than the idle time: nothing is read yet.
      clock += 3 * idleAdvanceMs;
      r.processor.tick();
    }
    let handled = 0;
    const unread = () =>
      running.some((r) => [...r.position].some(([p, next]) => next < (log[p]?.length ?? 0)));
    while (handled < step.budget && unread()) {
      for (const r of running) {
        for (const [p, next] of r.position) {
          const messages = log[p] ?? [];
          const chunk = messages.slice(next, next + 100);
          if (chunk.length === 0 || handled >= step.budget) continue;
          r.position.set(p, next + chunk.length);
          handled += chunk.length;
          await r.processor.handle(chunk, { partition: p, highWatermark: messages.length });
          clock += 5;
          if (r.processor.needsFlush()) await flush(r);
        }
      }
    }
    if (step === last || step.quiet === true) {
      // Quiet: partitions read to their end let event time follow the clock (at the end, every
      // call ends).
      for (let i = 0; i < 3; i++) {
        clock += idleAdvanceMs;
        for (const r of running) {
          r.processor.tick();
          await flush(r);
        }
      }
    }
    if (step === last || step.then === 'rebalance') continue;
    const victims = running.filter((_, i) => step.victims?.includes(i) ?? true);
    if (step.then !== 'kill') {
      for (const r of victims) {
        sink.tearNextWrite = step.then === 'torn-kill' ? 'before-facts' : 'before-rollups';
        await flush(r).catch(() => undefined);
        sink.tearNextWrite = undefined; // a processor with nothing to write did not write
      }
    }
    // What they did not write is lost.
    running = running.filter((r) => !victims.includes(r));
  }
  return { truth, sink, committed, log, running };
}

const alone = [[0, 1, 2]];
const kills = (...budgets: number[]): Step[] =>
  budgets.map((budget) => ({ owners: alone, budget, then: 'kill' }));

describe('processor killed and restarted, partitions moved, from the committed offsets', () => {
  it.each([
    { seed: 21, steps: kills(700, 1500, 350, 2600, 1200) },
    { seed: 22, steps: kills(100, 100, 100, 4000) },
    // Killed in the middle of writes: events stored, their facts (call starts among them) not.
    // Seed 24 lost a start whose redelivery was an orphan; 28 and 35 one whose redelivery came
    // after the call was rebuilt from the stored history (then a duplicate in memory).
    ...[24, 28, 35].map((seed) => ({
      seed,
      steps: [300, 700, 1500, 500, 900, 2000].map((budget): Step => ({
        owners: alone,
        budget,
        then: 'torn-kill',
      })),
    })),
    // Killed between storing facts and their rollups, and between the ledger and the facts, in turn.
    ...[25, 29].map((seed) => ({
      seed,
      steps: [400, 900, 1300, 600, 1800].map((budget, i): Step => ({
        owners: alone,
        budget,
        then: i % 2 === 0 ? 'torn-rollups-kill' : 'torn-kill',
      })),
    })),
    {
      seed: 23,
      steps: [
        { owners: alone, budget: 1500, then: 'rebalance' },
        { owners: [[0, 1], [2]], budget: 1200, then: 'rebalance' },
        { owners: [[2], [0, 1]], budget: 900, then: 'kill' },
        { owners: [[0], [1, 2]], budget: 1500, then: 'rebalance' },
        { owners: [[1], [0, 2]], budget: 600, then: 'rebalance' },
      ] satisfies Step[],
    },
  ])(
    'stores exactly the ground truth, on a clock weeks past the traffic (seed $seed)',
    async ({ seed, steps }) => {
      await expectExactRun(await runSteps(seed, steps));
    },
  );
});

/**
 * Random runs: one to three processors, each step hands the partitions out anew, reads a random
 * share, maybe lets the clock run on past the idle time, and ends with a rebalance or with some
 * processors killed (plainly, or in the middle of a write). More runs: RESTART_FUZZ_RUNS.
 */
describe('processors killed, moved and quiet at random', () => {
  const runs = Number(process.env['RESTART_FUZZ_RUNS'] ?? 8);
  it.each(Array.from({ length: runs }, (_, i) => 100 + i))(
    'stores exactly the ground truth (seed %i)',
    async (seed) => {
      await expectExactRun(await runSteps(seed, randomSteps(new Random(seed, 'steps'))));
    },
  );
});

function randomSteps(r: Random): Step[] {
  const ends = ['kill', 'torn-kill', 'torn-rollups-kill', 'rebalance'] as const;
  return Array.from({ length: r.int(3, 7) }, (): Step => {
    const processors = r.int(1, 3);
    const owners: number[][] = Array.from({ length: processors }, () => []);
    for (let p = 0; p < partitions; p++) owners[r.int(0, processors - 1)]?.push(p);
    return {
      owners,
      // Now and then everything owned, to its end.
      budget: r.chance(0.2) ? Number.POSITIVE_INFINITY : r.int(100, 2500),
      then: ends[r.int(0, ends.length - 1)] ?? 'kill',
      victims: owners.map((_, i) => i).filter(() => r.chance(0.6)),
      quiet: r.chance(0.3),
    };
  });
}

/** Everything read and committed, and the store equal to the ground truth, after a run. */
async function expectExactRun({
  truth,
  sink,
  committed,
  log,
  running,
}: Awaited<ReturnType<typeof runSteps>>) {
  // Everything was read and committed in the end.
  expect(committed).toEqual(log.map((m) => m.length));

  expectStoredFactsToMatch(sink, truth);
  expect(sink.staleRollups()).toEqual([]);
  // The open-callback gauges, summed over the processors still running, count each stored open
  // callback once: restored per partition, dropped with a partition that moved away.
  let gauged = 0;
  for (const r of running)
    for (const v of (await r.registry.getSingleMetric('bereik_callbacks_open')?.get())?.values ?? [])
      gauged += v.value;
  const open = [...sink.callbacks.values()].filter((c) => c.requestedAt !== null && c.completedAt === null);
  expect(gauged).toBe(open.length);
  // A call that ended was never stored as timed out (a split call's partial half would be).
  const endedAsTimeout = [...sink.calls.values()].filter(
    (c) =>
      c.endSource === 'call_timeout' &&
      [...sink.ledger.values()].some((e) => e.type === 'CALL_ENDED' && e.callId === c.callId),
  );
  expect(endedAsTimeout).toEqual([]);
  // Dead letters are at least once across kills: each bad message is there, none other.
  const lettered = new Map(
    sink.deadLetters.map((d) => [`${d.message.partition}:${d.message.offset}`, d.reason]),
  );
  const byReason: Record<string, number> = Object.fromEntries(
    Object.keys(truth.deadLetters).map((r) => [r, 0]),
  );
  for (const reason of lettered.values()) byReason[reason] = (byReason[reason] ?? 0) + 1;
  expect(byReason).toEqual(truth.deadLetters);
}

describe('a partition moved to a processor whose event time is far ahead', () => {
  it('writes again the callbacks its killed owner stored without their rollups', async () => {
    const { truth, store, log } = await topicOf(26);
    const sink = new TornWriteSink();
    let clock = wallClock;
    const committed = log.map(() => 0);
    const start = () =>
      testProcessor({
        config,
        sink,
        schemas: store,
        now: () => clock,
        options: { idleAdvanceMs, batchMaxRows: 1_000_000, openCallbackHorizonMs: 24 * 3600 * 1000 },
      }).processor;
    const take = async (processor: Processor, partitions: readonly number[]) => {
      processor.assign(partitions);
      processor.noteStoredWatermarks(sink.partitionWatermarks);
      for (const p of partitions) await restorePartition(processor, sink, p, sink.partitionWatermarks.get(p));
    };
    const readToEnd = async (processor: Processor, partition: number) => {
      const messages = log[partition] ?? [];
      for (let next = committed[partition] ?? 0; next < messages.length; next += 100) {
        await processor.handle(messages.slice(next, next + 100), {
          partition,
          highWatermark: messages.length,
        });
        clock += 5;
      }
    };
    const idle = async (processor: Processor) => {
      for (let i = 0; i < 3; i++) {
        clock += idleAdvanceMs;
        processor.tick();
        for (const [p, next] of await processor.flush()) committed[p] = next;
      }
    };

    // The owner of partition 0 reads it and is killed after storing its facts, before their rollups.
    const killed = start();
    await take(killed, [0]);
    await readToEnd(killed, 0);
    sink.tearNextWrite = 'before-rollups';
    await expect(killed.flush()).rejects.toThrow('killed before the rollups');
    const left = sink.staleRollups();
    expect(left.length).toBeGreaterThan(0);

    // The other processor reads partitions 1 and 2 to their end; quiet, its event time follows the
    // wall clock, weeks past the traffic, and so does the watermark it stores for them.
    const survivor = start();
    await take(survivor, [1, 2]);
    await readToEnd(survivor, 1);
    await readToEnd(survivor, 2);
    await idle(survivor);
    expect(survivor.watermark).toBeGreaterThan(wallClock);

    // Partition 0 moves to it and is read again from its committed offset (the start).
    await take(survivor, [0, 1, 2]);
    await readToEnd(survivor, 0);
    await idle(survivor);

    expect(committed).toEqual(log.map((m) => m.length));
    expectStoredFactsToMatch(sink, truth);
    expect(sink.staleRollups()).toEqual([]);
  });
});

describe('a callback completed before its request arrived, across a restart', () => {
  it('applies the request to the stored completion, not as a new open callback', async () => {
    const sink = new InMemorySink();
    const schemas = new InMemorySchemaStore();
    const clock = Date.parse('2026-11-02T12:00:00+01:00');
    const requestedAt = Date.parse('2026-11-02T10:00:00+01:00');
    const callback = { gemeente: 'GM0307', callbackId: 'cb1', callId: 'c1' } as const;
    // The request comes late: after its completion, in the same partition.
    const events = [
      rawEvent({
        ...callback,
        eventId: 'done',
        type: 'CALLBACK_COMPLETED',
        occurredAt: requestedAt + 20 * 60_000,
        callbackOutcome: 'REACHED',
      }),
      rawEvent({
        ...callback,
        eventId: 'asked',
        type: 'CALLBACK_REQUESTED',
        occurredAt: requestedAt,
        queue: 'belastingen',
      }),
    ];
    const log: IncomingMessage[] = [];
    for (const [offset, raw] of events.entries())
      log.push({
        topic: 'switch',
        partition: 0,
        offset,
        key: Buffer.from('cb1'),
        value: await schemas.encode(1, raw),
        timestamp: raw.occurredAt,
      });
    const start = async () => {
      const { processor, registry } = testProcessor({ config, sink, schemas, now: () => clock });
      processor.assign([0]);
      processor.noteStoredWatermarks(sink.partitionWatermarks);
      await restorePartition(processor, sink, 0, sink.partitionWatermarks.get(0));
      return { processor, registry };
    };
    const open = async (registry: Registry) =>
      ((await registry.getSingleMetric('bereik_callbacks_open')?.get())?.values ?? []).reduce(
        (sum, v) => sum + v.value,
        0,
      );

    // The first processor stores the completion, is killed after reading the request, before writing it.
    const first = await start();
    await first.processor.handle(log.slice(0, 1), { partition: 0, highWatermark: 2 });
    const committed = await first.processor.flush();
    expect(committed.get(0)).toBe(1);
    await first.processor.handle(log.slice(1), { partition: 0, highWatermark: 2 });

    // Its successor reads the request again, from the committed offset.
    const second = await start();
    await second.processor.handle(log.slice(1), { partition: 0, highWatermark: 2 });
    second.processor.tick();
    expect((await second.processor.flush()).get(0)).toBe(2);
    expect(sink.callbacks.get('cb1')).toMatchObject({ version: 3, queue: 'belastingen', onTime: true });
    expect(sink.staleRollups()).toEqual([]);
    expect(await open(second.registry)).toBe(0);
  });
});
