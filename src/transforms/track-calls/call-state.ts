/**
 * The state of one call while its events arrive, in any order and possibly twice, and the
 * computation of its facts once it is final. Pure: no clock, no I/O. `Ref` is whatever the
 * pipeline attaches to an event (its Kafka position and bytes), handed back on rejection and
 * release so offsets can be committed and dead letters carry the original bytes.
 */
import { isShortAbandon, isWithinServiceLevel, type Norm } from '../../domain/norm.ts';
import type {
  CallEnded,
  CallStarted,
  CallStateEvent,
  LegEnded,
  QueueEntered,
} from '../../events/call-event.ts';
import type { Rejection } from '../../events/dead-letter.ts';
import type { CallFact, LegFact, LegOutcome, OutcomeSource } from '../../events/facts.ts';

export interface TrackingContext {
  readonly norm: Norm;
  /** Whether a gemeente's queue was open at an instant (opening hours, holidays, closing days). */
  isQueueOpen(gemeente: string, queue: string, atMs: number): boolean;
}

export interface Tracked<Ref> {
  readonly event: CallStateEvent;
  /** Undefined for an event recalled from the stored history: it has no message in this process. */
  readonly ref: Ref | undefined;
}

export interface RejectedEvent<Ref> extends Rejection {
  readonly event: CallStateEvent;
  readonly ref: Ref;
}

/**
 * `attached`: a redelivery of an event recalled from the store; its message now stays with the
 * call (acknowledged when the call's facts are stored), as when it was first read.
 */
export type ApplyResult<Ref> =
  | { kind: 'applied' }
  | { kind: 'attached' }
  | { kind: 'duplicate' }
  | ({ kind: 'rejected' } & RejectedEvent<Ref>);

interface LegState<Ref> {
  entered?: Tracked<Ref> & { event: QueueEntered };
  ended?: Tracked<Ref> & { event: LegEnded };
}

export interface CallFacts<Ref> {
  readonly call: CallFact;
  readonly legs: readonly LegFact[];
  /** Events found to contradict the rest of the call when its facts were computed. */
  readonly rejected: readonly RejectedEvent<Ref>[];
  /**
   * Legs with an outcome but no QUEUE_ENTERED yet: not counted (their queue and window are
   * unknown) and not rejected, because the QUEUE_ENTERED may still arrive late and complete them.
   */
  readonly incompleteLegs: number;
}

const outcomeOf = { ANSWERED: 'answered', ABANDONED: 'abandoned', TIMED_OUT: 'timed_out' } as const;

export class CallState<Ref> {
  readonly callId: string;
  readonly gemeente: string;
  /** Latest event time seen for this call. */
  lastEventAt: number;
  started: (Tracked<Ref> & { event: CallStarted }) | undefined;
  ended: (Tracked<Ref> & { event: CallEnded }) | undefined;
  readonly legs = new Map<string, LegState<Ref>>();
  /**
   * The ids of the events applied. A call has a handful, so a list is searched faster than a set
   * is made: a set per call was a large share of what outlived V8's young generation.
   */
  readonly eventIds: string[] = [];
  /** Events recalled from the store whose message this process has not read (yet); rare, so made when needed. */
  #recalled: Set<string> | undefined;
  /** Every event applied, in arrival order: released together when the call is done. */
  readonly refs: Ref[] = [];

  constructor(callId: string, gemeente: string, firstEventAt: number) {
    this.callId = callId;
    this.gemeente = gemeente;
    this.lastEventAt = firstEventAt;
  }

  /** Adds an event; a repeated eventId is a duplicate, an event that conflicts with one already applied is rejected. */
  apply(event: CallStateEvent, ref: Ref): ApplyResult<Ref> {
    if (this.eventIds.includes(event.eventId)) {
      if (this.#recalled?.delete(event.eventId) !== true) return { kind: 'duplicate' };
      this.refs.push(ref);
      this.#attach(event.eventId, ref);
      return { kind: 'attached' };
    }
    const conflict = this.#conflict(event);
    if (conflict !== undefined)
      return { kind: 'rejected', reason: 'contradicts-call-state', detail: conflict, event, ref };
    this.refs.push(ref);
    this.#add(event, ref);
    return { kind: 'applied' };
  }

  /**
   * Adds an event the store already holds (the ledger), with no message of this process behind
   * it: nothing to acknowledge or dead-letter. One that conflicts or repeats is left out.
   */
  recall(event: CallStateEvent): void {
    if (this.eventIds.includes(event.eventId) || this.#conflict(event) !== undefined) return;
    (this.#recalled ??= new Set()).add(event.eventId);
    this.#add(event, undefined);
  }

  /** Gives a recalled event its message, so a rejection of it can be dead-lettered with the original bytes. */
  #attach(eventId: string, ref: Ref): void {
    const tracked = [
      this.started,
      this.ended,
      ...[...this.legs.values()].flatMap((l) => [l.entered, l.ended]),
    ];
    for (const t of tracked) if (t?.event.eventId === eventId) (t as { ref: Ref | undefined }).ref = ref;
  }

  #add(event: CallStateEvent, ref: Ref | undefined): void {
    this.eventIds.push(event.eventId);
    if (event.occurredAt > this.lastEventAt) this.lastEventAt = event.occurredAt;
    switch (event.type) {
      case 'CALL_STARTED':
        this.started = { event, ref };
        break;
      case 'CALL_ENDED':
        this.ended = { event, ref };
        break;
      case 'QUEUE_ENTERED':
        this.#leg(event.legId).entered = { event, ref };
        break;
      default:
        this.#leg(event.legId).ended = { event, ref };
    }
  }

  #leg(legId: string): LegState<Ref> {
    let leg = this.legs.get(legId);
    if (leg === undefined) {
      leg = {};
      this.legs.set(legId, leg);
    }
    return leg;
  }

  #conflict(event: CallStateEvent): string | undefined {
    const id = `${event.type} ${event.eventId} of call ${this.callId}`;
    if (event.gemeente !== this.gemeente)
      return `${id}: gemeente ${event.gemeente}, but the call belongs to ${this.gemeente}`;
    switch (event.type) {
      case 'CALL_STARTED':
        return this.started === undefined
          ? undefined
          : `${id}: the call already started (event ${this.started.event.eventId})`;
      case 'CALL_ENDED':
        return this.ended === undefined
          ? undefined
          : `${id}: the call already ended (event ${this.ended.event.eventId})`;
      case 'QUEUE_ENTERED': {
        const existing = this.legs.get(event.legId)?.entered;
        return existing === undefined
          ? undefined
          : `${id}: leg ${event.legId} already entered a queue (event ${existing.event.eventId})`;
      }
      default: {
        const existing = this.legs.get(event.legId)?.ended;
        return existing === undefined
          ? undefined
          : `${id}: leg ${event.legId} already ended with ${existing.event.type} (event ${existing.event.eventId})`;
      }
    }
  }

  /** Takes events that computeFacts rejected out of the state, so a recomputation does not reject them again. */
  discard(rejected: readonly RejectedEvent<Ref>[]): void {
    for (const { event } of rejected) {
      if (event.type === 'QUEUE_ENTERED') {
        const leg = this.legs.get(event.legId);
        if (leg !== undefined) delete leg.entered;
      } else if (event.type === 'ANSWERED' || event.type === 'ABANDONED' || event.type === 'TIMED_OUT') {
        const leg = this.legs.get(event.legId);
        if (leg !== undefined) delete leg.ended;
      }
    }
  }

  /**
   * The call's facts as of now. `closedAt` is when the call counts as over: its CALL_ENDED, or
   * the timeout moment when it never ended. Legs without an outcome count as abandoned then.
   */
  computeFacts(context: TrackingContext, timeoutAt: number): CallFacts<Ref> {
    const rejected: RejectedEvent<Ref>[] = [];
    const endedAt = this.ended?.event.occurredAt ?? timeoutAt;
    const endSource = this.ended === undefined ? 'call_timeout' : 'call_ended';

    // Legs that really entered a queue (before the call ended), with consistent outcomes.
    const valid: { entered: QueueEntered; ended: LegEnded | undefined }[] = [];
    let incompleteLegs = 0;
    for (const [legId, leg] of this.legs) {
      if (leg.entered === undefined) {
        if (leg.ended !== undefined) incompleteLegs++;
        continue;
      }
      const entered = leg.entered.event;
      if (entered.occurredAt > endedAt) {
        rejectTracked(
          rejected,
          leg.entered,
          `leg ${legId} of call ${this.callId} entered ${entered.queue} after the call ended`,
        );
        if (leg.ended !== undefined)
          rejectTracked(
            rejected,
            leg.ended,
            `${leg.ended.event.type} for leg ${legId}, which entered after the call ended`,
          );
        continue;
      }
      let ended = leg.ended?.event;
      if (
        ended !== undefined &&
        leg.ended !== undefined &&
        (ended.occurredAt < entered.occurredAt || ended.occurredAt > endedAt)
      ) {
        rejectTracked(
          rejected,
          leg.ended,
          `${ended.type} for leg ${legId} of call ${this.callId} at ${new Date(ended.occurredAt).toISOString()} is ` +
            (ended.occurredAt < entered.occurredAt
              ? 'before the leg entered its queue'
              : 'after the call ended'),
        );
        ended = undefined;
      }
      valid.push({ entered, ended });
    }

    // A transfer shows only as a new leg naming the answered leg it came from.
    const transferredFrom = new Set<string>();
    for (const { entered } of valid)
      if (entered.transferredFromLegId !== null) transferredFrom.add(entered.transferredFromLegId);

    // Every event the facts know of, rejected ones included: a replay that sees only part of a call
    // yields a lower version than the complete call, so the stored, fully informed facts win.
    const version = this.eventIds.length;
    const legs: LegFact[] = valid.map(({ entered, ended }) => {
      const outcome: LegOutcome = ended === undefined ? 'abandoned' : outcomeOf[ended.type];
      const outcomeSource: OutcomeSource = ended !== undefined ? 'event' : endSource;
      const outcomeAt = ended?.occurredAt ?? endedAt;
      const waitMs = outcomeAt - entered.occurredAt;
      const category = !context.isQueueOpen(this.gemeente, entered.queue, entered.occurredAt)
        ? 'out_of_hours'
        : outcome === 'abandoned' && isShortAbandon(waitMs, context.norm)
          ? 'short_abandoned'
          : 'offered';
      const answered = outcome === 'answered';
      return {
        legId: entered.legId,
        callId: this.callId,
        gemeente: this.gemeente,
        queue: entered.queue,
        enteredAt: entered.occurredAt,
        outcome,
        outcomeSource,
        outcomeAt,
        waitMs,
        category,
        withinServiceLevel: category === 'offered' && answered && isWithinServiceLevel(waitMs, context.norm),
        transferredFromLegId: entered.transferredFromLegId,
        transferredOut: category === 'offered' && answered && transferredFrom.has(entered.legId),
        agentId: ended?.type === 'ANSWERED' ? ended.agentId : null,
        normId: context.norm.id,
        version,
      };
    });
    legs.sort((a, b) => a.enteredAt - b.enteredAt || (a.legId < b.legId ? -1 : a.legId > b.legId ? 1 : 0));

    const offered = legs.filter((l) => l.category === 'offered');
    const lastOffered = offered.at(-1);
    const started = this.started?.event;
    const call: CallFact = {
      callId: this.callId,
      gemeente: this.gemeente,
      startedAt: started?.occurredAt ?? null,
      endedAt,
      endSource,
      callerKey: started?.callerKey ?? null,
      dialledNumber: started?.dialledNumber ?? null,
      legs: legs.length,
      offeredLegs: offered.length,
      firstOfferedAt: offered[0]?.enteredAt ?? null,
      lastOfferedAnswered: lastOffered === undefined ? null : lastOffered.outcome === 'answered',
      version,
    };
    return { call, legs, rejected, incompleteLegs };
  }
}

/** Notes an event the call's state contradicts (a function, not a closure: computeFacts runs for every call). */
function rejectTracked<Ref>(rejected: RejectedEvent<Ref>[], tracked: Tracked<Ref>, detail: string): void {
  // A recalled event has no message to dead-letter: it is only left out of the facts.
  if (tracked.ref !== undefined)
    rejected.push({ reason: 'contradicts-call-state', detail, event: tracked.event, ref: tracked.ref });
}
