/**
 * Producing to Kafka, against an in-memory producer and a registry that encodes with avsc the way
 * the Confluent client does (magic byte 0, 4-byte schema id, Avro): the wire bytes of events and of
 * each malformed kind, keys, batching, and real-time pacing on a fake clock.
 */
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type { ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { RawCallEvent } from '../../../src/events/call-event.ts';
import {
  callEventSchemaText,
  produceMessages,
  UNKNOWN_SCHEMA_ID,
  type EventEncoder,
  type MessageSender,
  type SimMessage,
} from '../../../src/simulate/index.ts';
import { switchEvent } from '../../../src/simulate/call-events.ts';
import { must } from './helpers.ts';

const SCHEMA_ID = 17;
const type = avro.Type.forSchema(JSON.parse(callEventSchemaText) as avro.Schema);

class FakeRegistry implements EventEncoder {
  readonly subjects: string[] = [];
  register(
    schema: { type: SchemaType.AVRO; schema: string },
    options: { subject: string },
  ): Promise<{ id: number }> {
    expect(schema.type).toBe(SchemaType.AVRO);
    expect(JSON.parse(schema.schema)).toMatchObject({
      name: 'CallEvent',
      namespace: 'nl.veertien.switch.v1',
    });
    this.subjects.push(options.subject);
    return Promise.resolve({ id: SCHEMA_ID });
  }
  encode(schemaId: number, payload: unknown): Promise<Buffer> {
    const header = Buffer.alloc(5);
    header.writeInt32BE(schemaId, 1);
    return Promise.resolve(Buffer.concat([header, type.toBuffer(payload)]));
  }
}

class FakeProducer implements MessageSender {
  readonly records: ProducerRecord[] = [];
  send(record: ProducerRecord): Promise<never[]> {
    this.records.push(record);
    return Promise.resolve([]);
  }
}

const event = (id: string, at: number): RawCallEvent =>
  switchEvent(id, 'CALL_STARTED', at, 'GM0307', { callId: `c-${id}`, dialledNumber: '14033' });
const msg = (id: string, at: number): SimMessage => ({
  key: `c-${id}`,
  deliverAt: at,
  payload: { kind: 'event', event: event(id, at) },
});

describe('produceMessages', () => {
  it('registers the schema under <topic>-value and sends Confluent wire-format Avro, keyed, in batches with acks from all', async () => {
    const registry = new FakeRegistry();
    const producer = new FakeProducer();
    const messages = Array.from({ length: 5 }, (_, i) => msg(`e${i}`, 1_000 + i));
    const counts = await produceMessages(messages, producer, registry, {
      topic: 'switch.test',
      batchSize: 2,
    });
    expect(registry.subjects).toEqual(['switch.test-value']);
    expect(counts).toMatchObject({
      schemaId: SCHEMA_ID,
      messages: 5,
      events: 5,
      malformed: 0,
      batches: 3,
      lastDeliverAt: 1004,
      aborted: false,
    });
    expect(producer.records.map((r) => r.messages.length)).toEqual([2, 2, 1]);
    expect(producer.records.every((r) => r.acks === -1 && r.topic === 'switch.test')).toBe(true);
    const first = must(producer.records[0]?.messages[0]);
    expect(first.key).toBe('c-e0');
    const value = first.value as Buffer;
    expect(value[0]).toBe(0);
    expect(value.readInt32BE(1)).toBe(SCHEMA_ID);
    expect(type.fromBuffer(value.subarray(5))).toMatchObject({
      eventId: 'e0',
      type: 'CALL_STARTED',
      callId: 'c-e0',
    });
  });

  it('makes the bytes of each malformed kind', async () => {
    const producer = new FakeProducer();
    const malformed = (fault: 'wrong-magic-byte' | 'unknown-schema-id' | 'undecodable'): SimMessage => ({
      key: `m-${fault}`,
      deliverAt: 1,
      payload: { kind: 'malformed', fault },
      expectedDeadLetter: fault,
    });
    const counts = await produceMessages(
      [malformed('wrong-magic-byte'), malformed('unknown-schema-id'), malformed('undecodable')],
      producer,
      new FakeRegistry(),
      { topic: 't' },
    );
    expect(counts).toMatchObject({ messages: 3, events: 0, malformed: 3 });
    const [wrongMagic, unknownId, undecodable] = must(producer.records[0]).messages.map(
      (m) => m.value as Buffer,
    );
    expect(must(wrongMagic)[0]).toBe(1);
    expect(must(unknownId)[0]).toBe(0);
    expect(must(unknownId).readInt32BE(1)).toBe(UNKNOWN_SCHEMA_ID);
    expect(type.fromBuffer(must(unknownId).subarray(5))).toMatchObject({ type: 'CALL_STARTED' }); // valid Avro, unknown id
    expect(must(undecodable)[0]).toBe(0);
    expect(must(undecodable).readInt32BE(1)).toBe(SCHEMA_ID);
    expect(() => {
      type.fromBuffer(must(undecodable).subarray(5));
    }).toThrow();
  });

  it('paces real time: sends what is due, sleeps until the next deliverAt', async () => {
    let clock = 10_000;
    const sleeps: number[] = [];
    const producer = new FakeProducer();
    const sentAt: number[] = [];
    const timedProducer: MessageSender = {
      send: (record) => {
        sentAt.push(clock);
        return producer.send(record);
      },
    };
    const counts = await produceMessages(
      [msg('a', 9_000), msg('b', 10_000), msg('c', 12_500), msg('d', 12_500), msg('e', 20_000)],
      timedProducer,
      new FakeRegistry(),
      {
        topic: 't',
        realTime: true,
        now: () => clock,
        sleep: (ms) => {
          sleeps.push(ms);
          clock += ms;
          return Promise.resolve();
        },
      },
    );
    expect(sleeps).toEqual([2_500, 7_500]);
    expect(producer.records.map((r) => r.messages.map((m) => m.key))).toEqual([
      ['c-a', 'c-b'],
      ['c-c', 'c-d'],
      ['c-e'],
    ]);
    expect(sentAt).toEqual([10_000, 12_500, 20_000]);
    expect(counts.batches).toBe(3);
  });

  it('stops when aborted, after sending what it batched', async () => {
    const controller = new AbortController();
    const producer = new FakeProducer();
    let clock = 0;
    const counts = await produceMessages(
      [msg('a', 0), msg('b', 1000), msg('c', 2000)],
      producer,
      new FakeRegistry(),
      {
        topic: 't',
        realTime: true,
        signal: controller.signal,
        now: () => clock,
        sleep: (ms) => {
          clock += ms;
          controller.abort();
          return Promise.resolve();
        },
      },
    );
    expect(counts).toMatchObject({ messages: 1, aborted: true });
    expect(producer.records.flatMap((r) => r.messages.map((m) => m.key))).toEqual(['c-a']);
  });
});
