/** Bad input at the edge: every kind gets its reason and a detail naming the event and field. */
import { describe, expect, it } from 'vitest';
import { Topology } from '../../../src/config/topology.ts';
import { pseudonymiser } from '../../../src/sources/kafka/pseudonymise.ts';
import { validateCallEvent } from '../../../src/sources/kafka/validate-event.ts';
import { exampleConfig, rawEvent } from '../../helpers/fixtures.ts';

const topology = new Topology(exampleConfig());
const context = {
  topology: topology.queueIds,
  pseudonymise: pseudonymiser('k'.repeat(32)),
  nowMs: Date.parse('2026-11-23T12:00:00Z'),
};
const validate = (fields: Parameters<typeof rawEvent>[0]) => validateCallEvent(rawEvent(fields), context);

describe('validate-event', () => {
  it('pseudonymises the caller number and never passes it on', () => {
    const result = validate({
      eventId: 'e',
      type: 'CALL_STARTED',
      occurredAt: '2026-11-23T10:00:00Z',
      callId: 'c',
      callerNumber: '+31331234567',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.stringify(result.event)).not.toContain('31331234567');
    expect(result.event).toMatchObject({ callerKey: pseudonymiser('k'.repeat(32))('+31331234567') });
    expect(pseudonymiser('k'.repeat(32))('+31331234567')).not.toBe(
      pseudonymiser('x'.repeat(32))('+31331234567'),
    );
  });

  it.each([
    [
      { type: 'QUEUE_ENTERED', callId: 'c', legId: null, queue: 'kcc' },
      'missing-field',
      'legId is required on QUEUE_ENTERED',
    ],
    [
      { type: 'QUEUE_ENTERED', callId: 'c', legId: 'l', queue: 'parkeren' },
      'unknown-queue',
      "queue 'parkeren' is not configured for GM0307",
    ],
    [
      { type: 'ANSWERED', callId: 'c', legId: 'l', gemeente: 'GM9999' },
      'unknown-gemeente',
      "gemeente 'GM9999' is not configured",
    ],
    [
      { type: 'ANSWERED', callId: 'c', legId: 'l', occurredAt: '1990-01-01T00:00:00Z' },
      'impossible-timestamp',
      '1990-01-01T00:00:00.000Z',
    ],
    [
      { type: 'ANSWERED', callId: 'c', legId: 'l', occurredAt: '2026-11-25T12:00:00Z' },
      'impossible-timestamp',
      '2026-11-25',
    ],
    [
      { type: 'SURVEY_ANSWERED', callId: 'c', surveyScore: 7 },
      'invalid-value',
      'surveyScore 7 is not 1 to 5',
    ],
    [{ type: 'CALLBACK_COMPLETED', callbackId: 'cb' }, 'missing-field', 'callbackOutcome is required'],
    [
      { type: 'QUEUE_ENTERED', callId: 'c', legId: 'l', queue: 'kcc', transferredFromLegId: 'l' },
      'contradicts-call-state',
      'transferred from itself',
    ],
  ] as const)('rejects %o as %s', (fields, reason, detail) => {
    const result = validate({ eventId: 'e9', occurredAt: '2026-11-23T10:00:00Z', ...fields });
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) expect(result.detail).toContain(detail);
  });

  it('accepts a 24/7 queue of another gemeente and keeps the agent only on ANSWERED', () => {
    const answered = validate({
      eventId: 'e',
      type: 'ANSWERED',
      occurredAt: '2026-11-23T10:00:00Z',
      gemeente: 'GM0034',
      callId: 'c',
      legId: 'l',
      agentId: 'a1',
    });
    const abandoned = validate({
      eventId: 'e',
      type: 'ABANDONED',
      occurredAt: '2026-11-23T10:00:00Z',
      gemeente: 'GM0034',
      callId: 'c',
      legId: 'l',
      agentId: 'a1',
    });
    expect(answered).toMatchObject({ ok: true, event: { agentId: 'a1' } });
    expect(abandoned).toMatchObject({ ok: true, event: { agentId: null } });
  });
});
