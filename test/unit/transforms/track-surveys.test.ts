/**
 * The survey tracker: every SURVEY_ANSWERED becomes one fact keyed by its eventId, with its score
 * as given (docs/metrics.md: satisfied = 4 or 5, decided downstream); a redelivery within the lateness
 * and correction window is dropped but acknowledged; an answer older than that window comes back
 * as an orphan (to be checked against the stored history), never as a fresh fact. Expected outputs
 * are written out by hand.
 */
import { describe, expect, it } from 'vitest';
import type { SurveyAnswered } from '../../../src/events/call-event.ts';
import { SurveyTracker } from '../../../src/transforms/track-surveys/survey-tracker.ts';

const minute = 60_000;
/** What the processor passes: allowed lateness (5 min) plus correction window (60 min). */
const horizonMs = 65 * minute;
const at = (iso: string) => Date.parse(iso);

const answer = (
  eventId: string,
  iso: string,
  score: SurveyAnswered['score'],
  fields: Partial<Pick<SurveyAnswered, 'callId' | 'gemeente'>> = {},
): SurveyAnswered => ({
  type: 'SURVEY_ANSWERED',
  eventId,
  occurredAt: at(iso),
  gemeente: 'GM0307',
  callId: 'c1',
  score,
  ...fields,
});

/** Refs are plain strings (the processor uses the Kafka message). */
const tracker = () => new SurveyTracker<string>(horizonMs);

describe('track-surveys', () => {
  it('turns an answer into a fact with its call, gemeente, time and score, and acknowledges it', () => {
    const t = tracker();
    const out = SurveyTracker.output<string>();
    expect(t.apply(answer('s1', '2026-11-23T10:05:00+01:00', 4), 'm1', out)).toBe('applied');
    expect(out.facts).toEqual([
      {
        fact: {
          eventId: 's1',
          callId: 'c1',
          gemeente: 'GM0307',
          answeredAt: at('2026-11-23T09:05:00Z'),
          score: 4,
        },
        ref: 'm1',
      },
    ]);
    expect(out.done).toEqual(['m1']);
    expect(out.orphans).toEqual([]);
    expect(out.duplicates).toBe(0);
  });

  it('keeps every score 1..5 as given: the tracker does not judge satisfaction', () => {
    const t = tracker();
    const out = SurveyTracker.output<string>();
    const scores = [1, 2, 3, 4, 5] as const;
    for (const score of scores) {
      t.apply(
        answer(`s${score}`, '2026-11-23T10:05:00+01:00', score, { callId: `c${score}` }),
        `m${score}`,
        out,
      );
    }
    expect(out.facts.map(({ fact: f }) => [f.eventId, f.callId, f.score])).toEqual([
      ['s1', 'c1', 1],
      ['s2', 'c2', 2],
      ['s3', 'c3', 3],
      ['s4', 'c4', 4],
      ['s5', 'c5', 5],
    ]);
    expect(out.done).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('counts a redelivered answer (same eventId) once: the copy is acknowledged, not a second fact', () => {
    const t = tracker();
    const out = SurveyTracker.output<string>();
    const s = answer('s1', '2026-11-23T10:05:00+01:00', 5);
    expect(t.apply(s, 'm1', out)).toBe('applied');
    expect(t.apply(s, 'm2', out)).toBe('duplicate');
    expect(t.apply(s, 'm3', out)).toBe('duplicate');
    expect(out.facts.map(({ fact }) => fact.eventId)).toEqual(['s1']);
    expect(out.duplicates).toBe(2);
    expect(out.done).toEqual(['m1', 'm2', 'm3']);
  });

  it('recognises a redelivery across outputs (a later batch), while its id is remembered', () => {
    const t = tracker();
    const first = SurveyTracker.output<string>();
    t.apply(answer('s1', '2026-11-23T10:05:00+01:00', 2), 'm1', first);
    t.advance(at('2026-11-23T10:30:00+01:00'));
    const second = SurveyTracker.output<string>();
    expect(t.apply(answer('s1', '2026-11-23T10:05:00+01:00', 2), 'm2', second)).toBe('duplicate');
    expect(second.facts).toEqual([]);
    expect(second.duplicates).toBe(1);
    expect(second.done).toEqual(['m2']);
  });

  it('keys answers by eventId: two answers to the same call are two facts', () => {
    const t = tracker();
    const out = SurveyTracker.output<string>();
    t.apply(answer('s1', '2026-11-23T10:05:00+01:00', 2), 'm1', out);
    t.apply(answer('s2', '2026-11-23T10:05:30+01:00', 5), 'm2', out);
    expect(out.facts.map(({ fact: f }) => [f.eventId, f.callId, f.score])).toEqual([
      ['s1', 'c1', 2],
      ['s2', 'c1', 5],
    ]);
    expect(out.duplicates).toBe(0);
  });

  it('accepts answers in any order within the window: a late answer is still a fact', () => {
    const t = tracker();
    const out = SurveyTracker.output<string>();
    t.apply(answer('s2', '2026-11-23T11:00:00+01:00', 3), 'm2', out);
    t.advance(at('2026-11-23T11:00:00+01:00'));
    // 64 minutes older than the watermark: within lateness + correction window (65 min).
    expect(t.apply(answer('s1', '2026-11-23T09:56:00+01:00', 4), 'm1', out)).toBe('applied');
    expect(out.facts.map(({ fact }) => fact.eventId)).toEqual(['s2', 's1']);
    expect(out.orphans).toEqual([]);
  });

  it('hands an answer older than the window back as an orphan: not a fact and not acknowledged yet', () => {
    const t = tracker();
    const out = SurveyTracker.output<string>();
    t.advance(at('2026-11-23T12:00:00+01:00'));
    const old = answer('s1', '2026-11-23T10:30:00+01:00', 5);
    expect(t.apply(old, 'm1', out)).toBe('orphan');
    expect(out.orphans).toEqual([{ event: old, ref: 'm1' }]);
    expect(out.facts).toEqual([]);
    expect(out.done).toEqual([]);
    // An orphan is not remembered here: a copy is an orphan too, and settling decides (once) for both.
    expect(t.apply(old, 'm2', out)).toBe('orphan');
    expect(out.orphans.map((o) => o.ref)).toEqual(['m1', 'm2']);
    expect(out.duplicates).toBe(0);
  });

  it('puts the window edge at exactly watermark minus the window: at the edge is an orphan, 1 ms later a fact', () => {
    const t = tracker();
    const out = SurveyTracker.output<string>();
    const watermark = at('2026-11-23T12:00:00+01:00');
    t.advance(watermark);
    expect(t.apply(answer('edge', '2026-11-23T10:55:00+01:00', 3), 'm1', out)).toBe('orphan');
    const inside = {
      ...answer('inside', '2026-11-23T10:55:00+01:00', 3),
      occurredAt: watermark - horizonMs + 1,
    };
    expect(t.apply(inside, 'm2', out)).toBe('applied');
    expect(out.facts.map(({ fact }) => fact.eventId)).toEqual(['inside']);
    expect(out.orphans.map((o) => o.ref)).toEqual(['m1']);
  });

  it('remembers an id exactly as long as a copy could still be taken for a fresh answer', () => {
    const t = tracker();
    const out = SurveyTracker.output<string>();
    const s = answer('s1', '2026-11-23T10:00:00+01:00', 4);
    t.apply(s, 'm1', out);
    // 1 ms before the window has passed it: a copy is still a duplicate.
    t.advance(s.occurredAt + horizonMs - 1);
    expect(t.apply(s, 'm2', out)).toBe('duplicate');
    // Once the window has passed it the id is forgotten, and a copy is an orphan (settled against
    // the stored answers), never a second fact.
    t.advance(s.occurredAt + horizonMs);
    expect(t.apply(s, 'm3', out)).toBe('orphan');
    expect(out.facts.map(({ fact }) => fact.eventId)).toEqual(['s1']);
    expect(out.duplicates).toBe(1);
    expect(out.done).toEqual(['m1', 'm2']);
    expect(out.orphans.map((o) => o.ref)).toEqual(['m3']);
  });

  it('never moves the watermark back: an earlier advance does not reopen the window', () => {
    const t = tracker();
    const out = SurveyTracker.output<string>();
    t.advance(at('2026-11-23T12:00:00+01:00'));
    t.advance(at('2026-11-23T09:00:00+01:00'));
    expect(t.apply(answer('s1', '2026-11-23T10:30:00+01:00', 5), 'm1', out)).toBe('orphan');
    expect(out.facts).toEqual([]);
  });

  it('takes any answer before the first watermark, however old', () => {
    const t = tracker();
    const out = SurveyTracker.output<string>();
    expect(t.apply(answer('s1', '2020-01-01T00:00:00Z', 1), 'm1', out)).toBe('applied');
    expect(out.facts.map(({ fact }) => fact.eventId)).toEqual(['s1']);
  });
});
