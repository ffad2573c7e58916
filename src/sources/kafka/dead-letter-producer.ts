/**
 * The dead-letter topic: every rejected message goes there with its original key and bytes and
 * the reason in headers, so nothing is lost and it can be replayed after a fix. Headers:
 * `bereik-reason` (from the closed list in events/dead-letter.ts), `bereik-detail`,
 * `bereik-source-topic`, `bereik-source-partition`, `bereik-source-offset`, `bereik-failed-at`.
 */
import type { Producer } from 'kafkajs';
import type { DeadLetter, DeadLetterSink } from '../../pipeline/sink-batch.ts';

export class DeadLetterProducer implements DeadLetterSink {
  readonly #producer: Producer;
  readonly #topic: string;
  readonly #now: () => number;

  constructor(producer: Producer, topic: string, now: () => number = Date.now) {
    this.#producer = producer;
    this.#topic = topic;
    this.#now = now;
  }

  async send(deadLetters: readonly DeadLetter[]): Promise<void> {
    const failedAt = new Date(this.#now()).toISOString();
    await this.#producer.send({
      topic: this.#topic,
      acks: -1,
      messages: deadLetters.map(({ message, reason, detail }) => ({
        key: message.key,
        value: message.value,
        headers: {
          'bereik-reason': reason,
          'bereik-detail': detail,
          'bereik-source-topic': message.topic,
          'bereik-source-partition': String(message.partition),
          'bereik-source-offset': String(message.offset),
          'bereik-failed-at': failedAt,
        },
      })),
    });
  }
}
