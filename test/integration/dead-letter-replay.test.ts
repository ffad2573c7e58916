/**
 * Dead letters replayed after the cause is fixed, on the real stack: a gemeente that is missing
 * from the configuration has every event dead-lettered (`unknown-gemeente`); the configuration is
 * fixed, the processor restarted, and `replayDeadLetters` sends them back. Every ClickHouse window
 * of both gemeenten must then equal the simulator's ground truth, and stay so after a second
 * replay (each message counted exactly once). A dry run sends nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runProcessor } from '../../src/main.ts';
import { replayDeadLetters } from '../../src/sources/kafka/replay-dead-letters.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { clickhouseClient } from '../helpers/clients.ts';
import {
  allCommitted,
  deadLettersByReason,
  produceTraffic,
  runConfig,
  testHmacKey,
  waitUntilProcessed,
  type RunNames,
} from '../helpers/pipeline-run.ts';
import { expectSameWindows, expectedWindows, storedWindows } from '../helpers/stored-metrics.ts';
import { localStackFallbacks } from '../../src/cli/local-defaults.ts';

const endpoints = inject('endpoints');

async function processAll(names: RunNames): Promise<void> {
  const processor = await runProcessor({
    configPath: names.configPath,
    fallbacks: localStackFallbacks,
    log: createLogger('replay', 'warn'),
  });
  try {
    await waitUntilProcessed(names.httpPort, () => allCommitted(endpoints, names));
  } finally {
    await processor.stop();
  }
}

describe('dead letters replayed after a fix', () => {
  const clickhouse = clickhouseClient(endpoints);
  afterAll(async () => {
    await clickhouse.close();
  });

  it('restores every figure of a gemeente that was missing from the configuration, exactly once', async () => {
    process.env['BEREIK_HMAC_KEY'] = testHmacKey;
    const names = runConfig('replay');
    const full = readFileSync(names.configPath, 'utf8');
    const truth = await produceTraffic(endpoints, names, {
      seed: 17,
      fromMs: Date.parse('2026-11-16T00:00:00+01:00'),
      toMs: Date.parse('2026-11-18T00:00:00+01:00'),
      callsPerDay: 300,
    });
    // The second gemeente (Almere, GM0034) left out: all its events are dead letters.
    const config = parse(full) as { gemeenten: { code: string }[] };
    const missing = config.gemeenten[1]?.code ?? '';
    expect(missing).toBe('GM0034');
    writeFileSync(names.configPath, stringify({ ...config, gemeenten: config.gemeenten.slice(0, 1) }));
    await processAll(names);
    const lettered = await deadLettersByReason(endpoints, names, 1);
    expect(Object.keys(lettered)).toEqual(['unknown-gemeente']);
    expect(lettered['unknown-gemeente']).toBeGreaterThan(500);
    const stored = await storedWindows(clickhouse, names.database);
    expect(Object.keys(stored.legs).some((k) => k.startsWith(`${missing}|`))).toBe(false);

    const kafka = new Kafka({
      clientId: 'replay-test',
      brokers: [endpoints.kafka.url],
      logLevel: logLevel.NOTHING,
    });
    const replay = (dryRun: boolean) =>
      replayDeadLetters({
        kafka,
        deadLetterTopic: names.deadLetterTopic,
        defaultTopic: names.topic,
        filter: { reasons: new Set(['unknown-gemeente']) },
        dryRun,
      });
    const endsBefore = await topicEnd(kafka, names.topic);
    const dry = await replay(true);
    expect(dry.replayed).toEqual({ 'unknown-gemeente': lettered['unknown-gemeente'] });
    // A dry run sends nothing.
    expect(await topicEnd(kafka, names.topic)).toBe(endsBefore);

    // The fix: the full configuration again, the processor restarted, the dead letters replayed.
    writeFileSync(names.configPath, full);
    const first = await replay(false);
    expect(first).toEqual({ read: dry.read, replayed: dry.replayed, skipped: {} });
    expect(await topicEnd(kafka, names.topic)).toBe(endsBefore + (lettered['unknown-gemeente'] ?? 0));
    await processAll(names);
    const expected = expectedWindows(truth);
    const afterFirst = await storedWindows(clickhouse, names.database);
    expectSameWindows(afterFirst, expected, (actual, wanted, what) => {
      expect(actual, what).toEqual(wanted);
    });

    console.log(
      `[dead-letter-replay] ${first.read} dead letters read, replayed ${JSON.stringify(first.replayed)}; windows exact`,
    );

    // Replayed again by mistake: nothing changes.
    await replay(false);
    await processAll(names);
    expectSameWindows(await storedWindows(clickhouse, names.database), expected, (actual, wanted, what) => {
      expect(actual, what).toEqual(wanted);
    });
  }, 300_000);
});

async function topicEnd(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
