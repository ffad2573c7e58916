/**
 * Recorded switch event sequences for transform tests: JSON lines in test/fixtures/, written with
 * ISO times for readability and only the fields that are set; read back as RawCallEvents.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import type { ConfigFile } from '../../src/config/schema.ts';
import type { RawCallEvent } from '../../src/events/call-event.ts';
import type { LegFact } from '../../src/events/facts.ts';

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

/** A short call the KCC answers: started, queued at +1 s, answered at +5 s, ended at +60 s. */
export function answeredKccCall(callId: string, start: number): FixtureEvent[] {
  return [
    { eventId: `${callId}-e1`, callId, type: 'CALL_STARTED', occurredAt: start, dialledNumber: '14033' },
    {
      eventId: `${callId}-e2`,
      callId,
      type: 'QUEUE_ENTERED',
      legId: `${callId}-l`,
      queue: 'kcc',
      occurredAt: start + 1000,
    },
    {
      eventId: `${callId}-e3`,
      callId,
      type: 'ANSWERED',
      legId: `${callId}-l`,
      agentId: 'a',
      occurredAt: start + 5000,
    },
    { eventId: `${callId}-e4`, callId, type: 'CALL_ENDED', occurredAt: start + 60_000 },
  ];
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

/**
 * A leg as the call tracker emits it: answered within the norm after 12 s at the KCC, version 6
 * (the SWITCH.md example's first leg); `fields` change what a test needs.
 */
export function legFact(legId: string, callId: string, iso: string, fields: Partial<LegFact> = {}): LegFact {
  const enteredAt = Date.parse(iso);
  return {
    legId,
    callId,
    gemeente: 'GM0307',
    queue: 'kcc',
    enteredAt,
    outcome: 'answered',
    outcomeSource: 'event',
    outcomeAt: enteredAt + 12_000,
    waitMs: 12_000,
    category: 'offered',
    withinServiceLevel: true,
    transferredFromLegId: null,
    transferredOut: false,
    agentId: 'a17',
    normId: 'vng-kwaliteitshandvest-25s',
    version: 6,
    ...fields,
  };
}
