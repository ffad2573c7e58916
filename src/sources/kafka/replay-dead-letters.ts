/**
 * `bereik dead-letters replay`: reads the dead-letter topic once, from its start to the end it had
 * when the replay began, and sends the chosen dead letters back to the topic they came from with
 * their original key and bytes (bereik then handles them like late events; a message already
 * stored changes nothing). Uses a consumer group of its own, deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka, Message } from 'kafkajs';
import { decideReplay, type ReplayFilter } from './replay-selection.ts';

export interface ReplayResult {
  /** Dead letters read. */
  read: number;
  /** Replayed (or, in a dry run, to be replayed), by reason. */
  replayed: Record<string, number>;
  /** Not replayed, by why. */
  skipped: Record<string, number>;
}

export interface ReplayOptions {
  readonly kafka: Kafka;
  readonly deadLetterTopic: string;
  /** Where a dead letter without a source-topic header goes. */
  readonly defaultTopic: string;
  readonly filter: ReplayFilter;
  readonly dryRun: boolean;
}

const text = (headers: IHeaders | undefined): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([k, v]) => [k, v === undefined ? undefined : String(v)]),
  );

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  const { kafka, deadLetterTopic } = options;
  const result: ReplayResult = { read: 0, replayed: {}, skipped: {} };
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `bereik-replay-${randomUUID()}`;
  try {
    if (!(await admin.listTopics()).includes(deadLetterTopic))
      throw new Error(
        `the dead-letter topic ${deadLetterTopic} does not exist: check kafka.deadLetterTopic in the configuration (nothing was ever dead-lettered under that name)`,
      );
    // The end as it is now: what arrives later (new rejections) waits for the next replay.
    const ends = new Map(
      (await admin.fetchTopicOffsets(deadLetterTopic))
        .filter((p) => Number(p.high) > Number(p.low))
        .map((p) => [p.partition, Number(p.high)]),
    );
    if (ends.size === 0) return result;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({ groupId });
    await Promise.all([producer.connect(), consumer.connect()]);
    try {
      const seen = new Set<string>();
      const done = new Set<number>();
      let finished: () => void = () => undefined;
      const allRead = new Promise<void>((resolve) => {
        finished = resolve;
      });
      await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
      await consumer.run({
        eachBatch: async (payload) => {
          const { batch } = payload;
          const end = ends.get(batch.partition);
          if (end === undefined || done.has(batch.partition)) return;
          const outgoing = new Map<string, Message[]>();
          for (const m of batch.messages) {
            if (Number(m.offset) >= end) break;
            result.read++;
            const decision = decideReplay(text(m.headers), options.filter, seen, options.defaultTopic);
            if (decision.replay) {
              result.replayed[decision.reason] = (result.replayed[decision.reason] ?? 0) + 1;
              const list = outgoing.get(decision.topic) ?? [];
              list.push({
                key: m.key,
                value: m.value,
                headers: { 'bereik-replayed-from': `${deadLetterTopic}/${batch.partition}/${m.offset}` },
              });
              outgoing.set(decision.topic, list);
            } else {
              result.skipped[decision.skipped] = (result.skipped[decision.skipped] ?? 0) + 1;
            }
            payload.resolveOffset(m.offset);
          }
          if (!options.dryRun)
            for (const [topic, messages] of outgoing) await producer.send({ topic, acks: -1, messages });
          await payload.heartbeat();
          const last = Number(batch.messages.at(-1)?.offset ?? -1);
          if (last + 1 >= end) {
            done.add(batch.partition);
            if (done.size === ends.size) finished();
          }
        },
      });
      await allRead;
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
    return result;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
