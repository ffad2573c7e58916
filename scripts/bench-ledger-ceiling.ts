/**
 * A ceiling for the bench: what reading a backlog costs when every event is only stored, not
 * derived. A consumer group reads the topic, each message goes through bereik's own edge
 * (Schema Registry decoding, validation, pseudonymising), and the accepted events are written to
 * the ledger in ClickHouse by bereik's own sink (its index and its rows, RowBinary) in flushes of
 * `flushRows`, offsets committed after each. No tracking, no facts, no rollups, no dead letters.
 *
 * It is generous on purpose: one flush is stored while the next one fills, without the fence
 * bereik keeps against a partition's next owner. Any design that keeps a ledger of the events in
 * ClickHouse reads no faster than this on the same machine; what bereik adds is the distance to it.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Kafka } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { ConfigFile } from '../src/config/schema.ts';
import { Topology } from '../src/config/topology.ts';
import { emptyBatch, type LedgerRow } from '../src/pipeline/contracts.ts';
import { ClickHouseSink } from '../src/sinks/clickhouse/writer.ts';
import { MessageDecoder } from '../src/sources/kafka/decode-message.ts';
import { switchEventReader } from '../src/sources/kafka/event-reader.ts';

export interface LedgerCeilingOptions {
  readonly kafka: Kafka;
  readonly registry: SchemaRegistry;
  readonly clickhouse: ClickHouseClient;
  /** A database of its own: created here, dropped by the caller. */
  readonly database: string;
  readonly topic: string;
  /** The messages in the topic: the run ends when this many are read and stored. */
  readonly messages: number;
  readonly config: ConfigFile;
  /** @default 50 000, the shipped flush size while behind */
  readonly flushRows?: number;
}

export interface LedgerCeilingRun {
  readonly seconds: number;
  /**
   * CPU seconds (user and system) of this process meanwhile: the bench's own process, so whatever
   * else it does at the same time counts too (nothing, while this runs).
   */
  readonly cpuSeconds: number;
  /** Events stored (the accepted ones); the others were rejected at the edge. */
  readonly stored: number;
}

export async function ledgerCeiling(o: LedgerCeilingOptions): Promise<LedgerCeilingRun> {
  const groupId = `bench-ledger-${Date.now()}`;
  const flushRows = o.flushRows ?? 50_000;
  const sink = new ClickHouseSink(o.clickhouse, { database: o.database });
  await sink.ensureSchema();
  const reader = switchEventReader({
    decoder: new MessageDecoder(o.registry),
    queueIds: new Topology(o.config).queueIds,
    hmacKey: 'bench-ledger-ceiling-key-32-bytes',
    // The backlog's events lie in the past: nothing is too far ahead of the clock.
    maxFutureSkewMs: Number.MAX_SAFE_INTEGER,
  });
  const consumer = o.kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });

  let read = 0;
  let stored = 0;
  let started = 0;
  let cpuAtStart = process.cpuUsage();
  let filling: LedgerRow[] = [];
  /** The next offset to commit per partition, as far as `filling` reaches. */
  let reached = new Map<number, string>();
  let writing: Promise<void> = Promise.resolve();
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const flush = async (): Promise<void> => {
    const events = filling;
    const offsets = reached;
    filling = [];
    reached = new Map();
    // One flush in flight: the one before is stored (and committed) before this one starts.
    await writing;
    writing = (async () => {
      if (events.length > 0) await sink.write({ ...emptyBatch(groupId), events });
      stored += events.length;
      await consumer.commitOffsets(
        [...offsets].map(([partition, offset]) => ({ topic: o.topic, partition, offset })),
      );
    })().catch(fail);
  };

  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      try {
        if (started === 0) {
          started = performance.now();
          cpuAtStart = process.cpuUsage();
        }
        const now = Date.now();
        for (const m of batch.messages) {
          const result = reader.readKnown(m.value, now) ?? (await reader.read(m.value, now));
          if (result.ok) {
            filling.push({
              event: result.event,
              kafkaPartition: batch.partition,
              kafkaOffset: Number(m.offset),
            });
          }
        }
        read += batch.messages.length;
        const last = batch.messages.at(-1);
        if (last !== undefined) reached.set(batch.partition, String(Number(last.offset) + 1));
        if (filling.length >= flushRows || read >= o.messages) await flush();
        if (read >= o.messages) {
          await writing;
          finish();
        }
      } catch (error) {
        fail(error);
      }
    },
  });
  try {
    await Promise.race([finished, failed]);
    const cpu = process.cpuUsage(cpuAtStart);
    return {
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      stored,
    };
  } finally {
    await consumer.disconnect();
  }
}
