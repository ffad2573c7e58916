/**
 * Turns a call's events into scheduled Kafka messages, and injects the faults a real switch and its
 * transport show: redeliveries, late events, shuffled calls, calls whose end is never reported,
 * malformed bytes and invalid events.
 *
 * In: a CallPlan and its events, the fault rates, a random stream of its own (so faults never change
 * the traffic). Out: messages pushed onto the delivery queue, and a log of what was injected (the
 * ground truth's delivery counts and expected dead letters).
 *
 * Rules that keep the ground truth exact:
 * - a message is never delivered before its event happened (deliverAt >= occurredAt), so the
 *   simulator can release messages in order while it is still generating later calls;
 * - duplicates, late and shuffled deliveries only move real events in time: the counts stay;
 * - invalid and malformed messages are extra: they use fresh call ids (or, for the survey score,
 *   an event the processor rejects at the edge), so no real call is touched;
 * - a contradiction (a second outcome, with a new eventId, for an already answered or ended leg)
 *   is only added to a call that ends normally and whose events are all delivered on time and in
 *   order, and it is delivered after the real outcome, so the processor always sees that first.
 */
import type { RawCallEvent } from '../events/call-event.ts';
import type { DeadLetterReason } from '../events/dead-letter.ts';
import { callbackEvents, callEvents, switchEvent } from './call-events.ts';
import type { CallPlan } from './call-plan.ts';
import type { DeliveryQueue } from './delivery-queue.ts';
import type { DeliveryLog } from './ground-truth.ts';
import type { SimMessage } from './message.ts';
import type { FaultOptions } from './options.ts';
import type { Random } from './random.ts';

const YEAR_1990 = Date.UTC(1990, 0, 1);
const DAYS_365_MS = 365 * 24 * 3600 * 1000;

export interface FaultContext {
  readonly faults: FaultOptions;
  readonly random: Random;
  /** processing.allowedLatenessSeconds in ms: "late but within" stays below it. */
  readonly allowedLatenessMs: number;
  /** Tag for fresh ids of extra messages. */
  readonly runId: string;
  /** Configured queue ids per gemeente, to pick a queue and a gemeente that do not exist. */
  readonly queueIds: ReadonlyMap<string, ReadonlySet<string>>;
}

export class FaultInjector {
  readonly #f: FaultOptions;
  readonly #r: Random;
  readonly #context: FaultContext;
  readonly #log: DeliveryLog;
  readonly #queue: DeliveryQueue<SimMessage>;
  #extraSeq = 0;
  readonly #unknownGemeente: string;
  // Reused per call: when each of the call's events is delivered.
  readonly #deliverAt: number[] = [];

  constructor(context: FaultContext, queue: DeliveryQueue<SimMessage>, log: DeliveryLog) {
    this.#context = context;
    this.#f = context.faults;
    this.#r = context.random;
    this.#queue = queue;
    this.#log = log;
    let code = 9999;
    while (context.queueIds.has(`GM${code}`)) code--;
    this.#unknownGemeente = `GM${code}`;
  }

  /** Whether the switch reports the end of the next call; false for a "never ended" fault. */
  reportsEnd(): boolean {
    return !this.#r.chance(this.#f.neverEndedRate);
  }

  /** Schedules every message of a planned call: its events, its callbacks' events, and any extras. */
  schedule(plan: CallPlan): void {
    const r = this.#r;
    const f = this.#f;
    const events = callEvents(plan);
    const deliverAt = this.#deliverAt;
    deliverAt.length = events.length;
    const shuffled = events.length > 1 && r.chance(f.outOfOrderRate);
    if (shuffled) {
      // Held back and delivered together, shuffled, at the call's last event.
      const last = (events[events.length - 1] as RawCallEvent).occurredAt;
      const order = events.map((_, i) => i);
      r.shuffle(order);
      if (order.every((v, i) => v === i)) order.reverse();
      for (const i of order) {
        deliverAt[i] = last;
        this.#push(plan.callId, last, events[i] as RawCallEvent);
      }
      this.#log.outOfOrderCall();
    } else {
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as RawCallEvent;
        const at = this.#deliveryTime(event);
        deliverAt[i] = at;
        this.#push(plan.callId, at, event);
      }
    }
    for (let i = 0; i < events.length; i++)
      this.#maybeDuplicate(plan.callId, deliverAt[i] as number, events[i] as RawCallEvent);
    for (const cb of plan.callbacks) {
      for (const event of callbackEvents(plan, cb)) {
        const at = this.#deliveryTime(event);
        this.#push(cb.callbackId, at, event);
        this.#maybeDuplicate(cb.callbackId, at, event);
      }
    }
    this.#extras(plan, events, shuffled);
  }

  #push(key: string, deliverAt: number, event: RawCallEvent): void {
    this.#queue.push(deliverAt, { key, deliverAt, payload: { kind: 'event', event } });
    this.#log.message();
    this.#log.realEvent();
  }

  #deliveryTime(event: RawCallEvent): number {
    const r = this.#r;
    if (!r.chance(this.#f.lateRate)) return event.occurredAt;
    const beyond = r.chance(this.#f.lateBeyondShare);
    this.#log.late(beyond);
    if (beyond) return event.occurredAt + this.#f.lateBeyondMs + r.int(0, 60_000);
    const within = Math.max(10_001, Math.floor(this.#context.allowedLatenessMs * 0.8));
    return event.occurredAt + r.int(10_000, within);
  }

  #maybeDuplicate(key: string, deliveredAt: number, event: RawCallEvent): void {
    if (!this.#r.chance(this.#f.duplicateRate)) return;
    const at = deliveredAt + this.#r.int(1000, 600_000);
    this.#queue.push(at, { key, deliverAt: at, payload: { kind: 'event', event } });
    this.#log.message();
    this.#log.duplicate();
  }

  #extra(key: string, deliverAt: number, event: RawCallEvent, reason: DeadLetterReason): void {
    this.#queue.push(deliverAt, {
      key,
      deliverAt,
      payload: { kind: 'event', event },
      expectedDeadLetter: reason,
    });
    this.#log.message();
    this.#log.deadLetter(reason);
  }

  #freshId(plan: CallPlan, kind: 'x' | 'm'): string {
    return `${plan.gemeente}-${this.#context.runId}-${kind}${++this.#extraSeq}`;
  }

  #extras(plan: CallPlan, events: readonly RawCallEvent[], shuffled: boolean): void {
    const r = this.#r;
    const f = this.#f;
    const g = plan.gemeente;
    const near = () => plan.startedAt + r.int(0, 60_000);
    for (const fault of ['wrong-magic-byte', 'unknown-schema-id', 'undecodable'] as const) {
      const rate =
        fault === 'wrong-magic-byte'
          ? f.wrongMagicByteRate
          : fault === 'unknown-schema-id'
            ? f.unknownSchemaIdRate
            : f.undecodableRate;
      if (!r.chance(rate)) continue;
      const at = near();
      this.#queue.push(at, {
        key: this.#freshId(plan, 'm'),
        deliverAt: at,
        payload: { kind: 'malformed', fault },
        expectedDeadLetter: fault,
      });
      this.#log.message();
      this.#log.deadLetter(fault);
    }
    const kcc = plan.legs[0]?.queue ?? 'kcc';
    if (r.chance(f.missingFieldRate)) {
      const callId = this.#freshId(plan, 'x');
      const at = near();
      this.#extra(
        callId,
        at,
        switchEvent(`${callId}-e1`, 'QUEUE_ENTERED', at, g, { callId, queue: kcc }),
        'missing-field',
      );
    }
    if (r.chance(f.unknownQueueRate)) {
      const callId = this.#freshId(plan, 'x');
      const at = near();
      const event = switchEvent(`${callId}-e1`, 'QUEUE_ENTERED', at, g, {
        callId,
        legId: `${callId}-l1`,
        queue: this.#unknownQueue(g),
      });
      this.#extra(callId, at, event, 'unknown-queue');
    }
    if (r.chance(f.unknownGemeenteRate)) {
      const callId = this.#freshId(plan, 'x');
      const at = near();
      const event = switchEvent(`${callId}-e1`, 'CALL_STARTED', at, this.#unknownGemeente, {
        callId,
        dialledNumber: plan.dialledNumber,
      });
      this.#extra(callId, at, event, 'unknown-gemeente');
    }
    if (r.chance(f.impossibleTimestampRate)) {
      const callId = this.#freshId(plan, 'x');
      const at = near();
      // The switch clock reset to 1990: same time of year, 1990.
      const occurredAt =
        YEAR_1990 + ((((plan.startedAt - YEAR_1990) % DAYS_365_MS) + DAYS_365_MS) % DAYS_365_MS);
      const event = switchEvent(`${callId}-e1`, 'CALL_STARTED', occurredAt, g, {
        callId,
        dialledNumber: plan.dialledNumber,
      });
      this.#extra(callId, at, event, 'impossible-timestamp');
    }
    if (r.chance(f.invalidValueRate)) {
      // Score 7 on the real call: rejected at the edge, so the call itself is untouched.
      const at = plan.endedAt + r.int(10_000, 90_000);
      const event = switchEvent(`${plan.callId}-xs`, 'SURVEY_ANSWERED', at, g, {
        callId: plan.callId,
        surveyScore: 7,
      });
      this.#extra(plan.callId, at, event, 'invalid-value');
    }
    if (r.chance(f.contradictionRate) && plan.endReported && !shuffled) this.#contradiction(plan, events);
  }

  #contradiction(plan: CallPlan, events: readonly RawCallEvent[]): void {
    // Only for a call delivered entirely on time, so the processor holds its real outcome (and the
    // leg it belongs to) when the contradiction arrives.
    for (let i = 0; i < events.length; i++) if (this.#deliverAt[i] !== events[i]?.occurredAt) return;
    for (let i = 0; i < events.length; i++) {
      const real = events[i] as RawCallEvent;
      const realAt = this.#deliverAt[i] as number;
      if (real.type !== 'ANSWERED' && real.type !== 'ABANDONED' && real.type !== 'TIMED_OUT') continue;
      const type = real.type === 'ANSWERED' ? 'ABANDONED' : 'ANSWERED';
      const occurredAt = Math.min(real.occurredAt + 1000, plan.endedAt);
      const event = switchEvent(`${plan.callId}-xc`, type, occurredAt, plan.gemeente, {
        callId: plan.callId,
        legId: real.legId,
        agentId: type === 'ANSWERED' ? 'kcc-a99' : null,
      });
      const at = Math.max(realAt, occurredAt) + this.#r.int(1000, 60_000);
      this.#extra(plan.callId, at, event, 'contradicts-call-state');
      return;
    }
  }

  #unknownQueue(gemeente: string): string {
    const known = this.#context.queueIds.get(gemeente);
    let name = 'bouwvergunningen';
    for (let i = 2; known?.has(name) === true; i++) name = `bouwvergunningen-${i}`;
    return name;
  }
}
