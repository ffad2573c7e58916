/**
 * A dead letter must fit in Kafka whatever it was made of: a message over the broker's limit is
 * refused on every retry and stops the pipeline. These tests check how the messages are built
 * (detail cut, value left out, slices) with a fake producer; test/integration sends to a real broker.
 */
import type { Message, Producer, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { deadLetterType, type DeadLetterRecord } from '../../../../src/events/dead-letter-record.ts';
import type { DeadLetter } from '../../../../src/pipeline/contracts.ts';
import {
  DeadLetterProducer,
  type DeadLetterProducerOptions,
} from '../../../../src/sinks/kafka/dead-letter-producer.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
/** The defaults, restated here so a change to them is a deliberate change to these tests. */
const cap = 512 * KiB;
const requestLimit = 512 * KiB;
const now = Date.parse('2026-11-23T12:00:00Z');
/** The Confluent wire format: magic byte 0 and a 4-byte schema id (7) before the Avro bytes. */
const wireHeader = Buffer.from([0, 0, 0, 0, 7]);

const encode = (record: DeadLetterRecord): Promise<Buffer> =>
  Promise.resolve(Buffer.concat([wireHeader, deadLetterType.toBuffer(record)]));
const decode = (bytes: Buffer): DeadLetterRecord =>
  deadLetterType.fromBuffer(bytes.subarray(wireHeader.length)) as DeadLetterRecord;

function setup(options: DeadLetterProducerOptions = {}): { dlq: DeadLetterProducer; sent: ProducerRecord[] } {
  const sent: ProducerRecord[] = [];
  const producer = {
    send: (record: ProducerRecord) => {
      sent.push(record);
      return Promise.resolve([]);
    },
  } as unknown as Producer;
  return {
    dlq: new DeadLetterProducer(producer, 'bereik.dead-letters.v1', encode, 'p1', () => now, options),
    sent,
  };
}

function letter(fields: {
  offset?: number;
  key?: Buffer | null;
  value?: Buffer | null;
  detail?: string;
}): DeadLetter {
  return {
    message: {
      topic: 'switch.call-events.v1',
      partition: 3,
      offset: fields.offset ?? 4711,
      key: fields.key === undefined ? Buffer.from('call-1') : fields.key,
      value: fields.value === undefined ? Buffer.from([0, 0, 0, 0, 1, 2, 3]) : fields.value,
      timestamp: now,
    },
    reason: 'unknown-queue',
    detail: fields.detail ?? 'QUEUE_ENTERED e1: queue kcc is not configured for gemeente 0363',
  };
}

/** Measured independently of the producer: key + value + header names and values (UTF-8) + 64. */
function bytesOf(message: Message): number {
  const length = (part: Buffer | string | null | undefined): number =>
    part === null || part === undefined ? 0 : Buffer.byteLength(part);
  let size = 64 + length(message.key) + length(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const part of Array.isArray(value) ? value : [value]) size += Buffer.byteLength(name) + length(part);
  }
  return size;
}

function header(message: Message | undefined, name: string): string | undefined {
  const value = message?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

function record(message: Message | undefined): DeadLetterRecord {
  const bytes = message?.headers?.['bereik-dead-letter'];
  if (!Buffer.isBuffer(bytes)) throw new Error('no bereik-dead-letter header');
  return decode(bytes);
}

const messagesOf = (sent: ProducerRecord[]): Message[] => sent.flatMap((request) => request.messages);

describe('dead-letter producer', () => {
  it('passes a normal dead letter through unchanged', async () => {
    const { dlq, sent } = setup();
    const input = letter({});
    await dlq.send([input]);
    const expectedRecord: DeadLetterRecord = {
      reason: 'UNKNOWN_QUEUE',
      detail: 'QUEUE_ENTERED e1: queue kcc is not configured for gemeente 0363',
      sourceTopic: 'switch.call-events.v1',
      sourcePartition: 3,
      sourceOffset: 4711,
      failedAt: now,
      processor: 'p1',
    };
    expect(sent).toEqual([
      {
        topic: 'bereik.dead-letters.v1',
        acks: -1,
        messages: [
          {
            key: Buffer.from('call-1'),
            value: Buffer.from([0, 0, 0, 0, 1, 2, 3]),
            headers: {
              'bereik-dead-letter': await encode(expectedRecord),
              'bereik-reason': 'unknown-queue',
              'bereik-detail': 'QUEUE_ENTERED e1: queue kcc is not configured for gemeente 0363',
              'bereik-source-topic': 'switch.call-events.v1',
              'bereik-source-partition': '3',
              'bereik-source-offset': '4711',
              'bereik-failed-at': '2026-11-23T12:00:00.000Z',
            },
          },
        ],
      },
    ]);
    // The very same bytes, not a copy that happens to be equal.
    expect(sent[0]?.messages[0]?.value).toBe(input.message.value);
  });

  it('cuts a 2 MiB detail to 4 KiB with a marker, in the header and in the record', async () => {
    const { dlq, sent } = setup();
    const input = letter({ detail: 'x'.repeat(2 * MiB) });
    await dlq.send([input]);
    const [message] = messagesOf(sent);
    // 4096 bytes in all: the 31-byte marker leaves 4065 of the 2097152, so 2093087 are cut.
    const expected = 'x'.repeat(4065) + ' … [truncated, 2093087 bytes]';
    expect(Buffer.byteLength(expected)).toBe(4096);
    expect(header(message, 'bereik-detail')).toBe(expected);
    expect(record(message)).toEqual({
      reason: 'UNKNOWN_QUEUE',
      detail: expected,
      sourceTopic: 'switch.call-events.v1',
      sourcePartition: 3,
      sourceOffset: 4711,
      failedAt: now,
      processor: 'p1',
    });
    expect(message?.value).toBe(input.message.value);
    expect(message?.headers?.['bereik-value-omitted']).toBeUndefined();
    expect(bytesOf(message ?? { value: null })).toBeLessThanOrEqual(cap);
  });

  it('never cuts a multi-byte character in half', async () => {
    const { dlq, sent } = setup();
    // 'a' + 2000 '€' (3 bytes each) = 6001 bytes; byte 4068 falls inside a '€', so the cut steps
    // back to 4066 (1 + 3 × 1355) and 1935 bytes are cut; 4066 + the 28-byte marker = 4094.
    await dlq.send([letter({ detail: 'a' + '€'.repeat(2000) })]);
    const [message] = messagesOf(sent);
    const expected = 'a' + '€'.repeat(1355) + ' … [truncated, 1935 bytes]';
    expect(header(message, 'bereik-detail')).toBe(expected);
    expect(record(message).detail).toBe(expected);
    expect(Buffer.byteLength(expected)).toBe(4094);
  });

  it('cuts the detail further when the value leaves less room than 4 KiB, keeping the value', async () => {
    const { dlq, sent } = setup();
    const value = Buffer.alloc(cap - 5000, 1);
    const input = letter({ value, detail: 'y'.repeat(4000) });
    await dlq.send([input]);
    const [message] = messagesOf(sent);
    const detail = header(message, 'bereik-detail') ?? '';
    // Everything but the detail takes 524288 - 4703 bytes: the value (524288 - 5000) plus 297 (key
    // 6, framing 64, header names 122, the other header values 63, the record without the detail 42).
    // That leaves floor(4703 / 2) = 2351 bytes for each copy of the detail: 2323 of its 4000 bytes
    // and the 28-byte marker, so the message is 1 byte (the odd one) under the cap.
    expect(detail).toBe('y'.repeat(2323) + ' … [truncated, 1677 bytes]');
    expect(record(message).detail).toBe(detail);
    expect(message?.value).toBe(value);
    expect(message?.headers?.['bereik-value-omitted']).toBeUndefined();
    expect(bytesOf(message ?? { value: null })).toBe(cap - 1);
  });

  it('leaves out a 1.5 MiB value and says where to read it', async () => {
    const { dlq, sent } = setup();
    await dlq.send([letter({ value: Buffer.alloc(1.5 * MiB, 1) })]);
    const [message] = messagesOf(sent);
    expect(message?.value).toBeNull();
    expect(message?.key).toEqual(Buffer.from('call-1'));
    expect(header(message, 'bereik-value-omitted')).toBe(
      'the original value (1572864 bytes) was too large to copy into a dead letter; ' +
        'read it from topic switch.call-events.v1, partition 3, offset 4711',
    );
    expect(header(message, 'bereik-source-topic')).toBe('switch.call-events.v1');
    expect(header(message, 'bereik-source-partition')).toBe('3');
    expect(header(message, 'bereik-source-offset')).toBe('4711');
    // Without the value there is room again: the detail is whole.
    expect(header(message, 'bereik-detail')).toBe(
      'QUEUE_ENTERED e1: queue kcc is not configured for gemeente 0363',
    );
    expect(record(message)).toMatchObject({
      sourceTopic: 'switch.call-events.v1',
      sourcePartition: 3,
      sourceOffset: 4711,
      detail: 'QUEUE_ENTERED e1: queue kcc is not configured for gemeente 0363',
    });
    expect(message?.headers?.['bereik-key-omitted']).toBeUndefined();
    expect(bytesOf(message ?? { value: null })).toBeLessThanOrEqual(cap);
  });

  it('leaves out a huge key but keeps a small value', async () => {
    const { dlq, sent } = setup();
    const value = Buffer.from([0, 0, 0, 0, 1, 9]);
    await dlq.send([letter({ key: Buffer.alloc(600 * KiB, 2), value })]);
    const [message] = messagesOf(sent);
    expect(message?.key).toBeNull();
    expect(message?.value).toBe(value);
    expect(header(message, 'bereik-key-omitted')).toBe(
      'the original key (614400 bytes) was too large to copy into a dead letter; ' +
        'read it from topic switch.call-events.v1, partition 3, offset 4711',
    );
    expect(message?.headers?.['bereik-value-omitted']).toBeUndefined();
  });

  it('sends slices that stay within the request limit, all messages in order', async () => {
    const { dlq, sent } = setup();
    await dlq.send([
      letter({ offset: 0, value: Buffer.alloc(200 * KiB) }),
      letter({ offset: 1, value: Buffer.alloc(200 * KiB) }),
      letter({ offset: 2, value: Buffer.alloc(1.5 * MiB) }),
      letter({ offset: 3, value: Buffer.alloc(200 * KiB) }),
      letter({ offset: 4, value: Buffer.alloc(510 * KiB), detail: 'z'.repeat(2 * MiB) }),
    ]);
    // 0 and 1 fit together, 2 (value left out) is small; 3 would make the first over 512 KiB, and
    // 4 is at the cap so it goes alone.
    expect(sent.map((request) => request.messages.map((m) => header(m, 'bereik-source-offset')))).toEqual([
      ['0', '1', '2'],
      ['3'],
      ['4'],
    ]);
    for (const request of sent) {
      expect(request.messages.reduce((sum, m) => sum + bytesOf(m), 0)).toBeLessThanOrEqual(requestLimit);
    }
    const last = sent[2]?.messages[0];
    expect(last?.value?.length).toBe(510 * KiB);
    expect(header(last, 'bereik-detail')).toMatch(/ … \[truncated, \d+ bytes\]$/);
  });

  it('refuses a cap above the request slice limit, so one message always fits in a request', () => {
    expect(() => setup({ maxMessageBytes: 900 * KiB })).toThrow(
      'maxMessageBytes (921600) must not exceed the request slice limit (524288)',
    );
    expect(() => setup({ maxMessageBytes: requestLimit })).not.toThrow();
  });
});
