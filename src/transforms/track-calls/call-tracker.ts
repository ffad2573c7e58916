/**
 * Tracks every open call, decides by event time when a call is final, and emits its facts.
 *
 * In: validated call events (with the pipeline's `Ref` for each) and watermark steps.
 * Out: facts of finalised calls, corrections of calls finalised earlier, rejected events, and
 * the refs of every event whose effect is now in emitted facts (so their offsets may be committed
 * once the sink acknowledged).
 *
 * Event time is per Kafka partition: the events of one call share a partition (the switch keys
 * them by call id), so a call is judged only by how far its own partition has been read, and a
 * quiet or slow partition holds back nothing but its own calls. The caller passes each partition's
 * watermark (`advance`); everything below about the watermark means the call's partition's.
 *
 * A call is final when the watermark passes its CALL_ENDED plus the allowed lateness, or its last
 * event plus the call timeout when it never ends. A finalised call is kept for `correctionMs`
 * more, so a late event recomputes its facts as a correction with a higher version; after that
 * the call is released, and a late event for it goes out as `orphan` for the pipeline to resolve
 * against the stored history (`resolve`). Memory is bounded by the calls of the last lateness +
 * correction window.
 *
 * An event of a call not in memory is an orphan when the call may have been stored before: older
 * than what this tracker released (watermark - lateness - correction), or than `storedBefore`, which
 * the caller derives from what the store says of the event's partition (its stored watermark minus
 * the lateness: another processor, or this one before a restart, finalised what ended before it).
 * Being an orphan only costs a lookup: `resolve` restates a stored final call, and rebuilds a call
 * that is not final yet as an open call, whatever its age.
 */
import type { CallFacts, RejectedEvent, TrackingContext } from './call-state.ts';
import { CallState } from './call-state.ts';
import { DeadlineQueue } from '../shared/deadline-queue.ts';
import type { CallStateEvent } from '../../events/call-event.ts';

export interface CallTrackerOptions<Ref> {
  /** Events up to this much behind the watermark still count before the call is finalised. */
  readonly allowedLatenessMs: number;
  /** A call with no CALL_ENDED is closed this long after its last event. */
  readonly callTimeoutMs: number;
  /** How long a finalised call is kept for in-memory corrections. */
  readonly correctionMs: number;
  /** The Kafka partition a message came from. */
  readonly partitionOf: (ref: Ref) => number;
}

export interface TrackerOutput<Ref> {
  /**
   * Facts of calls final now, or recomputed after a late event; a recomputation carries the facts
   * it replaces in `previous`, so sinks can retract what they counted before.
   */
  readonly finalized: FinalizedCall<Ref>[];
  /** Events rejected while applying (conflicts); facts-time rejections are inside `finalized`. */
  readonly rejected: RejectedEvent<Ref>[];
  /** Events for calls released from memory, too old to start a new call: resolve against history. */
  readonly orphans: { event: CallStateEvent; ref: Ref }[];
  /** Events whose effect is complete (in `finalized` facts, duplicates, rejections). */
  readonly done: Ref[];
  readonly duplicates: number;
  /** Stored final facts written again unchanged (only replays of stored events were resolved). */
  readonly restated: PartitionedCallFacts<Ref>[];
}

/** A call's facts with the Kafka partition of its events (that of its first event). */
export interface PartitionedCallFacts<Ref> extends CallFacts<Ref> {
  readonly partition: number;
}

export interface FinalizedCall<Ref> extends PartitionedCallFacts<Ref> {
  /** The facts emitted before for this call; undefined the first time. */
  readonly previous: CallFacts<Ref> | undefined;
  /** The events this finalisation released (all of the call's events the first time). */
  readonly refs: readonly Ref[];
}

interface Entry<Ref> {
  /** The partition whose event time decides when the call is final (that of its first event). */
  readonly partition: number;
  state: CallState<Ref>;
  /** The facts last emitted; undefined while the call is open. */
  emitted: CallFacts<Ref> | undefined;
}

/** One partition's event time and the deadlines of its calls. */
interface Lane {
  watermark: number;
  readonly finalizeAt: DeadlineQueue;
  readonly releaseAt: DeadlineQueue;
}

export class CallTracker<Ref> {
  readonly #calls = new Map<string, Entry<Ref>>();
  readonly #lanes = new Map<number, Lane>();
  readonly #options: CallTrackerOptions<Ref>;
  readonly #context: TrackingContext;

  constructor(context: TrackingContext, options: CallTrackerOptions<Ref>) {
    this.#context = context;
    this.#options = options;
  }

  /** Calls not yet final. */
  get openCalls(): number {
    let open = 0;
    for (const lane of this.#lanes.values()) open += lane.finalizeAt.size;
    return open;
  }

  /**
   * Forgets the calls of partitions this consumer lost in a rebalance, open and final alike: the
   * new owner replays the open ones from the committed offset, and settles late events of the
   * final ones against the store. Returns how many open calls were dropped.
   */
  dropPartitions(lost: ReadonlySet<number>): number {
    let dropped = 0;
    for (const [callId, entry] of this.#calls) {
      if (!lost.has(entry.partition)) continue;
      this.#calls.delete(callId);
      if (entry.emitted === undefined) dropped++;
    }
    for (const partition of lost) this.#lanes.delete(partition);
    return dropped;
  }

  /** Calls in memory: open plus finalised ones kept for corrections. */
  get callsInMemory(): number {
    return this.#calls.size;
  }

  /** How far a partition's event time has moved here (-Infinity before its first step). */
  watermarkOf(partition: number): number {
    return this.#lanes.get(partition)?.watermark ?? Number.NEGATIVE_INFINITY;
  }

  /** A fresh, empty output to collect into. */
  static output<Ref>(): TrackerOutput<Ref> {
    return { finalized: [], rejected: [], orphans: [], done: [], duplicates: 0, restated: [] };
  }

  /** Events of the lane at or before this instant, of calls not in memory, may belong to calls this tracker released. */
  #releasedBefore(lane: Lane): number {
    return lane.watermark - this.#options.allowedLatenessMs - this.#options.correctionMs;
  }

  #lane(partition: number): Lane {
    let lane = this.#lanes.get(partition);
    if (lane === undefined) {
      lane = {
        watermark: Number.NEGATIVE_INFINITY,
        finalizeAt: new DeadlineQueue(),
        releaseAt: new DeadlineQueue(),
      };
      this.#lanes.set(partition, lane);
    }
    return lane;
  }

  /**
   * Applies one event; results are appended to `out`. Returns what became of the event.
   * `storedBefore`: events at or before it, of calls not in memory, may belong to calls another
   * processor finalised and stored (from the stored watermark of the event's partition).
   */
  apply(
    event: CallStateEvent,
    ref: Ref,
    out: TrackerOutput<Ref>,
    storedBefore = Number.NEGATIVE_INFINITY,
  ): 'applied' | 'duplicate' | 'rejected' | 'orphan' {
    let entry = this.#calls.get(event.callId);
    const created = entry === undefined;
    if (entry === undefined) {
      const partition = this.#options.partitionOf(ref);
      // A call we do not hold, whose event is older than anything we could still hold: it was
      // finalised and released before (or before a restart), so it must not start a fresh call.
      if (event.occurredAt <= Math.max(this.#releasedBefore(this.#lane(partition)), storedBefore)) {
        out.orphans.push({ event, ref });
        return 'orphan';
      }
      entry = {
        partition,
        state: new CallState<Ref>(event.callId, event.gemeente, event.occurredAt),
        emitted: undefined,
      };
      this.#calls.set(event.callId, entry);
    }
    const result = entry.state.apply(event, ref);
    if (result.kind === 'attached') {
      // A replay of a stored event: held with an open call, done at once for a final one.
      if (entry.emitted !== undefined) out.done.push(...entry.state.refs.splice(0));
      (out as { duplicates: number }).duplicates++;
      return 'duplicate';
    }
    if (result.kind === 'duplicate') {
      (out as { duplicates: number }).duplicates++;
      out.done.push(ref);
      return 'duplicate';
    }
    if (result.kind === 'rejected') {
      out.rejected.push(result);
      out.done.push(ref);
      if (created) this.#calls.delete(event.callId);
      return 'rejected';
    }
    if (entry.emitted !== undefined) {
      // A late event for a call already final: recompute now, as a correction.
      this.#emit(entry, out);
      return 'applied';
    }
    this.#lane(entry.partition).finalizeAt.set(event.callId, this.#finalizeDeadline(entry.state));
    return 'applied';
  }

  /**
   * Settles orphans of one call against what the store holds of it: `history` (its events in the
   * ledger) and `final` (whether its facts are stored). A final call is restated with the orphans
   * applied (a correction with a higher version), or written again unchanged when they were only
   * replays. A call that is not final is live: it is rebuilt in memory from its history and
   * tracked to its end like any other, whatever its age. Returns the orphans applied.
   */
  resolve(
    callId: string,
    stored: { readonly history: readonly CallStateEvent[]; readonly final: boolean },
    orphans: readonly { event: CallStateEvent; ref: Ref }[],
    out: TrackerOutput<Ref>,
  ): { event: CallStateEvent; ref: Ref }[] {
    const first = orphans[0];
    if (first === undefined) return [];
    const earliest = Math.min(
      ...stored.history.map((e) => e.occurredAt),
      ...orphans.map((o) => o.event.occurredAt),
    );
    // The call belongs to the gemeente of its stored events (accepted, so all the same one): a
    // late event naming another is rejected when applied, as it would be in memory.
    const gemeente = stored.history[0]?.gemeente ?? first.event.gemeente;
    const recalled = (): CallState<Ref> => {
      const state = new CallState<Ref>(callId, gemeente, earliest);
      for (const e of stored.history) state.recall(e);
      return state;
    };
    let entry = this.#calls.get(callId);
    if (entry === undefined) {
      entry = { partition: this.#options.partitionOf(first.ref), state: recalled(), emitted: undefined };
      this.#calls.set(callId, entry);
    } else {
      for (const e of stored.history) entry.state.recall(e);
    }
    if (stored.final && entry.emitted === undefined) {
      // Final in the store though open here (events that came before anyone knew): what is
      // stored is what the correction replaces.
      const before = recalled();
      const facts = before.computeFacts(this.#context, before.lastEventAt + this.#options.callTimeoutMs);
      entry.emitted = { ...facts, rejected: [] };
    }
    const applied: { event: CallStateEvent; ref: Ref }[] = [];
    for (const orphan of orphans) {
      const result = entry.state.apply(orphan.event, orphan.ref);
      if (result.kind === 'applied') {
        applied.push(orphan);
      } else if (result.kind === 'attached') {
        // Held with the call: released when its facts are (re)stored below or when it ends.
        (out as { duplicates: number }).duplicates++;
      } else {
        if (result.kind === 'duplicate') (out as { duplicates: number }).duplicates++;
        else out.rejected.push(result);
        out.done.push(orphan.ref);
      }
    }
    const lane = this.#lane(entry.partition);
    if (entry.emitted === undefined) {
      lane.finalizeAt.set(callId, this.#finalizeDeadline(entry.state));
    } else if (entry.state.eventIds.length > entry.emitted.call.version) {
      // The call knows more than its facts did (orphans applied, history recalled into a call
      // finalised here from part of its events): a correction.
      this.#emit(entry, out);
    } else {
      // Only replays of stored events: write the stored facts again (a crash may have left their
      // rollups behind); nothing changed, so nothing is counted.
      out.restated.push({ ...entry.emitted, partition: entry.partition });
      out.done.push(...entry.state.refs.splice(0));
      lane.finalizeAt.delete(callId);
      lane.releaseAt.set(callId, this.#finalizeDeadline(entry.state) + this.#options.correctionMs);
    }
    return applied;
  }

  /**
   * Moves a partition's watermark forward (it never goes back) and finalises and releases its
   * calls that are due.
   */
  advance(partition: number, watermark: number, out: TrackerOutput<Ref>): void {
    const lane = this.#lane(partition);
    if (watermark > lane.watermark) lane.watermark = watermark;
    for (const callId of lane.finalizeAt.popDue(lane.watermark)) {
      const entry = this.#calls.get(callId);
      if (entry !== undefined) this.#emit(entry, out);
    }
    for (const callId of lane.releaseAt.popDue(lane.watermark)) this.#calls.delete(callId);
  }

  /** Finalises every open call now, whatever the watermarks (end of a bounded input, shutdown drain). */
  flushAll(out: TrackerOutput<Ref>): void {
    for (const lane of this.#lanes.values()) {
      for (const callId of lane.finalizeAt.popDue(Number.POSITIVE_INFINITY)) {
        const entry = this.#calls.get(callId);
        if (entry !== undefined) this.#emit(entry, out);
      }
    }
  }

  #finalizeDeadline(state: CallState<Ref>): number {
    return state.ended !== undefined
      ? state.ended.event.occurredAt + this.#options.allowedLatenessMs
      : state.lastEventAt + this.#options.callTimeoutMs;
  }

  #emit(entry: Entry<Ref>, out: TrackerOutput<Ref>): void {
    const state = entry.state;
    const facts = state.computeFacts(this.#context, state.lastEventAt + this.#options.callTimeoutMs);
    state.discard(facts.rejected);
    const refs = state.refs.splice(0);
    out.finalized.push({ ...facts, previous: entry.emitted, refs, partition: entry.partition });
    entry.emitted = { ...facts, rejected: [] };
    out.done.push(...refs);
    const lane = this.#lane(entry.partition);
    lane.finalizeAt.delete(state.callId);
    lane.releaseAt.set(state.callId, this.#finalizeDeadline(state) + this.#options.correctionMs);
  }
}
