/** Bad input at the edge: every kind gets its reason and a detail naming the event and field. */
import { describe, expect, it } from 'vitest';
import { Topology } from '../../../src/config/topology.ts';
import { pseudonymiser } from '../../../src/sources/kafka/pseudonymise.ts';
import { validateCallEvent } from '../../../src/sources/kafka/validate-event.ts';
import { exampleConfig, rawEvent } from '../../helpers/fixtures.ts';

const topology = new Topology(exampleConfig());
const context = {
  queueIds: topology.queueIds,
  pseudonymise: pseudonymiser('k'.repeat(32)),
  nowMs: Date.parse('2026-11-23T12:00:00Z'),
  maxFutureSkewMs: 600_000,
};
/**
 * The pseudonym of '+31331234567' under the key 'k' x 32: HMAC-SHA256, base64url, first 22
 * characters, computed outside bereik with
 *   printf '%s' '+31331234567' | openssl dgst -sha256 -hmac kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk -binary \
 *     | openssl base64 -A | tr '+/' '-_' | cut -c1-22
 * (the full digest is 340d4cd0402465bbe3de22aef3cf3215d8846b95f166abe17eeb0bea5752a181).
 */
const pseudonymOf31331234567 = 'NA1M0EAkZbvj3iKu888yFd';
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
    expect(result.event).toMatchObject({ callerKey: pseudonymOf31331234567 });
    expect(pseudonymiser('x'.repeat(32))('+31331234567')).not.toBe(pseudonymOf31331234567);
  });

  it('pseudonymises with HMAC-SHA256: the first 22 base64url characters of the digest', () => {
    // RFC 4231 test case 2. The RFC gives the digest in hex; pseudonymiser returns base64url cut to
    // 22 characters, so the expectation is that published digest re-encoded (no HMAC involved).
    const rfc4231Case2 = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    const expected = Buffer.from(rfc4231Case2, 'hex').toString('base64url').slice(0, 22);
    expect(expected).toBe('W9zBRr9gdU5qBCQmCJV1x1');
    expect(pseudonymiser('Jefe')('what do ya want for nothing?')).toBe(expected);
    // An E.164 number (computed with openssl, see pseudonymOf31331234567).
    expect(pseudonymiser('k'.repeat(32))('+31331234567')).toBe(pseudonymOf31331234567);
    // Surrounding whitespace is trimmed before hashing (the only normalisation).
    expect(pseudonymiser('k'.repeat(32))(' +31331234567\n')).toBe(pseudonymOf31331234567);
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
      // 10 min 1 s ahead of the clock (12:00:00Z): over the 600 s allowed.
      { type: 'ANSWERED', callId: 'c', legId: 'l', occurredAt: '2026-11-23T12:10:01Z' },
      'impossible-timestamp',
      "601 s ahead of this processor's clock (at most 600 s allowed: processing.maxFutureSkewSeconds)",
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
