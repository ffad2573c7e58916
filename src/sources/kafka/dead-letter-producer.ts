/**
 * The dead-letter topic: every rejected message goes there with its original key and bytes and
 * the reason in headers, so nothing is lost and it can be replayed after a fix. Headers:
 * `bereik-reason` (from the closed list in events/dead-letter.ts), `bereik-detail`,
 * `bereik-source-topic`, `bereik-source-partition`, `bereik-source-offset`, `bereik-failed-at`,
 * and `bereik-dead-letter`: the same as an Avro nl.bereik.v1.DeadLetter in the Confluent wire format.
 */
import type { Producer } from 'kafkajs';
import { reasonSymbol, type DeadLetterRecord } from '../../events/dead-letter-record.ts';
import type { DeadLetter, DeadLetterSink } from '../../pipeline/sink-batch.ts';

export class DeadLetterProducer implements DeadLetterSink {
  readonly #producer: Producer;
  readonly #topic: string;
  readonly #encode: (record: DeadLetterRecord) => Promise<Buffer>;
  readonly #processor: string;
  readonly #now: () => number;

  /** @param encode encodes a DeadLetter record with its registered schema (SchemaRegistry.encode). */
  constructor(
    producer: Producer,
    topic: string,
    encode: (record: DeadLetterRecord) => Promise<Buffer>,
    processor = 'bereik',
    now: () => number = Date.now,
  ) {
    this.#producer = producer;
    this.#topic = topic;
    this.#encode = encode;
    this.#processor = processor;
    this.#now = now;
  }

  async send(deadLetters: readonly DeadLetter[]): Promise<void> {
    const now = this.#now();
    const failedAt = new Date(now).toISOString();
    const records = await Promise.all(
      deadLetters.map(({ message, reason, detail }) =>
        this.#encode({
          reason: reasonSymbol(reason),
          detail,
          sourceTopic: message.topic,
          sourcePartition: message.partition,
          sourceOffset: message.offset,
          failedAt: now,
          processor: this.#processor,
        }),
      ),
    );
    const messages = deadLetters.map(({ message, reason, detail }, i) => ({
      key: message.key,
      value: message.value,
      headers: {
        'bereik-dead-letter': records[i] ?? Buffer.alloc(0),
        'bereik-reason': reason,
        'bereik-detail': detail,
        'bereik-source-topic': message.topic,
        'bereik-source-partition': String(message.partition),
        'bereik-source-offset': String(message.offset),
        'bereik-failed-at': failedAt,
      },
    }));
    // Kafka refuses a request over message.max.bytes (1 MiB by default): send in slices well below it.
    for (const slice of slicesBelow(messages, maxRequestBytes)) {
      await this.#producer.send({ topic: this.#topic, acks: -1, messages: slice });
    }
  }
}

/** Well below Kafka's default message.max.bytes (1 MiB), leaving room for batch overhead. */
const maxRequestBytes = 512 * 1024;

function sizeOf(message: {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | Buffer>;
}): number {
  let size = 64 + (message.key?.length ?? 0) + (message.value?.length ?? 0);
  for (const [name, value] of Object.entries(message.headers)) size += name.length + value.length;
  return size;
}

function* slicesBelow<
  T extends { key: Buffer | null; value: Buffer | null; headers: Record<string, string | Buffer> },
>(messages: readonly T[], limit: number): Generator<T[]> {
  let slice: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = sizeOf(message);
    if (slice.length > 0 && bytes + size > limit) {
      yield slice;
      slice = [];
      bytes = 0;
    }
    slice.push(message);
    bytes += size;
  }
  if (slice.length > 0) yield slice;
}
