/**
 * bereik end to end on the real stack: simulated switch traffic with every fault goes through the
 * Schema Registry into Kafka; the processor consumes it; ClickHouse's rollups and Prometheus's
 * counters must equal the simulator's ground truth exactly, window by window, and every bad
 * message must be in the dead-letter topic with its reason.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runProcessor, type RunningProcessor } from '../../src/main.ts';
import type { GroundTruth } from '../../src/simulate/index.ts';
import { setScrapeTargets } from '../../src/stack/prometheus.ts';
import { clickhouseClient, eventually } from '../helpers/clients.ts';
import {
  allCommitted,
  deadLettersByReason,
  produceTraffic,
  runConfig,
  testHmacKey,
  waitUntilProcessed,
  type RunNames,
} from '../helpers/pipeline-run.ts';
import {
  expectSameWindows,
  expectedLegResults,
  expectedWindows,
  promQuery,
  storedWindows,
} from '../helpers/stored-metrics.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { localStackFallbacks } from '../../src/cli/local-defaults.ts';
import { EVERY_FAULT } from '../../src/simulate/options.ts';

const endpoints = inject('endpoints');

describe('pipeline end to end', () => {
  let names: RunNames;
  let truth: GroundTruth;
  let processor: RunningProcessor;
  const clickhouse = clickhouseClient(endpoints);

  beforeAll(async () => {
    process.env['BEREIK_HMAC_KEY'] = testHmacKey;
    names = runConfig('e2e');
    truth = await produceTraffic(endpoints, names, {
      seed: 7,
      fromMs: Date.parse('2026-11-09T00:00:00+01:00'),
      toMs: Date.parse('2026-11-12T00:00:00+01:00'),
      callsPerDay: 300,
      faults: EVERY_FAULT,
    });
    processor = await runProcessor({
      configPath: names.configPath,
      fallbacks: localStackFallbacks,
      log: createLogger('e2e', 'warn'),
    });
    await waitUntilProcessed(names.httpPort, () => allCommitted(endpoints, names));
  });

  afterAll(async () => {
    await processor.stop();
    await clickhouse.close();
  });

  it('stores exactly the ground truth in every ClickHouse window', async () => {
    const stored = await storedWindows(clickhouse, names.database);
    const expected = expectedWindows(truth);
    expect(Object.keys(stored.legs).length).toBeGreaterThan(500);
    expectSameWindows(stored, expected, (actual, wanted, what) => {
      expect(actual, what).toEqual(wanted);
    });
  });

  it('dead-letters every bad message once, with its reason and original bytes', async () => {
    const expected = Object.fromEntries(Object.entries(truth.deadLetters).filter(([, n]) => n > 0));
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20);
    expect(await deadLettersByReason(endpoints, names, total)).toEqual(expected);
  });

  it.skipIf(endpoints.prometheus.external)('has Prometheus counters equal to the ground truth', async () => {
    await setScrapeTargets([`127.0.0.1:${names.httpPort}`]);
    try {
      // Only this run's processor: other tests' processors may be scraped at the same time.
      const own = `{instance="127.0.0.1:${names.httpPort}"}`;
      const query = `sum by (gemeente, queue, result) (bereik_legs_total${own}) - sum by (gemeente, queue, result) (bereik_legs_retracted_total${own})`;
      const key = (m: Record<string, string>) =>
        `${m['gemeente'] ?? ''}|${m['queue'] ?? ''}|${m['result'] ?? ''}`;
      const expected = expectedLegResults(truth);
      const scraped = await eventually(
        'Prometheus to scrape the final counters',
        async () => {
          const values = await promQuery(endpoints.prometheus.url, query, key);
          const nonZero = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== 0));
          // The scrape after the last flush shows every series with a count.
          return Object.keys(nonZero).length === Object.keys(expected).length ? nonZero : undefined;
        },
        60_000,
      );
      expect(scraped).toEqual(expected);
    } finally {
      await setScrapeTargets([]);
    }
  });
});
