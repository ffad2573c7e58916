/**
 * bereik's main job: load and validate the configuration, serve /metrics, /healthz and /readyz
 * from the first second, build the pipeline (Kafka source -> transforms -> ClickHouse, Prometheus
 * and dead-letter sinks), restore what a previous run kept in memory and start consuming; a
 * dependency that is down at start is waited for with backoff (/readyz names it). On SIGTERM
 * drain: stop consuming, write what is buffered, commit, close.
 */
import type { Server } from 'node:http';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { deadLetterSchemaText, deadLetterSubject } from './events/dead-letter-record.ts';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { explainConnectionFailure, type Dependency } from './config/connection-failures.ts';
import type { EndpointFallbacks } from './config/connections.ts';
import { describeFallbacks } from './config/describe-config.ts';
import { loadConfig, loadSecrets, type Config } from './config/load.ts';
import { streefcijferRows, targetYears, Targets } from './config/targets.ts';
import { Topology } from './config/topology.ts';
import { startHttpServer } from './http/server.ts';
import { Processor } from './pipeline/processor.ts';
import { restorePartition } from './pipeline/restore-partitions.ts';
import { retrier } from './pipeline/retry.ts';
import { createClickHouseClient } from './sinks/clickhouse/client.ts';
import { ClickHouseSink } from './sinks/clickhouse/writer.ts';
import { BusinessMetrics } from './sinks/prometheus/business-metrics.ts';
import { ConsumerLoop } from './sources/kafka/consumer.ts';
import { DeadLetterProducer } from './sinks/kafka/dead-letter-producer.ts';
import { MessageDecoder } from './sources/kafka/decode-message.ts';
import { switchEventReader } from './sources/kafka/event-reader.ts';
import { ensureTopics } from './sources/kafka/topics.ts';
import { createKafka } from './sources/kafka/kafka-client.ts';
import { createSchemaRegistry } from './sources/kafka/schema-registry-client.ts';
import { createLogger, type Logger } from './telemetry/logger.ts';
import { dependencyLabel, PipelineMetrics } from './telemetry/pipeline-metrics.ts';

export interface RunOptions {
  /** The configuration file. */
  readonly configPath: string;
  /** What unset endpoint variables mean (the CLI passes the local development stack). */
  readonly fallbacks?: EndpointFallbacks;
  /** Overrides http.port (tests run several processors on one machine). */
  readonly httpPort?: number | undefined;
  readonly log?: Logger;
  /**
   * The processor cannot go on (the Kafka consumer stopped for good): called once; `bereik run`
   * exits non-zero so Kubernetes (or the operator) restarts it. @default exit the process with 1
   */
  readonly onFatal?: (error: Error) => void;
}

export interface RunningProcessor {
  readonly config: Config;
  readonly server: Server;
  readonly registry: Registry;
  /** Drains and stops; resolves when everything is closed. */
  stop(): Promise<void>;
}

export async function runProcessor(options: RunOptions): Promise<RunningProcessor> {
  const log = options.log ?? createLogger('bereik');
  const config = loadConfig(
    options.configPath,
    options.fallbacks === undefined ? {} : { fallbacks: options.fallbacks },
  );
  const fallback = describeFallbacks(config.connections);
  if (fallback !== undefined) log.info(fallback);
  const secrets = loadSecrets();
  const topology = new Topology(config);
  const targets = new Targets(config.targets);
  const { connections } = config;

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bereik_process_' });
  const business = new BusinessMetrics(registry, topology);
  const telemetry = new PipelineMetrics(registry);
  // Opening hours and targets are known before any dependency answers: shown from the first scrape.
  business.refreshGauges(Date.now(), new Map(), targets);

  const kafka: Kafka = createKafka(connections.kafka, { clientId: config.kafka.clientId, log });
  const clickhouse = createClickHouseClient(connections.clickhouse);
  const sink = new ClickHouseSink(clickhouse, { database: config.clickhouse.database });
  let sinkTrouble: string | undefined;
  const shutdown = new AbortController();
  // Alive before ready: the server answers while the dependencies are still being waited for.
  let starting: string | undefined = 'connecting to ClickHouse';
  // The consumer loop exists only after the sinks are ready; retries in between need no heartbeat.
  const loopRef: { current?: ConsumerLoop } = {};
  const retry = retrier({
    log,
    signal: shutdown.signal,
    onFailure: (what, error) => {
      sinkTrouble = `${what}: ${error instanceof Error ? error.message : String(error)}`;
      const dependency = dependencyLabel(what);
      telemetry.sinkErrors.inc({ sink: dependency });
      if (dependency === 'schema_registry') telemetry.registryRetries.inc();
      void loopRef.current?.keepAlive();
    },
    onRecovered: () => {
      sinkTrouble = undefined;
    },
    // While starting, refused credentials or an untrusted certificate stop bereik with the setting
    // to fix; later (a rotated password, say) the step is retried and /readyz names it.
    fatal: (what, error) =>
      starting === undefined ? undefined : explainConnectionFailure(error, dependencyOf(what)),
  });

  const server = await startHttpServer({
    registry,
    host: config.http.host,
    port: options.httpPort ?? config.http.port,
    readiness: [
      {
        name: 'startup',
        check: () =>
          starting === undefined
            ? undefined
            : `starting: ${starting}${sinkTrouble === undefined ? '' : `, waiting for ${sinkTrouble}`}`,
      },
      {
        name: 'kafka',
        check: () =>
          loopRef.current?.ready === true ? undefined : 'not (yet) a member of the consumer group',
      },
      { name: 'sinks', check: () => (starting === undefined ? sinkTrouble : undefined) },
      {
        name: 'progress',
        check: () => {
          const stalledMs = loopRef.current?.stalledMs() ?? 0;
          return stalledMs >= config.processing.stallSeconds * 1000
            ? `messages have waited ${Math.round(stalledMs / 1000)} s with no progress (processing.stallSeconds ${config.processing.stallSeconds}): see the log for the failing step`
            : undefined;
        },
      },
    ],
  });
  try {
    return await startPipeline();
  } catch (error) {
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    await clickhouse.close();
    throw error;
  }

  async function startPipeline(): Promise<RunningProcessor> {
    await retry('ClickHouse', () => sink.ensureSchema());
    await retry('ClickHouse', () =>
      sink.writeTargets(streefcijferRows(topology, targets, targetYears(config, Date.now()))),
    );
    await retry('ClickHouse', () =>
      sink.writeQueues(
        [...topology.gemeenten.values()].flatMap((g) =>
          [...g.queues.values()].map((q) => ({
            gemeente: g.code,
            gemeenteName: g.name,
            queue: q.id,
            queueName: q.name,
            kind: q.kind,
          })),
        ),
      ),
    );
    const dropped = await retry('ClickHouse', () =>
      sink.dropExpiredPartitions(config.clickhouse.retentionMonths, Date.now()),
    );
    if (dropped.length > 0) log.info('retention: dropped expired partitions', { dropped });

    starting = 'connecting to Kafka';
    const admin = kafka.admin();
    await retry('Kafka', () => admin.connect());
    const created = await retry('Kafka', () =>
      ensureTopics(admin, [config.kafka.topic, config.kafka.deadLetterTopic]),
    );
    if (created.length > 0) log.info('created topics', { topics: created });
    await admin.disconnect();
    const producer: Producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: true,
    });
    await retry('Kafka', () => producer.connect());

    starting = 'connecting to the Schema Registry';
    const schemaRegistry = createSchemaRegistry(connections.schemaRegistry);
    const { id: deadLetterSchemaId } = await retry('Schema Registry', () =>
      schemaRegistry.register(
        { type: SchemaType.AVRO, schema: deadLetterSchemaText },
        { subject: deadLetterSubject },
      ),
    );
    const processor = new Processor({
      topology,
      targets,
      options: {
        allowedLatenessMs: config.processing.allowedLatenessSeconds * 1000,
        idleAdvanceMs: config.processing.idleAdvanceSeconds * 1000,
        maxFutureSkewMs: config.processing.maxFutureSkewSeconds * 1000,
        callTimeoutMs: config.processing.callTimeoutSeconds * 1000,
        correctionMs: config.processing.correctionWindowSeconds * 1000,
        openCallbackHorizonMs: config.processing.openCallbackHorizonDays * 24 * 3600 * 1000,
        batchMaxRows: config.clickhouse.batchMaxRows,
        batchMaxWaitMs: config.clickhouse.batchMaxWaitMs,
        backlogBatchMaxRows: config.clickhouse.backlogBatchMaxRows,
        backlogBatchMaxWaitMs: config.clickhouse.backlogBatchMaxWaitMs,
        consumerGroup: config.kafka.groupId,
      },
      reader: switchEventReader({
        decoder: new MessageDecoder(schemaRegistry),
        queueIds: topology.queueIds,
        hmacKey: secrets.hmacKey,
        maxFutureSkewMs: config.processing.maxFutureSkewSeconds * 1000,
      }),
      sink,
      deadLetters: new DeadLetterProducer(
        producer,
        config.kafka.deadLetterTopic,
        (record) => schemaRegistry.encode(deadLetterSchemaId, record),
        config.kafka.clientId,
      ),
      counters: business,
      telemetry,
      log,
      now: Date.now,
      retry,
    });
    starting = 'restoring state from ClickHouse';
    const watermarkMs = await retry('ClickHouse', () => sink.loadWatermark(config.kafka.groupId));
    processor.restore({
      callStarts:
        watermarkMs === undefined
          ? []
          : await retry('ClickHouse', () =>
              sink.loadCallStartsSince(watermarkMs - processor.callStartHorizonMs),
            ),
    });
    log.info('restored state', {
      watermark: watermarkMs === undefined ? null : new Date(watermarkMs).toISOString(),
    });

    const consumer = new ConsumerLoop({
      kafka,
      topic: config.kafka.topic,
      groupId: config.kafka.groupId,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      processor,
      telemetry,
      log,
      // Partitions assigned here: calls finalised by their previous owner are resolved against the
      // store, and the partitions' open callbacks are read back (old ones as ids only).
      onAssigned: async (added) => {
        const stored = await retry('ClickHouse', () =>
          sink.loadPartitionWatermarks(config.kafka.groupId, config.kafka.topic),
        );
        processor.noteStoredWatermarks(stored);
        for (const partition of added) {
          const restored = await retry('ClickHouse', () =>
            restorePartition(processor, sink, partition, stored.get(partition)),
          );
          log.info('restored callbacks', { ...restored });
        }
      },
      onFatal:
        options.onFatal ??
        (() => {
          process.exitCode = 1;
          setImmediate(() => process.exit(1));
        }),
    });
    loopRef.current = consumer;
    starting = 'joining the consumer group';
    await consumer.start();
    starting = undefined;
    log.info('bereik is running', {
      topic: config.kafka.topic,
      groupId: config.kafka.groupId,
      metrics: `http://${config.http.host}:${options.httpPort ?? config.http.port}/metrics`,
    });

    let stopping: Promise<void> | undefined;
    return {
      config,
      server,
      registry,
      stop: () =>
        (stopping ??= (async () => {
          log.info('draining: stop consuming, write what is buffered, commit');
          await consumer.stop();
          shutdown.abort();
          await producer.disconnect();
          await clickhouse.close();
          await new Promise<void>((resolve) =>
            server.close(() => {
              resolve();
            }),
          );
          log.info('stopped');
        })()),
    };
  }
}

function dependencyOf(what: string): Dependency {
  const label = dependencyLabel(what);
  return label === 'clickhouse' ? 'ClickHouse' : label === 'schema_registry' ? 'Schema Registry' : 'Kafka';
}
