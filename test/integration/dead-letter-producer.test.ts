/**
 * Many dead letters at once (a misconfigured producer can make every message bad) must not exceed
 * Kafka's request size: the producer sends them in slices, and every one arrives with its headers.
 * Regression: a benchmark whose messages all failed retried one over-sized request forever.
 */
import { Partitioners } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { DeadLetterProducer } from '../../src/sinks/kafka/dead-letter-producer.ts';
import { eventually, kafkaClient, uniqueName } from '../helpers/clients.ts';

const endpoints = inject('endpoints');

describe('dead-letter producer', () => {
  it('delivers 5000 dead letters of 400 bytes (2 MB, twice the default request limit) in one call', async () => {
    const topic = uniqueName('dlq-size');
    const kafka = kafkaClient(endpoints);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const dlq = new DeadLetterProducer(producer, topic, () => Promise.resolve(Buffer.alloc(40)));
    const letters = Array.from({ length: 5000 }, (_, i) => ({
      message: {
        topic: 'switch',
        partition: 0,
        offset: i,
        key: Buffer.from(`k${i}`),
        value: Buffer.alloc(400, 1),
        timestamp: 0,
      },
      reason: 'wrong-schema' as const,
      detail: `message ${i} is not a CallEvent`,
    }));
    await dlq.send(letters);
    await producer.disconnect();
    const count = await eventually('all dead letters in the topic', async () => {
      const [p] = await admin.fetchTopicOffsets(topic);
      return Number(p?.high ?? 0) === letters.length ? Number(p?.high) : undefined;
    });
    await admin.disconnect();
    expect(count).toBe(5000);
  });
});
