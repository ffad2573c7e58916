/**
 * Recorded switch event sequences for transform tests: JSON lines in test/fixtures/, written with
 * ISO times for readability and only the fields that are set; read back as RawCallEvents.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import type { ConfigFile } from '../../src/config/schema.ts';
import type { RawCallEvent } from '../../src/events/call-event.ts';

const empty = {
  callId: null,
  legId: null,
  queue: null,
  transferredFromLegId: null,
  callerNumber: null,
  dialledNumber: null,
  agentId: null,
  callbackId: null,
  callbackOutcome: null,
  surveyScore: null,
} as const;

/** A RawCallEvent as written in fixtures and tests: only the fields that matter, time as ISO text or epoch ms. */
export type FixtureEvent = Omit<Partial<RawCallEvent>, 'occurredAt'> & { occurredAt: number | string };

export function rawEvent(fields: FixtureEvent): RawCallEvent {
  const occurredAt =
    typeof fields.occurredAt === 'string' ? Date.parse(fields.occurredAt) : fields.occurredAt;
  return { eventId: 'e', type: 'CALL_STARTED', gemeente: 'GM0307', ...empty, ...fields, occurredAt };
}

export function readFixture(name: string): RawCallEvent[] {
  const text = readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => rawEvent(JSON.parse(line) as FixtureEvent));
}

/** The example configuration shipped in deploy/config, validated. */
export function exampleConfig(): ConfigFile {
  const text = readFileSync(new URL('../../deploy/config/bereik.yaml', import.meta.url), 'utf8');
  return parseConfig(parseYaml(text), 'deploy/config/bereik.yaml');
}
