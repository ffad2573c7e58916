/**
 * Checks that a schema registry behaves like Confluent's for the way bereik uses it through
 * @kafkajs/confluent-schema-registry: register an Avro schema under `<topic>-value`, encode and
 * decode with it, register the same schema again (same id, also when only its formatting
 * differs), evolve it compatibly (a new field with a default gets a new id; both ids decode), and
 * reject an incompatible change under BACKWARD compatibility, also for a subject without its own
 * setting (Confluent's global default). Used to choose and configure the local Apicurio
 * Registry (docs/stack.md).
 *
 *   npx tsx scripts/check-schema-registry.ts [url]
 *
 * url defaults to SCHEMA_REGISTRY_URL or http://127.0.0.1:18081/apis/ccompat/v7. Exit code 0
 * when every step passed, 1 otherwise.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

const url = (
  process.argv[2] ??
  process.env['SCHEMA_REGISTRY_URL'] ??
  'http://127.0.0.1:18081/apis/ccompat/v7'
).replace(/\/+$/, '');
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const topic = `check_sr_${run}`;
const subject = `${topic}-value`;
const otherSubject = `check_sr_other_${run}-value`;
const rawSubject = `check_sr_raw_${run}-value`;

const v1 = {
  type: 'record' as const,
  name: 'SwitchEvent',
  namespace: 'nl.bereik.check',
  fields: [
    { name: 'callId', type: 'string' },
    { name: 'at', type: 'long' },
  ],
};
// Compatible evolution: a new field with a default.
const v2 = { ...v1, fields: [...v1.fields, { name: 'queue', type: 'string', default: 'none' }] };
// Incompatible under BACKWARD: a new field without a default.
const v3 = { ...v1, fields: [...v2.fields, { name: 'agent', type: 'string' }] };

interface Step {
  name: string;
  ok: boolean;
  detail: string;
}
const steps: Step[] = [];

function record(name: string, ok: boolean, detail: string): void {
  steps.push({ name, ok, detail });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { status?: unknown }).status;
    return `${error.name}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${error.message}`;
  }
  return String(error);
}

/** A client without cached schemas, so every decode asks the registry for the id. */
function freshClient(): SchemaRegistry {
  return new SchemaRegistry({ host: url, retry: { retries: 0 } });
}

async function registerAvro(client: SchemaRegistry, schema: string, subjectName: string): Promise<number> {
  const { id } = await client.register({ type: SchemaType.AVRO, schema }, { subject: subjectName });
  return id;
}

async function httpJson(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, json };
}

async function step(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    record(name, false, describeError(error));
  }
}

async function main(): Promise<boolean> {
  console.log(`schema registry check against ${url}, subject ${subject}`);
  const client = new SchemaRegistry({ host: url, retry: { retries: 0 } });
  let id1 = -1;
  let id2 = -1;
  let buffer1: Buffer | undefined;
  let buffer2: Buffer | undefined;
  const event1 = { callId: 'call-1', at: Date.parse('2026-01-05T08:30:00Z') };
  const event2 = { callId: 'call-2', at: Date.parse('2026-01-05T08:31:00Z'), queue: 'burgerzaken' };

  await step('register v1', async () => {
    id1 = await registerAvro(client, JSON.stringify(v1), subject);
    record('register v1', id1 > 0, `id ${id1}`);
  });

  await step('subject config', async () => {
    const config = await httpJson('GET', `/config/${encodeURIComponent(subject)}`);
    record(
      'subject config',
      config.status === 200,
      `GET /config/${subject}: ${config.status} ${JSON.stringify(config.json)}`,
    );
  });

  await step('encode/decode v1', async () => {
    buffer1 = await client.encode(id1, event1);
    const decoded = (await freshClient().decode(buffer1)) as { callId: string; at: number };
    const ok =
      buffer1.readUInt8(0) === 0 && buffer1.readInt32BE(1) === id1 && decoded.callId === event1.callId;
    record(
      'encode/decode v1',
      ok,
      `${buffer1.length} bytes, wire id ${buffer1.readInt32BE(1)}, decoded ${JSON.stringify(decoded)}`,
    );
  });

  await step('register v1 again', async () => {
    const again = await registerAvro(freshClient(), JSON.stringify(v1), subject);
    record('register v1 again', again === id1, `id ${again} (first registration: ${id1})`);
  });

  await step('register v1 reformatted', async () => {
    // Same schema, other whitespace and key order: Confluent treats it as the same schema.
    const reformatted = JSON.stringify(
      { fields: v1.fields, namespace: v1.namespace, name: v1.name, type: v1.type },
      undefined,
      2,
    );
    const again = await registerAvro(freshClient(), reformatted, subject);
    record('register v1 reformatted', again === id1, `id ${again} (first registration: ${id1})`);
  });

  await step('register v2 (field with default)', async () => {
    id2 = await registerAvro(client, JSON.stringify(v2), subject);
    record('register v2 (field with default)', id2 > 0 && id2 !== id1, `id ${id2} (v1: ${id1})`);
  });

  await step('latest id', async () => {
    const latest = await freshClient().getLatestSchemaId(subject);
    const byVersion1 = await freshClient().getRegistryId(subject, 1);
    record('latest id', latest === id2 && byVersion1 === id1, `latest ${latest}, version 1 -> ${byVersion1}`);
  });

  await step('encode/decode v2 and v1 ids', async () => {
    buffer2 = await client.encode(id2, event2);
    if (buffer1 === undefined) throw new Error('no v1 message to decode');
    const fresh = freshClient();
    const decoded2 = (await fresh.decode(buffer2)) as { queue?: string };
    const decoded1 = (await fresh.decode(buffer1)) as { callId: string; queue?: string };
    // Reading an old message with the new schema fills in the default.
    const decoded1AsV2 = (await fresh.decode(buffer1, { [SchemaType.AVRO]: { readerSchema: v2 } })) as {
      queue?: string;
    };
    const ok =
      decoded2.queue === event2.queue &&
      decoded1.callId === event1.callId &&
      decoded1.queue === undefined &&
      decoded1AsV2.queue === 'none';
    record(
      'encode/decode v2 and v1 ids',
      ok,
      `v2 -> ${JSON.stringify(decoded2)}; v1 -> ${JSON.stringify(decoded1)}; v1 read as v2 -> queue=${decoded1AsV2.queue ?? 'undefined'}`,
    );
  });

  await step('same schema, other subject', async () => {
    const other = await registerAvro(freshClient(), JSON.stringify(v1), otherSubject);
    record('same schema, other subject', other === id1, `id ${other} (Confluent gives the same id: ${id1})`);
  });

  await step('GET /schemas/ids/{id}', async () => {
    const byId = await httpJson('GET', `/schemas/ids/${id1}`);
    record('GET /schemas/ids/{id}', byId.status === 200, `status ${byId.status}`);
  });

  await step('incompatible change rejected', async () => {
    const response = await httpJson('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema: JSON.stringify(v3),
    });
    record(
      'incompatible change rejected',
      response.status === 409,
      `new field without default under BACKWARD: HTTP ${response.status} ${JSON.stringify(response.json).slice(0, 160)}`,
    );
  });

  await step('global default BACKWARD', async () => {
    // A subject registered without any client setting its compatibility (plain HTTP, as other
    // producers do): Confluent checks it against its global default, BACKWARD.
    const first = await httpJson('POST', `/subjects/${encodeURIComponent(rawSubject)}/versions`, {
      schema: JSON.stringify(v2),
    });
    const second = await httpJson('POST', `/subjects/${encodeURIComponent(rawSubject)}/versions`, {
      schema: JSON.stringify(v3),
    });
    record(
      'global default BACKWARD',
      first.status === 200 && second.status === 409,
      `subject without its own config: first schema HTTP ${first.status}, incompatible change HTTP ${second.status}`,
    );
  });

  for (const name of [subject, otherSubject, rawSubject]) {
    await httpJson('DELETE', `/subjects/${encodeURIComponent(name)}`).catch(() => undefined);
  }
  const ok = steps.length > 0 && steps.every((s) => s.ok);
  console.log(`RESULT ${url}: ${ok ? 'CONFLUENT-COMPATIBLE' : 'NOT COMPATIBLE'}`);
  return ok;
}

process.exitCode = (await main()) ? 0 : 1;
