/**
 * A schema store in the test process, for unit-level runs of the processor without the Schema
 * Registry service: it knows one schema (the switch's CallEvent) under id 1 and answers any other
 * id like a registry does (HTTP 404). Integration tests use the real registry.
 */
import type { SchemaType } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { callEventType } from '../../src/sources/kafka/decode-message.ts';

export class InMemorySchemaStore {
  register(
    _schema: { type: SchemaType.AVRO; schema: string },
    _options: { subject: string },
  ): Promise<{ id: number }> {
    return Promise.resolve({ id: 1 });
  }

  encode(schemaId: number, payload: unknown): Promise<Buffer> {
    const header = Buffer.alloc(5);
    header.writeInt32BE(schemaId, 1);
    return Promise.resolve(Buffer.concat([header, callEventType.toBuffer(payload)]));
  }

  getSchema(registryId: number): Promise<avro.Type> {
    if (registryId === 1) return Promise.resolve(callEventType);
    return Promise.reject(Object.assign(new Error(`Schema ${registryId} not found`), { status: 404 }));
  }
}
