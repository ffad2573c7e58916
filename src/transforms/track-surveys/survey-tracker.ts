/**
 * Satisfaction answers: each SURVEY_ANSWERED is a fact of its own, keyed by its eventId. The
 * tracker only drops redeliveries (remembering ids for the lateness and correction window) and
 * hands events older than that back as orphans, to be checked against the stored history.
 */
import type { SurveyAnswered } from '../../events/call-event.ts';
import { DeadlineQueue } from '../shared/deadline-queue.ts';
import type { SurveyFact } from '../../events/facts.ts';

export interface SurveyOutput<Ref> {
  /** Each fact with the event it came from. */
  readonly facts: { fact: SurveyFact; ref: Ref }[];
  readonly orphans: { event: SurveyAnswered; ref: Ref }[];
  readonly done: Ref[];
  duplicates: number;
}

export class SurveyTracker<Ref> {
  readonly #seen = new DeadlineQueue();
  #watermark = Number.NEGATIVE_INFINITY;
  readonly #horizonMs: number;

  /** @param horizonMs how long after the watermark passes an answer its id is remembered (lateness + correction window). */
  constructor(horizonMs: number) {
    this.#horizonMs = horizonMs;
  }

  static output<Ref>(): SurveyOutput<Ref> {
    return { facts: [], orphans: [], done: [], duplicates: 0 };
  }

  /** Applies one answer; returns what became of it. */
  apply(event: SurveyAnswered, ref: Ref, out: SurveyOutput<Ref>): 'applied' | 'duplicate' | 'orphan' {
    if (this.#seen.has(event.eventId)) {
      out.duplicates++;
      out.done.push(ref);
      return 'duplicate';
    }
    if (event.occurredAt <= this.#watermark - this.#horizonMs) {
      out.orphans.push({ event, ref });
      return 'orphan';
    }
    this.#seen.set(event.eventId, event.occurredAt + this.#horizonMs);
    const fact: SurveyFact = {
      eventId: event.eventId,
      callId: event.callId,
      gemeente: event.gemeente,
      answeredAt: event.occurredAt,
      score: event.score,
    };
    out.facts.push({ fact, ref });
    out.done.push(ref);
    return 'applied';
  }

  advance(watermark: number): void {
    if (watermark > this.#watermark) this.#watermark = watermark;
    this.#seen.popDue(this.#watermark);
  }
}
