/**
 * Sends the simulator's messages to Kafka as the switch would: Avro in the Confluent wire format
 * (schema registered under `<topic>-value`), keyed by call or callback id, in delivery order, in
 * batches; in real time it sleeps until each message's deliverAt. Malformed messages get the bytes
 * of their fault.
 *
 * In: SimMessages (a generator is fine: nothing is held beyond one batch), a kafkajs Producer, a
 * Schema Registry client. Out: the messages on the topic, and counts of what was sent.
 */
import { readFileSync } from 'node:fs';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Message, Producer } from 'kafkajs';
import { switchEvent } from './call-events.ts';
import type { MalformedFault, SimMessage } from './message.ts';

/** The switch's Avro schema, as given (schemas/nl.veertien.switch.v1.CallEvent.avsc). */
export const callEventSchemaText = readFileSync(
  new URL('../../schemas/nl.veertien.switch.v1.CallEvent.avsc', import.meta.url),
  'utf8',
);

/** A schema id no registry hands out in practice: the "unknown schema id" fault uses it. */
export const UNKNOWN_SCHEMA_ID = 2_147_480_000;

/** What produceMessages needs of a kafkajs Producer. */
export type MessageSender = Pick<Producer, 'send'>;
/** What produceMessages needs of a Schema Registry client (a @kafkajs/confluent-schema-registry SchemaRegistry). */
export interface EventEncoder {
  register(
    schema: { type: SchemaType.AVRO; schema: string },
    options: { subject: string },
  ): Promise<{ id: number }>;
  encode(schemaId: number, payload: unknown): Promise<Buffer>;
}

export interface ProduceOptions {
  readonly topic: string;
  /** Sleep until each message's deliverAt (live mode); otherwise send as fast as Kafka takes it. @default false */
  readonly realTime?: boolean;
  /** Messages per send. @default 500 */
  readonly batchSize?: number;
  /** Stops producing (after sending what is batched). */
  readonly signal?: AbortSignal;
  /** Called after every batch, e.g. for progress output. */
  readonly onBatch?: (counts: ProduceCounts) => void;
  /** The clock, for real-time pacing. @default Date.now */
  readonly now?: () => number;
  /** Waits `ms`, resolving early when `signal` aborts. @default a timer */
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

export interface ProduceCounts {
  /** The schema id the events were encoded with. */
  readonly schemaId: number;
  /** Messages sent, all kinds. */
  readonly messages: number;
  /** Of those, encoded events (including duplicates and invalid events). */
  readonly events: number;
  /** Of those, malformed values. */
  readonly malformed: number;
  readonly batches: number;
  /** deliverAt of the last message sent; null when none was. */
  readonly lastDeliverAt: number | null;
  /** True when the signal stopped the run before the messages ran out. */
  readonly aborted: boolean;
}

/** Registers the switch's schema under `<topic>-value` (TopicNameStrategy); returns its id. */
export async function registerCallEventSchema(registry: EventEncoder, topic: string): Promise<number> {
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: callEventSchemaText },
    { subject: `${topic}-value` },
  );
  return id;
}

/**
 * The bytes of a malformed message. From a valid encoding of a placeholder event:
 * - wrong-magic-byte: the first byte set to 1;
 * - unknown-schema-id: magic byte 0, schema id UNKNOWN_SCHEMA_ID, valid Avro;
 * - undecodable: magic byte 0 and the real schema id, but the Avro body cut short, so reading it
 *   runs out of bytes.
 */
export async function malformedValue(
  registry: EventEncoder,
  schemaId: number,
  fault: MalformedFault,
): Promise<Buffer> {
  const placeholder = switchEvent(`malformed-${fault}`, 'CALL_STARTED', Date.UTC(2026, 0, 5, 9), 'GM0000', {
    callId: `malformed-${fault}`,
  });
  const valid = await registry.encode(schemaId, placeholder);
  switch (fault) {
    case 'wrong-magic-byte': {
      const bytes = Buffer.from(valid);
      bytes[0] = 1;
      return bytes;
    }
    case 'unknown-schema-id': {
      const bytes = Buffer.from(valid);
      bytes.writeInt32BE(UNKNOWN_SCHEMA_ID, 1);
      return bytes;
    }
    case 'undecodable':
      return Buffer.from(valid.subarray(0, 5 + Math.floor((valid.length - 5) / 2)));
  }
}

/** A function, so TypeScript does not keep the narrowing of `aborted` across an await. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function timerSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Registers the schema, then sends every message in order: in batches of `batchSize`, each sent
 * with acks from all in-sync replicas. In real time, a batch is sent as soon as the next message
 * is not yet due, and the producer sleeps until it is.
 */
export async function produceMessages(
  messages: Iterable<SimMessage>,
  producer: MessageSender,
  registry: EventEncoder,
  options: ProduceOptions,
): Promise<ProduceCounts> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a whole number >= 1, got ${batchSize}`);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? timerSleep;
  const { signal, topic } = options;
  const schemaId = await registerCallEventSchema(registry, topic);
  const malformed = new Map<MalformedFault, Buffer>();
  const counts = {
    schemaId,
    messages: 0,
    events: 0,
    malformed: 0,
    batches: 0,
    lastDeliverAt: null as number | null,
    aborted: false,
  };
  let batch: Message[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    await producer.send({ topic, acks: -1, messages: batch });
    counts.batches++;
    batch = [];
    options.onBatch?.({ ...counts });
  };

  for (const message of messages) {
    if (isAborted(signal)) {
      counts.aborted = true;
      break;
    }
    if (options.realTime === true) {
      const wait = message.deliverAt - now();
      if (wait > 0) {
        await flush();
        await sleep(wait, signal);
        if (isAborted(signal)) {
          counts.aborted = true;
          break;
        }
      }
    }
    let value: Buffer;
    if (message.payload.kind === 'event') {
      value = await registry.encode(schemaId, message.payload.event);
      counts.events++;
    } else {
      const fault = message.payload.fault;
      let bytes = malformed.get(fault);
      if (bytes === undefined) {
        bytes = await malformedValue(registry, schemaId, fault);
        malformed.set(fault, bytes);
      }
      value = bytes;
      counts.malformed++;
    }
    batch.push({ key: message.key, value });
    counts.messages++;
    counts.lastDeliverAt = message.deliverAt;
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { ...counts };
}
