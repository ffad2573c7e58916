/**
 * Nothing lost, nothing doubled, when the processor dies or ClickHouse goes away:
 * - the processor (a child process) is killed with SIGKILL several times at random moments
 *   during a run and restarted; the final ClickHouse windows equal the ground truth;
 * - ClickHouse is stopped mid-run and started again; the processor pauses, reports not ready,
 *   retries, resumes, and the windows equal the ground truth.
 */
import { once } from 'node:events';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runProcessor } from '../../src/main.ts';
import { clickhouse as clickhouseService } from '../../src/stack/clickhouse.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { clickhouseClient, eventually, kafkaClient } from '../helpers/clients.ts';
import {
  allCommitted,
  allFaults,
  metricValue,
  produceTraffic,
  runConfig,
  startProcessorProcess,
  testHmacKey,
  waitUntilProcessed,
} from '../helpers/pipeline-run.ts';
import { expectSameWindows, expectedWindows, storedWindows } from '../helpers/stored-metrics.ts';

const endpoints = inject('endpoints');
const clickhouse = clickhouseClient(endpoints);
afterAll(async () => {
  await clickhouse.close();
});

async function committedMessages(names: { groupId: string; topic: string }): Promise<number> {
  const admin = kafkaClient(endpoints).admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId: names.groupId, topics: [names.topic] });
    return (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('processor crashes', () => {
  it('keeps ClickHouse exact when the processor is SIGKILLed three times mid-run', async () => {
    const names = runConfig('crash');
    const truth = await produceTraffic(endpoints, names, {
      seed: 11,
      fromMs: Date.parse('2026-10-26T00:00:00+01:00'),
      toMs: Date.parse('2026-11-02T00:00:00+01:00'),
      callsPerDay: 600,
      faults: allFaults,
    });
    const kills: { afterMs: number; committedBefore: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const child = startProcessorProcess(endpoints, names);
      // Kill once it is consuming: at a random moment after its first messages.
      const started = await eventually(
        'the processor to consume',
        async () => {
          if (child.exitCode !== null) return `exited with ${child.exitCode}`;
          return ((await metricValue(names.httpPort, 'bereik_events_total')) ?? 0) > 0
            ? 'consuming'
            : undefined;
        },
        120_000,
      );
      expect(started).toBe('consuming');
      const afterMs = 50 + Math.floor(Math.random() * 1200);
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      kills.push({ afterMs, committedBefore: await committedMessages(names) });
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    const last = startProcessorProcess(endpoints, names);
    try {
      await waitUntilProcessed(names.httpPort, () => allCommitted(endpoints, names));
    } finally {
      last.kill('SIGTERM');
      await once(last, 'exit');
    }
    console.log(`crash test: ${truth.delivery.messages} messages, kills ${JSON.stringify(kills)}`);
    // The kills fell while the run was under way, not after it.
    expect(kills.some((k) => k.committedBefore < truth.delivery.messages)).toBe(true);
    const stored = await storedWindows(clickhouse, names.database);
    const expected = expectedWindows(truth);
    expectSameWindows(stored, expected, (actual, wanted, what) => {
      expect(actual, what).toEqual(wanted);
    });
  });
});

describe('ClickHouse outage', () => {
  it.skipIf(endpoints.clickhouse.external)(
    'pauses while ClickHouse is down, resumes when it is back, and stays exact',
    async () => {
      process.env['BEREIK_HMAC_KEY'] = testHmacKey;
      const names = runConfig('outage');
      const truth = await produceTraffic(endpoints, names, {
        seed: 13,
        fromMs: Date.parse('2026-11-02T00:00:00+01:00'),
        toMs: Date.parse('2026-11-06T00:00:00+01:00'),
        callsPerDay: 500,
        faults: allFaults,
      });
      const processor = await runProcessor({
        configPath: names.configPath,
        log: createLogger('outage', 'error'),
      });
      try {
        await eventually(
          'a first commit',
          async () => ((await committedMessages(names)) > 0 ? true : undefined),
          60_000,
        );
        await clickhouseService.stop();
        const ready = await eventually(
          '/readyz to report the outage',
          async () => {
            const response = await fetch(`http://127.0.0.1:${names.httpPort}/readyz`);
            return response.status === 503
              ? ((await response.json()) as { problems: { check: string }[] })
              : undefined;
          },
          60_000,
        );
        expect(ready.problems.map((p) => p.check)).toContain('sinks');
        const committedDuringOutage = await committedMessages(names);
        await new Promise((resolve) => setTimeout(resolve, 5000));
        // Nothing is committed while nothing can be stored.
        expect(await committedMessages(names)).toBe(committedDuringOutage);
        await clickhouseService.start();
        await waitUntilProcessed(names.httpPort, () => allCommitted(endpoints, names));
        expect((await metricValue(names.httpPort, 'bereik_sink_errors_total')) ?? 0).toBeGreaterThan(0);
      } finally {
        await clickhouseService.start();
        await processor.stop();
      }
      const stored = await storedWindows(clickhouse, names.database);
      const expected = expectedWindows(truth);
      expectSameWindows(stored, expected, (actual, wanted, what) => {
        expect(actual, what).toEqual(wanted);
      });
    },
  );
});
