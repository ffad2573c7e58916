/** Which dead letters a replay sends back, by their headers. */
import { describe, expect, it } from 'vitest';
import { decideReplay } from '../../../src/sources/kafka/replay-selection.ts';

const letter = (overrides: Record<string, string | undefined> = {}) => ({
  'bereik-reason': 'unknown-gemeente',
  'bereik-source-topic': 'switch.call-events.v1',
  'bereik-source-partition': '2',
  'bereik-source-offset': '17',
  'bereik-failed-at': '2026-12-01T09:30:00.000Z',
  ...overrides,
});

describe('decideReplay', () => {
  it('replays a dead letter to its source topic, and the same source message only once', () => {
    const seen = new Set<string>();
    expect(decideReplay(letter(), {}, seen, 'default')).toEqual({
      replay: true,
      topic: 'switch.call-events.v1',
      reason: 'unknown-gemeente',
    });
    // Written twice after a crash: the second copy is not replayed.
    expect(decideReplay(letter(), {}, seen, 'default')).toEqual({
      replay: false,
      skipped: 'already-replayed',
    });
    expect(decideReplay(letter({ 'bereik-source-offset': '18' }), {}, seen, 'default').replay).toBe(true);
    expect(
      decideReplay(letter({ 'bereik-source-topic': undefined }), {}, new Set(), 'default'),
    ).toMatchObject({
      topic: 'default',
    });
  });

  it('keeps to the chosen reasons and the time span [from, to)', () => {
    const only = { reasons: new Set(['unknown-queue']) };
    expect(decideReplay(letter(), only, new Set(), 't')).toEqual({ replay: false, skipped: 'other-reason' });
    const span = { fromMs: Date.parse('2026-12-01T09:30:00Z'), toMs: Date.parse('2026-12-01T10:00:00Z') };
    expect(decideReplay(letter(), span, new Set(), 't').replay).toBe(true);
    expect(
      decideReplay(letter({ 'bereik-failed-at': '2026-12-01T10:00:00.000Z' }), span, new Set(), 't'),
    ).toEqual({
      replay: false,
      skipped: 'outside-time-span',
    });
    expect(decideReplay(letter({ 'bereik-failed-at': 'garbage' }), span, new Set(), 't')).toEqual({
      replay: false,
      skipped: 'outside-time-span',
    });
  });

  it('never replays a dead letter whose value or key was left out for its size', () => {
    expect(decideReplay(letter({ 'bereik-value-omitted': 'value of 2 MiB' }), {}, new Set(), 't')).toEqual({
      replay: false,
      skipped: 'value-omitted',
    });
    expect(decideReplay(letter({ 'bereik-key-omitted': 'key of 1 MiB' }), {}, new Set(), 't')).toEqual({
      replay: false,
      skipped: 'value-omitted',
    });
  });
});
