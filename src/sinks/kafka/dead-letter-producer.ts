/**
 * The dead-letter topic: every rejected message goes there with its original key and bytes and
 * the reason in headers, so nothing is lost and it can be replayed after a fix. Headers:
 * `bereik-reason` (from the closed list in events/dead-letter.ts), `bereik-detail`,
 * `bereik-source-topic`, `bereik-source-partition`, `bereik-source-offset`, `bereik-failed-at`,
 * and `bereik-dead-letter`: the same as an Avro nl.bereik.v1.DeadLetter in the Confluent wire format.
 *
 * A dead letter must itself fit in Kafka: one message over the broker's limit is refused every
 * time, and the caller's retrier would then retry it forever and stop the pipeline. So each dead
 * letter is capped. The detail is cut first (it is in the message twice, and can quote the whole
 * event); if the original value alone is too big, it is left out (`bereik-value-omitted`) and the
 * source topic, partition and offset, which are always there, say where to read it. A key too big
 * on its own is left out the same way (`bereik-key-omitted`).
 */
import type { Producer } from 'kafkajs';
import { reasonSymbol, type DeadLetterRecord } from '../../events/dead-letter-record.ts';
import type { DeadLetter, DeadLetterSink } from '../../pipeline/contracts.ts';

/**
 * Kafka refuses a record batch over message.max.bytes (1 MiB by default): requests are sent in
 * slices of at most this size, well below it, leaving room for batch overhead.
 */
const maxRequestBytes = 512 * 1024;

/** Below this a dead letter could not hold its fixed headers, the record and a marked detail. */
const minMessageBytes = 16 * 1024;

/** Room for the truncation marker plus a little of the detail itself. */
const minDetailBytes = 64;

export interface DeadLetterProducerOptions {
  /**
   * The largest dead letter, measured as key + value + every header name and value (UTF-8) + 64
   * bytes. A larger one gets a shorter detail, then no value, then no key.
   *
   * It cannot be above the request slice limit (512 KiB), and the slice limit does not grow with
   * it: a message at the cap then always fits in a slice on its own, so every request stays within
   * the margin below Kafka's 1 MiB that the slicing was chosen for (a 900 KiB message would leave
   * about 120 KiB for batch overhead and for a topic configured a little below the default).
   * @default 524288 (512 KiB, the request slice limit)
   */
  readonly maxMessageBytes?: number;
  /**
   * The longest detail (UTF-8 bytes), so a detail that quotes a whole event does not make every
   * dead letter large. A longer one is cut and ends in ` … [truncated, N bytes]`, N the bytes cut.
   * @default 4096
   */
  readonly maxDetailBytes?: number;
}

interface DeadLetterMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | Buffer>;
}

/** Which of the original bytes a dead letter carries: left out from the value first, then the key. */
interface Kept {
  readonly key: boolean;
  readonly value: boolean;
}

export class DeadLetterProducer implements DeadLetterSink {
  readonly #producer: Producer;
  readonly #topic: string;
  readonly #encode: (record: DeadLetterRecord) => Promise<Buffer>;
  readonly #processor: string;
  readonly #now: () => number;
  readonly #maxMessageBytes: number;
  readonly #maxDetailBytes: number;

  /** @param encode encodes a DeadLetter record with its registered schema (SchemaRegistry.encode). */
  constructor(
    producer: Producer,
    topic: string,
    encode: (record: DeadLetterRecord) => Promise<Buffer>,
    processor = 'bereik',
    now: () => number = Date.now,
    options: DeadLetterProducerOptions = {},
  ) {
    const { maxMessageBytes = maxRequestBytes, maxDetailBytes = 4096 } = options;
    if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < minMessageBytes) {
      throw new RangeError(`maxMessageBytes must be an integer of at least ${minMessageBytes}`);
    }
    if (maxMessageBytes > maxRequestBytes) {
      throw new RangeError(
        `maxMessageBytes (${maxMessageBytes}) must not exceed the request slice limit (${maxRequestBytes})`,
      );
    }
    if (!Number.isInteger(maxDetailBytes) || maxDetailBytes < minDetailBytes) {
      throw new RangeError(`maxDetailBytes must be an integer of at least ${minDetailBytes}`);
    }
    this.#producer = producer;
    this.#topic = topic;
    this.#encode = encode;
    this.#processor = processor;
    this.#now = now;
    this.#maxMessageBytes = maxMessageBytes;
    this.#maxDetailBytes = maxDetailBytes;
  }

  async send(deadLetters: readonly DeadLetter[]): Promise<void> {
    const now = this.#now();
    const messages = await Promise.all(deadLetters.map((letter) => this.#deadLetterMessage(letter, now)));
    // Every message is at most maxMessageBytes <= maxRequestBytes, so no slice exceeds the limit.
    for (const slice of slicesBelow(messages, maxRequestBytes)) {
      await this.#producer.send({ topic: this.#topic, acks: -1, messages: slice });
    }
  }

  async #deadLetterMessage(letter: DeadLetter, now: number): Promise<DeadLetterMessage> {
    const { message } = letter;
    // maxDetailBytes is at least minDetailBytes, which holds the marker: this is never undefined.
    const detail = truncateUtf8(letter.detail, this.#maxDetailBytes) ?? '';
    const hasKey = message.key !== null && message.key.length > 0;
    const hasValue = message.value !== null && message.value.length > 0;
    // Keep as much of the original as fits: the key is needed to replay to the right partition, so
    // the value goes first; a dead letter never claims to omit bytes that were not there.
    const attempts: Kept[] = [
      { key: true, value: true },
      { key: true, value: false },
      { key: false, value: true },
      { key: false, value: false },
    ].filter((kept) => (kept.key || hasKey) && (kept.value || hasValue));
    for (const kept of attempts) {
      const fitted = await this.#fit(letter, detail, now, kept);
      if (fitted !== undefined) return fitted;
    }
    // Only a tiny cap with a huge topic or processor name gets here: a configuration error.
    throw new Error(
      `dead letter for ${message.topic} partition ${message.partition} offset ${message.offset} ` +
        `does not fit in ${this.#maxMessageBytes} bytes even without its key and value`,
    );
  }

  /** The dead letter with these bytes kept, its detail cut to fit the cap; undefined if it cannot fit. */
  async #fit(
    letter: DeadLetter,
    detail: string,
    now: number,
    kept: Kept,
  ): Promise<DeadLetterMessage | undefined> {
    const whole = await this.#compose(letter, detail, now, kept);
    const size = sizeOf(whole);
    if (size <= this.#maxMessageBytes) return whole;
    // The detail is in the message twice (header and record) and the rest does not depend on it;
    // the record's length prefix of the detail only gets shorter with it.
    const rest = size - 2 * Buffer.byteLength(detail);
    const shorter = truncateUtf8(detail, Math.floor((this.#maxMessageBytes - rest) / 2));
    if (shorter === undefined) return undefined;
    const cut = await this.#compose(letter, shorter, now, kept);
    // The encoder is opaque (a schema registry's wire format): measure again rather than trust the sum.
    return sizeOf(cut) <= this.#maxMessageBytes ? cut : undefined;
  }

  async #compose(
    { message, reason }: DeadLetter,
    detail: string,
    now: number,
    kept: Kept,
  ): Promise<DeadLetterMessage> {
    const record = await this.#encode({
      reason: reasonSymbol(reason),
      detail,
      sourceTopic: message.topic,
      sourcePartition: message.partition,
      sourceOffset: message.offset,
      failedAt: now,
      processor: this.#processor,
    });
    const headers: Record<string, string | Buffer> = {
      'bereik-dead-letter': record,
      'bereik-reason': reason,
      'bereik-detail': detail,
      'bereik-source-topic': message.topic,
      'bereik-source-partition': String(message.partition),
      'bereik-source-offset': String(message.offset),
      'bereik-failed-at': new Date(now).toISOString(),
    };
    const where = `read it from topic ${message.topic}, partition ${message.partition}, offset ${message.offset}`;
    if (!kept.value) {
      headers['bereik-value-omitted'] =
        `the original value (${message.value?.length ?? 0} bytes) was too large to copy into a dead letter; ${where}`;
    }
    if (!kept.key) {
      headers['bereik-key-omitted'] =
        `the original key (${message.key?.length ?? 0} bytes) was too large to copy into a dead letter; ${where}`;
    }
    return { key: kept.key ? message.key : null, value: kept.value ? message.value : null, headers };
  }
}

/**
 * `text` in at most `maxBytes` UTF-8 bytes: unchanged if it fits, else cut at a character boundary
 * and ending in ` … [truncated, N bytes]` (N the bytes cut). Undefined if not even the marker fits.
 */
function truncateUtf8(text: string, maxBytes: number): string | undefined {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  // N is at most the whole length, so a marker sized with its digits is never too short.
  const markerBytes = Buffer.byteLength(marker(bytes.length));
  let end = maxBytes - markerBytes;
  if (end < 0) return undefined;
  // Never split a character: step back over UTF-8 continuation bytes (10xxxxxx).
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + marker(bytes.length - end);
}

function marker(cutBytes: number): string {
  return ` … [truncated, ${cutBytes} bytes]`;
}

/** What a message adds to a request: its bytes plus a fixed allowance for the record framing. */
function sizeOf(message: DeadLetterMessage): number {
  let size = 64 + (message.key?.length ?? 0) + (message.value?.length ?? 0);
  for (const [name, value] of Object.entries(message.headers)) {
    // Strings count in UTF-8 bytes, as they go over the wire, not in UTF-16 units.
    size += Buffer.byteLength(name) + (typeof value === 'string' ? Buffer.byteLength(value) : value.length);
  }
  return size;
}

function* slicesBelow<T extends DeadLetterMessage>(messages: readonly T[], limit: number): Generator<T[]> {
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
