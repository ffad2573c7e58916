/**
 * Schemas evolve without breaking readers: bereik's own nl.bereik.v1.DeadLetter read by an older
 * and by a newer reader, and the switch's CallEvent written by a newer switch and read by bereik.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { deadLetterReasons } from '../../../src/events/dead-letter.ts';
import {
  deadLetterSchemaText,
  deadLetterType,
  reasonSymbol,
} from '../../../src/events/dead-letter-record.ts';
import {
  MessageDecoder,
  RegistryUnavailableError,
  callEventType,
} from '../../../src/sources/kafka/decode-message.ts';
import { rawEvent } from '../../helpers/fixtures.ts';

/** A loopback port that nothing listens on: one the system just gave out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A plausible next version: one more reason, and a new field with a default. */
function nextDeadLetterSchema(): avro.Type {
  const schema = JSON.parse(deadLetterSchemaText) as { fields: { name: string; type: unknown }[] };
  const reason = schema.fields.find((f) => f.name === 'reason')?.type as { symbols: string[] };
  reason.symbols = [...reason.symbols.filter((s) => s !== 'OTHER'), 'QUEUE_CLOSED_FOREVER', 'OTHER'];
  schema.fields.push({ name: 'retryable', type: 'boolean', default: false } as {
    name: string;
    type: unknown;
  });
  return avro.Type.forSchema(schema as avro.Schema);
}

const record = {
  reason: 'UNKNOWN_QUEUE',
  detail: "QUEUE_ENTERED e1: queue 'parkeren' is not configured for GM0307",
  sourceTopic: 'switch.call-events.v1',
  sourcePartition: 3,
  sourceOffset: 1234,
  failedAt: Date.parse('2026-11-23T10:00:00Z'),
  processor: 'bereik',
};

describe('nl.bereik.v1.DeadLetter', () => {
  it('has a symbol for every dead-letter reason bereik gives', () => {
    const symbols = (
      JSON.parse(deadLetterSchemaText) as { fields: { name: string; type: { symbols?: string[] } }[] }
    ).fields.find((f) => f.name === 'reason')?.type.symbols;
    for (const reason of Object.keys(deadLetterReasons) as (keyof typeof deadLetterReasons)[]) {
      expect(symbols).toContain(reasonSymbol(reason));
    }
  });

  it('an old reader reads what a newer writer wrote: unknown reasons become OTHER, new fields are skipped', () => {
    const next = nextDeadLetterSchema();
    const written = next.toBuffer({ ...record, reason: 'QUEUE_CLOSED_FOREVER', retryable: true });
    const read = deadLetterType.fromBuffer(written, deadLetterType.createResolver(next)) as typeof record;
    expect({ ...read }).toEqual({ ...record, reason: 'OTHER' });
  });

  it('a newer reader reads what the current writer wrote, filling new fields with their defaults', () => {
    const next = nextDeadLetterSchema();
    const read = next.fromBuffer(
      deadLetterType.toBuffer(record),
      next.createResolver(deadLetterType),
    ) as object;
    expect({ ...read }).toEqual({ ...record, retryable: false });
  });
});

describe('the switch schema', () => {
  it('bereik reads events from a newer switch that added an optional field', async () => {
    const schema = JSON.parse(JSON.stringify(callEventType.schema())) as { fields: unknown[] };
    schema.fields.push({ name: 'channel', type: ['null', 'string'], default: null });
    const newer = avro.Type.forSchema(schema as avro.Schema);
    const event = rawEvent({
      eventId: 'e1',
      type: 'QUEUE_ENTERED',
      occurredAt: '2026-11-23T10:00:00Z',
      callId: 'c',
      legId: 'l',
      queue: 'kcc',
    });
    const header = Buffer.from([0, 0, 0, 0, 7]);
    const decoder = new MessageDecoder({
      getSchema: (id: number) => (id === 7 ? Promise.resolve(newer) : Promise.reject(new Error('no'))),
    });
    const result = await decoder.decode(
      Buffer.concat([header, newer.toBuffer({ ...event, channel: 'whatsapp' })]),
    );
    expect(result).toMatchObject({ ok: true, raw: event, schemaId: 7 });
  });

  it('asks the registry once per schema id; after that a message decodes without waiting', async () => {
    const asked: number[] = [];
    const decoder = new MessageDecoder({
      getSchema: (id: number) => {
        asked.push(id);
        return id === 7
          ? Promise.resolve(callEventType)
          : Promise.reject(Object.assign(new Error('no'), { status: 404 }));
      },
    });
    const event = rawEvent({ eventId: 'e1', occurredAt: '2026-11-23T10:00:00Z', callId: 'c' });
    const bytes = (id: number) =>
      Buffer.concat([Buffer.from([0, 0, 0, 0, id]), callEventType.toBuffer(event)]);
    expect(decoder.decodeKnown(bytes(7))).toBeUndefined();
    await expect(decoder.decode(bytes(7))).resolves.toMatchObject({ ok: true, raw: event, schemaId: 7 });
    expect(decoder.decodeKnown(bytes(7))).toMatchObject({ ok: true, raw: event, schemaId: 7 });
    // Bad bytes need no registry: they are refused at once.
    expect(decoder.decodeKnown(Buffer.from([1, 0, 0, 0, 7, 0]))).toMatchObject({
      ok: false,
      reason: 'wrong-magic-byte',
    });
    // An id the registry does not know is asked again next time (it may be registered later).
    await expect(decoder.decode(bytes(8))).resolves.toMatchObject({ ok: false, reason: 'unknown-schema-id' });
    expect(decoder.decodeKnown(bytes(8))).toBeUndefined();
    expect(asked).toEqual([7, 8]);
  });

  it('treats a registry that does not answer as an outage to retry, not as a bad message', async () => {
    const { SchemaRegistry } = await import('@kafkajs/confluent-schema-registry');
    // A port that was free a moment ago: nothing listens there (a fixed port may be taken on
    // another machine, by something that then does not answer at all).
    const port = await closedPort();
    const decoder = new MessageDecoder(new SchemaRegistry({ host: `http://127.0.0.1:${port}` }));
    const bytes = Buffer.concat([
      Buffer.from([0, 0, 0, 0, 1]),
      callEventType.toBuffer(rawEvent({ occurredAt: '2026-11-23T10:00:00Z', callId: 'c' })),
    ]);
    await expect(decoder.decode(bytes)).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});
