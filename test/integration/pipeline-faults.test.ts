/**
 * Chaos, by offsets and conditions rather than timers, on the real stack. After each run every
 * window of every grain and the dead letters by reason equal the simulator's ground truth:
 * - processors SIGKILLed when 10 %, 50 % and 90 % of the backlog's offsets are committed and
 *   restarted; a second processor joins after the first kill and is itself killed, so partitions
 *   move under load;
 * - the Kafka broker stopped and started mid-run (a processor that gives up is restarted, as
 *   Kubernetes would);
 * - ClickHouse down for 90 s while recent traffic keeps flowing: /readyz reports it, nothing is
 *   committed meanwhile, and the run resumes.
 * Each run logs how many events took the orphan path (resolved against the stored history).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Partitioners } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import {
  simulate,
  type GroundTruth,
  type SimMessage,
  type SimulatorOptionsInput,
} from '../../src/simulate/index.ts';
import { produceMessages } from '../../src/simulate/produce.ts';
import { clickhouse as clickhouseService } from '../../src/stack/clickhouse.ts';
import { kafka as kafkaService } from '../../src/stack/kafka.ts';
import { clickhouseClient, eventually, kafkaClient, schemaRegistryClient } from '../helpers/clients.ts';
import {
  allCommitted,
  createRunTopics,
  deadLettersByReason,
  metricValue,
  runConfig,
  startProcessorProcess,
  waitUntilProcessed,
  type RunNames,
} from '../helpers/pipeline-run.ts';
import { recentWorkingMorning } from '../helpers/recent-traffic.ts';
import { expectSameWindows, expectedWindows, storedWindows } from '../helpers/stored-metrics.ts';
import { EVERY_FAULT } from '../../src/simulate/options.ts';

const endpoints = inject('endpoints');
const clickhouse = clickhouseClient(endpoints);
afterAll(async () => {
  await clickhouse.close();
});

/** Committed and end offsets of the run's topic, summed over partitions (one admin client, polled often). */
const admin = kafkaClient(endpoints).admin();
let adminConnected: Promise<void> | undefined;
afterAll(async () => {
  if (adminConnected !== undefined) await admin.disconnect();
});
async function progress(names: RunNames): Promise<{ committed: number; end: number }> {
  adminConnected ??= admin.connect();
  await adminConnected;
  const ends = await admin.fetchTopicOffsets(names.topic);
  const [committed] = await admin.fetchOffsets({ groupId: names.groupId, topics: [names.topic] });
  return {
    committed: (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0),
    end: ends.reduce((sum, p) => sum + Number(p.high), 0),
  };
}

function configOf(names: RunNames) {
  return parseConfig(parse(readFileSync(names.configPath, 'utf8')), names.configPath);
}

function simulateRun(names: RunNames, options: SimulatorOptionsInput) {
  return simulate(configOf(names), options);
}

async function produce(names: RunNames, messages: Iterable<SimMessage>): Promise<number> {
  const producer = kafkaClient(endpoints).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const counts = await produceMessages(messages, producer, schemaRegistryClient(endpoints), {
      topic: names.topic,
      batchSize: 1000,
    });
    return counts.messages;
  } finally {
    await producer.disconnect();
  }
}

/** A processor child process, restarted when it exits on its own (as Kubernetes would). */
class Supervised {
  readonly port: number;
  #child: ChildProcess;
  #wanted = true;
  restarts = 0;
  /** Orphan-path events counted by every process that ran here, read just before each kill or stop. */
  orphans = 0;

  readonly #names: RunNames;

  constructor(names: RunNames, port: number) {
    this.#names = names;
    this.port = port;
    this.#child = this.#start();
  }

  #start(): ChildProcess {
    const child = startProcessorProcess(endpoints, this.#names, this.port);
    child.once('exit', () => {
      if (!this.#wanted) return;
      this.restarts++;
      this.#child = this.#start();
    });
    return child;
  }

  async consuming(): Promise<void> {
    await eventually(
      `the processor on ${this.port} to consume`,
      async () => (((await metricValue(this.port, 'bereik_events_total')) ?? 0) > 0 ? true : undefined),
      180_000,
    );
  }

  async #countOrphans(): Promise<void> {
    this.orphans += (await metricValue(this.port, 'bereik_events_total', { result: 'orphan' })) ?? 0;
  }

  /** SIGKILL now; started again unless `restart` is false. */
  async kill(restart = true): Promise<void> {
    await this.#countOrphans();
    // Not a crash of its own: the exit handler must not start a second one.
    this.#wanted = false;
    const child = this.#child;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    if (restart) {
      this.#wanted = true;
      this.#child = this.#start();
    }
  }

  async stop(): Promise<void> {
    await this.#countOrphans();
    this.#wanted = false;
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    this.#child.kill('SIGTERM');
    await exited;
  }
}

async function expectExact(names: RunNames, truth: GroundTruth): Promise<void> {
  const stored = await storedWindows(clickhouse, names.database);
  expectSameWindows(stored, expectedWindows(truth), (actual, wanted, what) => {
    expect(actual, what).toEqual(wanted);
  });
  const expected = Object.fromEntries(Object.entries(truth.deadLetters).filter(([, n]) => n > 0));
  const letters = await deadLettersByReason(
    endpoints,
    names,
    Object.values(expected).reduce((a, b) => a + b, 0),
  );
  // At least once: a kill between sending a dead letter and committing its offset sends it again.
  const { 'written twice': twice = 0, ...byReason } = letters;
  console.log(`  dead letters written twice after kills: ${twice}`);
  expect(byReason).toEqual(expected);
}

async function finish(names: RunNames, processors: readonly Supervised[]): Promise<void> {
  const port = processors[0]?.port ?? names.httpPort;
  await waitUntilProcessed(port, () => allCommitted(endpoints, names), 300_000);
  for (const p of processors) await p.stop();
}

describe('chaos', () => {
  it('stays exact when processors are SIGKILLed at 10 %, 50 % and 90 % of the committed offsets and partitions move', async () => {
    const names = runConfig('chaos-kill');
    const { messages, truth } = simulateRun(names, {
      seed: 31,
      fromMs: Date.parse('2026-08-03T00:00:00+02:00'),
      toMs: Date.parse('2026-08-31T00:00:00+02:00'),
      callsPerDay: 900,
      faults: EVERY_FAULT,
    });
    await createRunTopics(endpoints, names);
    const produced = await produce(names, messages);
    const reached = (share: number) =>
      eventually(
        `${share * 100} % of the offsets to be committed`,
        async () => {
          const { committed, end } = await progress(names);
          return committed >= share * end ? committed / end : undefined;
        },
        300_000,
      );
    const first = new Supervised(names, names.httpPort);
    let second: Supervised | undefined;
    const kills: { at: string; committed: number }[] = [];
    try {
      await first.consuming();
      kills.push({ at: '10 %', committed: await reached(0.1) });
      await first.kill();
      // A second processor joins: partitions move to it while the first restarts.
      second = new Supervised(names, names.httpPort + 1000);
      kills.push({ at: '50 %', committed: await reached(0.5) });
      await first.kill();
      kills.push({ at: '90 %', committed: await reached(0.9) });
      await first.kill();
      await second.kill(false);
      await finish(names, [first]);
      console.log(
        `chaos-kill: ${produced} messages; kills ${JSON.stringify(kills)}; orphan-path events: first ${first.orphans}, second ${second.orphans}`,
      );
    } finally {
      await first.stop();
      await second?.stop();
    }
    // Every kill fell while the backlog was being worked on, in order.
    expect(kills.map((k) => k.committed < 1)).toEqual([true, true, true]);
    expect(kills.map((k) => k.committed)).toEqual([...kills.map((k) => k.committed)].sort((a, b) => a - b));
    await expectExact(names, truth);
  }, 420_000);

  it.skipIf(endpoints.kafka.external)(
    'stays exact when the Kafka broker is stopped and started mid-run',
    async () => {
      const names = runConfig('chaos-broker');
      const { messages, truth } = simulateRun(names, {
        seed: 37,
        fromMs: Date.parse('2026-06-01T00:00:00+02:00'),
        toMs: Date.parse('2026-06-08T00:00:00+02:00'),
        callsPerDay: 900,
        faults: EVERY_FAULT,
      });
      await createRunTopics(endpoints, names);
      const produced = await produce(names, messages);
      const processor = new Supervised(names, names.httpPort);
      try {
        await processor.consuming();
        await eventually(
          'a third of the offsets to be committed',
          async () => {
            const { committed, end } = await progress(names);
            return committed >= end / 3 ? true : undefined;
          },
          300_000,
        );
        await kafkaService.stop();
        // Down long enough for the consumer's session and fetches to fail.
        await new Promise((resolve) => setTimeout(resolve, 15_000));
        await kafkaService.start();
        await finish(names, [processor]);
        console.log(
          `chaos-broker: ${produced} messages; processor restarts ${processor.restarts}; orphan-path events ${processor.orphans}`,
        );
      } finally {
        await kafkaService.start();
        await processor.stop();
      }
      await expectExact(names, truth);
    },
    420_000,
  );

  it.skipIf(endpoints.clickhouse.external)(
    'pauses while ClickHouse is down for 90 s with recent traffic flowing, reports it, and stays exact',
    async () => {
      const names = runConfig('chaos-clickhouse');
      // Recent traffic: the calls of a working morning that are over by now, a call that never
      // ended included (it is closed 4 h, the call timeout, after its last event: the calls start
      // at least 4 h 50 min ago and last at most 40 min).
      const { messages, truth } = simulateRun(names, {
        seed: 41,
        ...recentWorkingMorning(configOf(names), Date.now(), {
          durationMs: (4 * 60 + 10) * 60_000,
          minAgeMs: (4 * 60 + 50) * 60_000,
        }),
        callsPerDay: 4000,
        faults: { ...EVERY_FAULT, lateBeyondMs: 20 * 60_000 },
      });
      const all = [...messages];
      const half = Math.floor(all.length / 2);
      await createRunTopics(endpoints, names);
      const processor = new Supervised(names, names.httpPort);
      try {
        await produce(names, all.slice(0, half));
        await processor.consuming();
        await eventually(
          'a first commit',
          async () => ((await progress(names)).committed > 0 ? true : undefined),
          120_000,
        );
        await clickhouseService.stop();
        const downAt = Date.now();
        // The rest flows in while ClickHouse is down, a slice every second.
        const rest = all.slice(half);
        const slice = Math.ceil(rest.length / 60);
        let readyProblems: string[] | undefined;
        for (let i = 0; i < rest.length; i += slice) {
          await produce(names, rest.slice(i, i + slice));
          if (readyProblems === undefined) {
            const response = await fetch(`http://127.0.0.1:${processor.port}/readyz`).catch(() => undefined);
            if (response?.status === 503)
              readyProblems = ((await response.json()) as { problems: { check: string }[] }).problems.map(
                (p) => p.check,
              );
          }
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        const committedDuringOutage = (await progress(names)).committed;
        const readyz = await eventually(
          '/readyz to report the outage',
          async () => {
            if (readyProblems !== undefined) return readyProblems;
            const response = await fetch(`http://127.0.0.1:${processor.port}/readyz`);
            return response.status === 503
              ? ((await response.json()) as { problems: { check: string }[] }).problems.map((p) => p.check)
              : undefined;
          },
          60_000,
        );
        expect(readyz).toContain('sinks');
        await eventually(
          'ClickHouse to have been down 90 s',
          () => Promise.resolve(Date.now() - downAt >= 90_000 ? true : undefined),
          120_000,
        );
        // Nothing is committed while nothing can be stored.
        expect((await progress(names)).committed).toBe(committedDuringOutage);
        expect((await metricValue(processor.port, 'bereik_sink_errors_total')) ?? 0).toBeGreaterThan(0);
        await clickhouseService.start();
        await finish(names, [processor]);
        console.log(
          `chaos-clickhouse: ${all.length} messages, ${all.length - half} sent while ClickHouse was down; orphan-path events ${processor.orphans}`,
        );
      } finally {
        await clickhouseService.start();
        await processor.stop();
      }
      await expectExact(names, truth);
    },
    480_000,
  );

  it.skipIf(endpoints.clickhouse.external)(
    'is alive at once when started with ClickHouse down, says what it waits for, and is exact once ClickHouse starts 60 s later',
    async () => {
      const names = runConfig('chaos-boot');
      const { messages, truth } = simulateRun(names, {
        seed: 43,
        ...recentWorkingMorning(configOf(names), Date.now(), {
          durationMs: 3 * 3600_000,
          minAgeMs: 5 * 3600_000,
        }),
        callsPerDay: 2000,
        faults: EVERY_FAULT,
      });
      await createRunTopics(endpoints, names);
      await produce(names, messages);
      await clickhouseService.stop();
      let processor: Supervised | undefined;
      try {
        const startedAt = Date.now();
        processor = new Supervised(names, names.httpPort);
        const port = processor.port;
        const health = await eventually(
          '/healthz to answer',
          async () => {
            const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
            return response?.status === 200 ? Date.now() - startedAt : undefined;
          },
          60_000,
        );
        console.log(`  /healthz answered ${health} ms after the start, ClickHouse down`);
        const waiting = await eventually(
          '/readyz to name ClickHouse',
          async () => {
            const response = await fetch(`http://127.0.0.1:${port}/readyz`);
            const body = (await response.json()) as { problems: { check: string; problem: string }[] };
            const startup = body.problems.find((p) => p.check === 'startup');
            return response.status === 503 && startup?.problem.includes('ClickHouse') === true
              ? startup.problem
              : undefined;
          },
          60_000,
        );
        expect(waiting).toMatch(/^starting: connecting to ClickHouse, waiting for ClickHouse: /);
        // Still alive and waiting (not restarted in a loop) a minute later.
        await new Promise((resolve) => setTimeout(resolve, 60_000));
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
        expect(processor.restarts).toBe(0);
        await clickhouseService.start();
        await eventually(
          '/readyz to turn 200',
          async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined),
          180_000,
        );
        await finish(names, [processor]);
        expect(processor.restarts).toBe(0);
      } finally {
        await clickhouseService.start();
        await processor?.stop();
      }
      await expectExact(names, truth);
    },
    480_000,
  );
});
