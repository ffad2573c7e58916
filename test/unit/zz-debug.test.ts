import { it } from 'vitest';
import { simulate } from '../../src/simulate/index.ts';
import { exampleConfig } from '../../test/helpers/fixtures.ts';
it('debug', () => {
  const config = exampleConfig();
  const { messages } = simulate(config, {
    seed: 42,
    fromMs: Date.parse('2026-11-02T00:00:00+01:00'),
    toMs: Date.parse('2026-11-05T00:00:00+01:00'),
    callsPerDay: 250,
    faults: {
      duplicateRate: 0.03,
      lateRate: 0.04,
      lateBeyondShare: 0.5,
      outOfOrderRate: 0.03,
      neverEndedRate: 0.02,
      wrongMagicByteRate: 0.006,
      unknownSchemaIdRate: 0.006,
      undecodableRate: 0.006,
      missingFieldRate: 0.006,
      unknownQueueRate: 0.006,
      unknownGemeenteRate: 0.006,
      impossibleTimestampRate: 0.006,
      invalidValueRate: 0.006,
      contradictionRate: 0.005,
    },
  });
  const target = 1793805480000;
  const legs = messages.filter(
    (m) =>
      m.payload.kind === 'event' &&
      m.payload.event.type === 'QUEUE_ENTERED' &&
      Math.floor(m.payload.event.occurredAt / 60000) * 60000 === target &&
      m.payload.event.gemeente === 'GM0307',
  );
  for (const l of legs) {
    if (l.payload.kind !== 'event') continue;
    const callId = l.payload.event.callId;
    const all = messages
      .map((m, i) => ({ m, i }))
      .filter(({ m }) => m.payload.kind === 'event' && m.payload.event.callId === callId);
    for (const { m, i } of all)
      if (m.payload.kind === 'event')
        console.log(
          i,
          new Date(m.deliverAt).toISOString(),
          m.payload.event.type,
          m.payload.event.eventId,
          new Date(m.payload.event.occurredAt).toISOString(),
          m.payload.event.legId,
          m.expectedDeadLetter ?? '',
        );
  }
});
