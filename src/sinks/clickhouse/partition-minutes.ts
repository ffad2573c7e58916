/**
 * The minute rollup rows of the partitions a processor owns, counted in memory from the fact rows
 * it writes, so that ClickHouse need not recompute them from the stored facts after every batch.
 * Pure: in the encoded leg and survey rows of a batch, out the queue_partition_minute and
 * gemeente_partition_minute rows of the windows they touch, and the windows it does not hold (the
 * writer has ClickHouse recompute those from the store, as every window was before).
 *
 * Why per partition: a window's legs come from calls in every partition, and with several
 * processors no one sees them all; the events of one call share a partition (the switch keys them
 * by call id), so each partition's share of a window is known to its owner alone, and the hour rows
 * sum the partitions.
 *
 * Why exact after a kill or a replay: a row is computed from the set of its facts (the latest
 * version of each, as ReplacingMergeTree keeps them), never as a running total, with the same
 * expressions as the recompute (rollup-sql.ts), and its version is the sum of theirs. A window is
 * held only when this processor has seen every fact of it the store may hold: on a UTC day of the
 * partition that had no stored facts when the processor learnt the stored days (after it was
 * assigned the partition), and not forgotten since. Memory is bounded by a number of held facts:
 * beyond it, the days written least recently are let go (never one the current batch wrote to). A
 * day let go joins the stored days, and a later fact on it has its window recomputed from the store.
 */
import { ScopedWindows } from './dirty-windows.ts';
import type { LegRow, SurveyRow } from './encode-rows.ts';

const DAY_S = 86_400;

// What a leg adds to its rows, as bits (so a held leg is four small fields).
const OFFERED = 1;
const ANSWERED = 2;
const WITHIN_SL = 4;
const ABANDONED = 8;
const TIMED_OUT = 16;
const SHORT_ABANDONED = 32;
const OUT_OF_HOURS = 64;
const TRANSFERRED_OUT = 128;
const FROM_TRANSFER = 256;
const FIRST_OFFERED = 512;
const LAST_OFFERED_ANSWERED = 1024;

/**
 * A held leg: the rest of leg_facts' sort key (what ReplacingMergeTree keeps one row of: call, leg
 * and entry second, besides the window's gemeente and the queue) and what it adds to its rows.
 * The strings are the fact's own, which the call tracker holds anyway.
 */
interface LegShare {
  readonly queue: string;
  readonly callId: string;
  readonly legId: string;
  readonly enteredSecond: number;
  readonly version: number;
  readonly bits: number;
  readonly waitMs: number;
  /** The leg's norm; null for a tombstone (it adds only its version). */
  readonly normId: string | null;
}

/** A held survey answer: the rest of survey_answers' sort key, and whether it is satisfied. */
interface AnswerShare {
  readonly eventId: string;
  readonly answeredSecond: number;
  readonly satisfied: boolean;
}

const second = (ms: number) => Math.floor(ms / 1000);

/** 1 when the leg's bits have `bit` set (a function, not a closure per leg: rows sum many legs). */
const bitOf = (bits: number, bit: number): number => ((bits & bit) === 0 ? 0 : 1);

function shareOf(leg: LegRow): LegShare {
  const key = {
    queue: leg.queue,
    callId: leg.call_id,
    legId: leg.leg_id,
    enteredSecond: second(leg.entered_at_ms),
  };
  if (leg.is_deleted === 1) return { ...key, version: leg.version, bits: 0, waitMs: 0, normId: null };
  let bits = 0;
  if (leg.category === 'short_abandoned') bits |= SHORT_ABANDONED;
  if (leg.category === 'out_of_hours') bits |= OUT_OF_HOURS;
  if (leg.first_offered_in_call === 1) {
    bits |= FIRST_OFFERED;
    if (leg.call_last_offered_answered === 1) bits |= LAST_OFFERED_ANSWERED;
  }
  if (leg.category === 'offered') {
    bits |= OFFERED;
    if (leg.transferred_from_leg_id !== null) bits |= FROM_TRANSFER;
    if (leg.outcome === 'answered') {
      bits |= ANSWERED;
      if (leg.within_service_level === 1) bits |= WITHIN_SL;
      if (leg.transferred_out === 1) bits |= TRANSFERRED_OUT;
    } else if (leg.outcome === 'abandoned') bits |= ABANDONED;
    else bits |= TIMED_OUT;
  }
  return { ...key, version: leg.version, bits, waitMs: leg.wait_ms, normId: leg.norm_id };
}

const sameLeg = (a: LegShare, b: LegShare) =>
  a.legId === b.legId && a.callId === b.callId && a.queue === b.queue && a.enteredSecond === b.enteredSecond;

/**
 * One gemeente's minute of one partition: its legs and survey answers. Arrays, not maps: a window
 * holds a few legs (one, in a sparse backlog), and a map costs hundreds of bytes empty.
 */
interface MinuteWindow {
  readonly gemeente: string;
  readonly minute: number;
  readonly partition: number;
  /** The held day it belongs to. */
  readonly day: HeldDay;
  readonly legs: LegShare[];
  readonly answers: AnswerShare[];
}

interface HeldDay {
  readonly windows: Map<string, MinuteWindow>;
  /** When a fact was last written to it (a count of facts written). */
  touched: number;
  /** Legs and answers held. */
  facts: number;
}

interface PartitionState {
  /** UTC days (day numbers) on which the store may hold facts of the partition not held here. */
  readonly storedDays: Set<number>;
  readonly held: Map<number, HeldDay>;
}

export interface QueuePartitionMinuteRow {
  gemeente: string;
  queue: string;
  /** The minute's start, epoch ms. */
  minute: number;
  kafka_partition: number;
  offered: number;
  answered: number;
  answered_within_sl: number;
  abandoned: number;
  timed_out: number;
  short_abandoned: number;
  out_of_hours: number;
  transferred_out: number;
  offered_from_transfer: number;
  answered_from_transfer: number;
  answered_wait_ms_sum: number;
  abandoned_wait_ms_sum: number;
  norm_id: string;
  version: number;
}

export interface GemeentePartitionMinuteRow {
  gemeente: string;
  /** The minute's start, epoch ms. */
  minute: number;
  kafka_partition: number;
  calls_with_offered_leg: number;
  calls_last_offered_answered: number;
  survey_answers: number;
  survey_satisfied: number;
  version: number;
}

export interface MinuteUpdate {
  readonly queueRows: QueuePartitionMinuteRow[];
  readonly gemeenteRows: GemeentePartitionMinuteRow[];
  /** Windows of days not held: their rows are recomputed from the stored facts. */
  readonly stored: { readonly queueMinutes: ScopedWindows; readonly gemeenteMinutes: ScopedWindows };
}

/** Strings in byte order, as ClickHouse's arraySort orders them. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function queueRow(window: MinuteWindow, queue: string): QueuePartitionMinuteRow {
  const row: QueuePartitionMinuteRow = {
    gemeente: window.gemeente,
    queue,
    minute: window.minute * 1000,
    kafka_partition: window.partition,
    offered: 0,
    answered: 0,
    answered_within_sl: 0,
    abandoned: 0,
    timed_out: 0,
    short_abandoned: 0,
    out_of_hours: 0,
    transferred_out: 0,
    offered_from_transfer: 0,
    answered_from_transfer: 0,
    answered_wait_ms_sum: 0,
    abandoned_wait_ms_sum: 0,
    norm_id: '',
    version: 0,
  };
  const norms = new Set<string>();
  for (const leg of window.legs) {
    if (leg.queue !== queue) continue;
    row.version += leg.version;
    if (leg.normId === null) continue;
    norms.add(leg.normId);
    row.offered += bitOf(leg.bits, OFFERED);
    row.answered += bitOf(leg.bits, ANSWERED);
    row.answered_within_sl += bitOf(leg.bits, WITHIN_SL);
    row.abandoned += bitOf(leg.bits, ABANDONED);
    row.timed_out += bitOf(leg.bits, TIMED_OUT);
    row.short_abandoned += bitOf(leg.bits, SHORT_ABANDONED);
    row.out_of_hours += bitOf(leg.bits, OUT_OF_HOURS);
    row.transferred_out += bitOf(leg.bits, TRANSFERRED_OUT);
    row.offered_from_transfer += bitOf(leg.bits, FROM_TRANSFER);
    row.answered_from_transfer += bitOf(leg.bits, FROM_TRANSFER) & bitOf(leg.bits, ANSWERED);
    if ((leg.bits & ANSWERED) !== 0) row.answered_wait_ms_sum += leg.waitMs;
    if ((leg.bits & ABANDONED) !== 0) row.abandoned_wait_ms_sum += leg.waitMs;
  }
  row.norm_id = [...norms].sort(byBytes).join(',');
  return row;
}

function gemeenteRow(window: MinuteWindow): GemeentePartitionMinuteRow {
  const row: GemeentePartitionMinuteRow = {
    gemeente: window.gemeente,
    minute: window.minute * 1000,
    kafka_partition: window.partition,
    calls_with_offered_leg: 0,
    calls_last_offered_answered: 0,
    survey_answers: window.answers.length,
    survey_satisfied: 0,
    version: window.answers.length,
  };
  for (const leg of window.legs) {
    row.version += leg.version;
    if ((leg.bits & FIRST_OFFERED) === 0) continue;
    row.calls_with_offered_leg++;
    if ((leg.bits & LAST_OFFERED_ANSWERED) !== 0) row.calls_last_offered_answered++;
  }
  for (const answer of window.answers) if (answer.satisfied) row.survey_satisfied++;
  return row;
}

export class PartitionMinutes {
  readonly #partitions = new Map<number, PartitionState>();
  readonly #maxHeldFacts: number;
  #heldFacts = 0;
  #clock = 0;
  #generation = 0;

  /** @param maxHeldFacts legs and answers held at most, over all partitions, between writes. */
  constructor(maxHeldFacts = 20_000) {
    if (!Number.isInteger(maxHeldFacts) || maxHeldFacts < 0) {
      throw new RangeError(`maxHeldFacts must be a whole number >= 0, got ${maxHeldFacts}`);
    }
    this.#maxHeldFacts = maxHeldFacts;
  }

  /** The partitions of these rows whose stored days are not known: learn them before `apply`. */
  unknownPartitions(legs: readonly LegRow[], surveys: readonly SurveyRow[]): number[] {
    const unknown = new Set<number>();
    for (const { kafka_partition: p } of [...legs, ...surveys]) if (!this.#partitions.has(p)) unknown.add(p);
    return [...unknown];
  }

  /** Grows at every `forget`: stored days read before it may be stale. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * The UTC days (day numbers) on which the store holds facts of `partition`, as read from the
   * store after `generation` was read here; ignored when partitions moved in between.
   */
  learnStoredDays(partition: number, days: Iterable<number>, generation: number): void {
    if (generation !== this.#generation || this.#partitions.has(partition)) return;
    this.#partitions.set(partition, { storedDays: new Set(days), held: new Map() });
  }

  /**
   * Forgets everything held: after partitions moved, another processor may have written facts of
   * any partition this one owns now.
   */
  forget(): void {
    this.#partitions.clear();
    this.#heldFacts = 0;
    this.#generation++;
  }

  /** Legs and answers held now, over all partitions. */
  get heldFacts(): number {
    return this.#heldFacts;
  }

  /**
   * Takes a batch's leg and survey rows in, in the order they are inserted, and returns the rows of
   * every held window they touch, and the windows they touch that are not held. Idempotent: the
   * same rows again leave the same state and give the same rows.
   */
  apply(legs: readonly LegRow[], surveys: readonly SurveyRow[]): MinuteUpdate {
    const firstTouch = this.#clock + 1;
    const stored = { queueMinutes: new ScopedWindows(), gemeenteMinutes: new ScopedWindows() };
    const dirty = new Map<MinuteWindow, Set<string>>();
    const windowOf = (partition: number, gemeente: string, ms: number): MinuteWindow | undefined => {
      const minute = Math.floor(ms / 60_000) * 60;
      const state = this.#partitions.get(partition);
      const dayNumber = Math.floor(minute / DAY_S);
      if (state === undefined || (state.storedDays.has(dayNumber) && !state.held.has(dayNumber))) {
        return undefined;
      }
      let day = state.held.get(dayNumber);
      if (day === undefined) {
        day = { windows: new Map(), touched: 0, facts: 0 };
        state.held.set(dayNumber, day);
      }
      day.touched = ++this.#clock;
      const key = `${gemeente}\u0000${minute}`;
      let window = day.windows.get(key);
      if (window === undefined) {
        window = { gemeente, minute, partition, day, legs: [], answers: [] };
        day.windows.set(key, window);
      }
      return window;
    };
    for (const leg of legs) {
      const window = windowOf(leg.kafka_partition, leg.gemeente, leg.entered_at_ms);
      if (window === undefined) {
        const minute = Math.floor(leg.entered_at_ms / 60_000) * 60;
        const partition = leg.kafka_partition;
        stored.queueMinutes.add({ gemeente: leg.gemeente, queue: leg.queue, partition }, minute);
        stored.gemeenteMinutes.add({ gemeente: leg.gemeente, partition }, minute);
        continue;
      }
      const share = shareOf(leg);
      const at = window.legs.findIndex((held) => sameLeg(held, share));
      // The newest version wins, and of equal versions the one inserted last (ReplacingMergeTree).
      if (at === -1) {
        window.legs.push(share);
        this.#counted(window.day);
      } else if (share.version >= (window.legs[at]?.version ?? 0)) {
        window.legs[at] = share;
      }
      const queues = dirty.get(window) ?? new Set<string>();
      queues.add(leg.queue);
      dirty.set(window, queues);
    }
    for (const survey of surveys) {
      const window = windowOf(survey.kafka_partition, survey.gemeente, survey.answered_at_ms);
      if (window === undefined) {
        const minute = Math.floor(survey.answered_at_ms / 60_000) * 60;
        stored.gemeenteMinutes.add({ gemeente: survey.gemeente, partition: survey.kafka_partition }, minute);
        continue;
      }
      const answer = {
        eventId: survey.event_id,
        answeredSecond: second(survey.answered_at_ms),
        satisfied: survey.satisfied === 1,
      };
      const at = window.answers.findIndex(
        (held) => held.eventId === answer.eventId && held.answeredSecond === answer.answeredSecond,
      );
      if (at === -1) {
        window.answers.push(answer);
        this.#counted(window.day);
      } else {
        window.answers[at] = answer;
      }
      if (!dirty.has(window)) dirty.set(window, new Set());
    }
    const queueRows: QueuePartitionMinuteRow[] = [];
    const gemeenteRows: GemeentePartitionMinuteRow[] = [];
    for (const [window, queues] of dirty) {
      gemeenteRows.push(gemeenteRow(window));
      for (const queue of queues) queueRows.push(queueRow(window, queue));
    }
    this.#letGo(firstTouch);
    return { queueRows, gemeenteRows, stored };
  }

  #counted(day: HeldDay): void {
    day.facts++;
    this.#heldFacts++;
  }

  /** Over the budget, lets go of the days written least recently, before `keepFrom` (this batch's). */
  #letGo(keepFrom: number): void {
    if (this.#heldFacts <= this.#maxHeldFacts) return;
    const days: { state: PartitionState; dayNumber: number; day: HeldDay }[] = [];
    for (const state of this.#partitions.values()) {
      for (const [dayNumber, day] of state.held)
        if (day.touched < keepFrom) days.push({ state, dayNumber, day });
    }
    days.sort((a, b) => a.day.touched - b.day.touched);
    for (const { state, dayNumber, day } of days) {
      if (this.#heldFacts <= this.#maxHeldFacts) break;
      state.held.delete(dayNumber);
      state.storedDays.add(dayNumber);
      this.#heldFacts -= day.facts;
    }
  }
}
