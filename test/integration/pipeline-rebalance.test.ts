/**
 * Several processors in one consumer group on one partitioned topic: a second and a third join
 * during the run and the first leaves, so partitions move between them while calls are open.
 * ClickHouse must still equal the ground truth exactly. Prints how the work was shared.
 */
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clickhouseClient, eventually } from '../helpers/clients.ts';
import {
  allCommitted,
  metricValue,
  produceTraffic,
  runConfig,
  startProcessorProcess,
} from '../helpers/pipeline-run.ts';
import { expectSameWindows, expectedWindows, storedWindows } from '../helpers/stored-metrics.ts';
import { EVERY_FAULT } from '../../src/simulate/options.ts';

const endpoints = inject('endpoints');
const clickhouse = clickhouseClient(endpoints);
afterAll(async () => {
  await clickhouse.close();
});

describe('processors in one consumer group', () => {
  it('keeps ClickHouse exact while partitions move between three processors', async () => {
    const names = runConfig('rebalance');
    const truth = await produceTraffic(endpoints, names, {
      seed: 17,
      fromMs: Date.parse('2026-09-14T00:00:00+02:00'),
      toMs: Date.parse('2026-10-19T00:00:00+02:00'),
      callsPerDay: 800,
      faults: EVERY_FAULT,
    });
    const ports = [names.httpPort, names.httpPort + 1000, names.httpPort + 1001];
    const processors: ChildProcess[] = [];
    const started = Date.now();
    const consuming = (port: number) =>
      eventually(
        `the processor on ${port} to consume`,
        async () => (((await metricValue(port, 'bereik_events_total')) ?? 0) > 0 ? true : undefined),
        120_000,
      );
    try {
      processors.push(startProcessorProcess(endpoints, names, ports[0]));
      await consuming(ports[0] ?? 0);
      processors.push(startProcessorProcess(endpoints, names, ports[1]));
      processors.push(startProcessorProcess(endpoints, names, ports[2]));
      // The first leaves while the others work: its partitions move again. It leaves in the
      // middle of the backlog, where its writes overlap reading the next batch.
      await consuming(ports[1] ?? 0);
      await eventually(
        'the first processor to write while reading',
        async () =>
          ((await metricValue(ports[0] ?? 0, 'bereik_flushes_total', { while_reading: 'true' })) ?? 0) > 0
            ? true
            : undefined,
        120_000,
      );
      const first = processors[0];
      first?.kill('SIGTERM');
      if (first !== undefined) await once(first, 'exit');
      await eventually(
        'the group to commit everything',
        async () => {
          if (!(await allCommitted(endpoints, names))) return undefined;
          for (const port of ports.slice(1)) {
            if (
              (await metricValue(port, 'bereik_open_calls')) !== 0 ||
              (await metricValue(port, 'bereik_pending_rows')) !== 0
            )
              return undefined;
          }
          return true;
        },
        300_000,
      );
      const handled = await Promise.all(
        ports.slice(1).map(async (port) => (await metricValue(port, 'bereik_events_total')) ?? 0),
      );
      console.log(
        `rebalance: ${truth.delivery.messages} messages in ${((Date.now() - started) / 1000).toFixed(1)} s; handled by the two remaining processors: ${handled.join(', ')} (the first handled the rest before leaving)`,
      );
      expect(handled.every((n) => n > 0)).toBe(true);
    } finally {
      for (const p of processors) if (p.exitCode === null) p.kill('SIGTERM');
      await Promise.all(processors.map((p) => (p.exitCode === null ? once(p, 'exit') : Promise.resolve())));
    }
    const stored = await storedWindows(clickhouse, names.database);
    const expected = expectedWindows(truth);
    expectSameWindows(stored, expected, (actual, wanted, what) => {
      expect(actual, what).toEqual(wanted);
    });
  });
});
