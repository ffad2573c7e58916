/**
 * Decodes a Kafka message value in the Confluent wire format (magic byte 0, 4-byte schema id,
 * Avro binary) into a RawCallEvent, resolving the writer's schema from the Schema Registry into
 * bereik's reader schema (schemas/nl.veertien.switch.v1.CallEvent.avsc), so the switch can evolve
 * its schema compatibly. Schemas and resolvers are cached per id: the registry is asked once.
 *
 * Bad bytes give a Rejection (dead letter); a registry that cannot be reached throws
 * RegistryUnavailableError, which the source retries instead of dead-lettering.
 */
import { readFileSync } from 'node:fs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type { RawCallEvent } from '../../events/call-event.ts';
import type { Rejection } from '../../events/dead-letter.ts';
import { BereikError } from '../../errors.ts';

export const callEventSchemaPath = new URL(
  '../../../schemas/nl.veertien.switch.v1.CallEvent.avsc',
  import.meta.url,
);

/** bereik's reader schema for the switch's events. */
export const callEventType: avro.Type = avro.Type.forSchema(
  JSON.parse(readFileSync(callEventSchemaPath, 'utf8')) as avro.Schema,
);

/** The registry did not answer (down, timeout, 5xx): retry later, the message is fine. */
export class RegistryUnavailableError extends BereikError {
  override readonly name = 'RegistryUnavailableError';
  readonly code = 'REGISTRY_UNAVAILABLE';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { canRetry: true, ...options });
  }
}

export type DecodeResult = { ok: true; raw: RawCallEvent; schemaId: number } | ({ ok: false } & Rejection);

type Resolver =
  | { kind: 'ok'; writer: avro.Type; resolver: ReturnType<avro.Type['createResolver']> }
  | { kind: 'wrong-schema'; detail: string };

/** The one registry call the decoder needs (a @kafkajs/confluent-schema-registry SchemaRegistry). */
export type SchemaLookup = Pick<SchemaRegistry, 'getSchema'>;

export class MessageDecoder {
  readonly #registry: SchemaLookup;
  readonly #resolvers = new Map<number, Resolver>();

  constructor(registry: SchemaLookup) {
    this.#registry = registry;
  }

  async decode(value: Buffer | null): Promise<DecodeResult> {
    const known = this.decodeKnown(value);
    if (known !== undefined) return known;
    // Only a message whose schema is not resolved yet gets here: ask the registry once.
    const schemaId = (value as Buffer).readInt32BE(1);
    if ((await this.#resolve(schemaId)) === undefined) {
      return {
        ok: false,
        reason: 'unknown-schema-id',
        detail: `schema id ${schemaId} is not in the Schema Registry`,
      };
    }
    return this.decodeKnown(value) as DecodeResult;
  }

  /**
   * The message decoded without waiting, or undefined when its schema id has not been resolved
   * through the registry yet (then `decode` asks it). Nearly every message takes this path, so a
   * backlog is read without a promise per message.
   */
  decodeKnown(value: Buffer | null): DecodeResult | undefined {
    if (value === null || value.length < 5) {
      return {
        ok: false,
        reason: 'wrong-magic-byte',
        detail: `message value of ${value?.length ?? 0} bytes is too short for the wire format`,
      };
    }
    if (value[0] !== 0) {
      return {
        ok: false,
        reason: 'wrong-magic-byte',
        detail: `magic byte is ${value[0] ?? '?'}, expected 0 (Confluent wire format)`,
      };
    }
    const schemaId = value.readInt32BE(1);
    const resolved = this.#resolvers.get(schemaId);
    if (resolved === undefined) return undefined;
    if (resolved.kind === 'wrong-schema')
      return { ok: false, reason: 'wrong-schema', detail: resolved.detail };
    try {
      const raw = callEventType.fromBuffer(value.subarray(5), resolved.resolver) as RawCallEvent;
      return { ok: true, raw, schemaId };
    } catch (error) {
      return {
        ok: false,
        reason: 'undecodable',
        detail: `Avro payload does not decode with schema id ${schemaId}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async #resolve(schemaId: number): Promise<Resolver | undefined> {
    let writer: avro.Type;
    try {
      writer = (await this.#registry.getSchema(schemaId)) as avro.Type;
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 404) return undefined; // not cached: the id may be registered later
      throw new RegistryUnavailableError(
        `Schema Registry did not return schema id ${schemaId}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    let resolved: Resolver;
    try {
      resolved = { kind: 'ok', writer, resolver: callEventType.createResolver(writer) };
    } catch (error) {
      resolved = {
        kind: 'wrong-schema',
        detail: `schema id ${schemaId} (${writer.name ?? writer.typeName}) cannot be read as nl.veertien.switch.v1.CallEvent: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    this.#resolvers.set(schemaId, resolved);
    return resolved;
  }
}
