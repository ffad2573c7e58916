/**
 * The local stack works end to end with bereik's libraries: an Avro record goes through the
 * Schema Registry into Kafka, comes back through a consumer group that commits its offset, is
 * written to ClickHouse and read back; and Prometheus scrapes a metric from an HTTP endpoint.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import express from 'express';
import { Registry, Counter } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { setScrapeTargets } from '../../src/stack/prometheus.ts';
import {
  clickhouseClient,
  eventually,
  kafkaClient,
  schemaRegistryClient,
  uniqueName,
} from '../helpers/clients.ts';

const endpoints = inject('endpoints');
const callEventSchema = readFileSync(
  new URL('../../schemas/nl.veertien.switch.v1.CallEvent.avsc', import.meta.url),
  'utf8',
);

const sampleEvent = {
  eventId: 'e-roundtrip-1',
  type: 'QUEUE_ENTERED',
  occurredAt: Date.UTC(2026, 10, 23, 9, 0, 0),
  gemeente: 'GM0307',
  callId: 'c1',
  legId: 'l1',
  queue: 'kcc',
  transferredFromLegId: null,
  callerNumber: null,
  dialledNumber: null,
  agentId: null,
  callbackId: null,
  callbackOutcome: null,
  surveyScore: null,
};

describe('local stack round trip', () => {
  const clickhouse = clickhouseClient(endpoints);
  afterAll(async () => {
    await clickhouse.close();
  });

  it('carries an Avro record from the Schema Registry through Kafka into ClickHouse and back', async () => {
    const topic = uniqueName('roundtrip');
    const registry = schemaRegistryClient(endpoints);
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: callEventSchema },
      { subject: `${topic}-value` },
    );
    // Registering the same schema again must give the same id, as Confluent's registry does.
    const again = await registry.register(
      { type: SchemaType.AVRO, schema: callEventSchema },
      { subject: `${topic}-value` },
    );
    expect(again.id).toBe(id);

    const value = await registry.encode(id, sampleEvent);
    expect(value[0]).toBe(0); // Confluent wire format: magic byte 0, then the schema id
    expect(value.readInt32BE(1)).toBe(id);

    const kafka = kafkaClient(endpoints);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: sampleEvent.callId, value }] });
    await producer.disconnect();

    const groupId = uniqueName('roundtrip-group');
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: unknown[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value !== null) received.push(await registry.decode(message.value));
      },
    });
    await eventually('the consumer to receive the record', () =>
      Promise.resolve(received.length > 0 ? true : undefined),
    );
    await consumer.disconnect(); // commits the consumed offset

    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets[0]?.partitions[0]?.offset).toBe('1');
    await admin.disconnect();

    expect(received).toEqual([sampleEvent]);

    const table = uniqueName('roundtrip');
    await clickhouse.command({
      query: `CREATE TABLE ${table} (eventId String, type String, occurredAt DateTime, gemeente String, queue String)
              ENGINE = MergeTree PARTITION BY toYYYYMM(occurredAt) ORDER BY (gemeente, occurredAt)`,
    });
    const decoded = received[0] as typeof sampleEvent;
    await clickhouse.insert({
      table,
      format: 'JSONEachRow',
      values: [
        {
          eventId: decoded.eventId,
          type: decoded.type,
          occurredAt: Math.floor(decoded.occurredAt / 1000),
          gemeente: decoded.gemeente,
          queue: decoded.queue,
        },
      ],
    });
    const rows = await clickhouse.query({
      query: `SELECT eventId, type, toString(occurredAt, 'UTC') AS occurredAt, gemeente, queue FROM ${table}`,
      format: 'JSONEachRow',
    });
    expect(await rows.json()).toEqual([
      {
        eventId: 'e-roundtrip-1',
        type: 'QUEUE_ENTERED',
        occurredAt: '2026-11-23 09:00:00',
        gemeente: 'GM0307',
        queue: 'kcc',
      },
    ]);
    await clickhouse.command({ query: `DROP TABLE ${table}` });
  });

  it.skipIf(endpoints.prometheus.external)(
    'has Prometheus scrape a metric from an HTTP endpoint',
    async () => {
      const registry = new Registry();
      const counter = new Counter({
        name: 'bereik_stack_test_total',
        help: 'A counter only the stack test sets.',
        registers: [registry],
      });
      counter.inc(42);
      const app = express();
      app.get('/metrics', async (_req, res) => {
        res.type(registry.contentType).send(await registry.metrics());
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        await setScrapeTargets([`127.0.0.1:${port}`]);
        const value = await eventually(
          'Prometheus to scrape bereik_stack_test_total',
          async () => {
            const url = `${endpoints.prometheus.url}/api/v1/query?query=${encodeURIComponent('bereik_stack_test_total')}`;
            const body = (await (await fetch(url)).json()) as {
              data: { result: { value: [number, string] }[] };
            };
            return body.data.result[0]?.value[1];
          },
          60_000,
        );
        expect(value).toBe('42');
      } finally {
        await setScrapeTargets([]);
        server.close();
      }
    },
  );
});
