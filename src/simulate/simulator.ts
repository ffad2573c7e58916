/**
 * The switch simulator: generates the Kafka messages of one or more gemeenten's 14-number switch
 * for a period, in delivery order, together with the metrics the processor must compute from them.
 *
 * In: the configuration (gemeenten, queues, norm, processing) and SimulatorOptions.
 * Out: a generator of SimMessages (lazy: a year of history streams without being held in memory)
 * and, once it is exhausted, the GroundTruth.
 *
 * How it runs: each gemeente has its own arrival clock, caller pool and call planner, each on a
 * random stream of its own; calls are planned in start order across gemeenten, counted into the
 * ground truth, and handed to the fault injector, which schedules their messages on a delivery
 * queue. Every message is delivered at or after the start of its call, so all messages due before
 * the next call starts can be released: the queue only holds what is still in the future (the
 * calls in progress, late events, callbacks of the coming days).
 *
 * The same options give the same messages in both modes: in a backfill the producer sends as fast
 * as it can, in real time it sleeps until each message's deliverAt (and `fromMs` is now).
 */
import type { ConfigFile } from '../config/schema.ts';
import { Topology } from '../config/topology.ts';
import { checkCallPlan, type CallPlan } from './call-plan.ts';
import { CallPlanner } from './call-planner.ts';
import { CallerPool } from './callers.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { FaultInjector } from './fault-injector.ts';
import { GroundTruthRecorder, type GroundTruth } from './ground-truth.ts';
import type { SimMessage } from './message.ts';
import {
  resolveSimulatorOptions,
  SimulatorOptionError,
  type SimulatorOptions,
  type SimulatorOptionsInput,
} from './options.ts';
import { Random } from './random.ts';
import { ArrivalClock } from './traffic-profile.ts';

/** The parts of the configuration the simulator reads. */
export type SimulatorConfig = Pick<ConfigFile, 'norm' | 'gemeenten' | 'processing'>;

interface Lane {
  readonly code: string;
  readonly clock: ArrivalClock;
  readonly callers: CallerPool;
  readonly planner: CallPlanner;
  callSeq: number;
  callbackSeq: number;
  nextAt: number;
}

/** One simulation run. Single use: `messages()` can be iterated once. */
export class SwitchSimulator {
  readonly options: SimulatorOptions;
  readonly topology: Topology;
  /** The codes of the simulated gemeenten, in configuration order. */
  readonly gemeenten: readonly string[];
  readonly #config: SimulatorConfig;
  readonly #recorder: GroundTruthRecorder;
  readonly #queue = new DeliveryQueue<SimMessage>();
  readonly #injector: FaultInjector;
  #started = false;
  #finished = false;

  constructor(config: SimulatorConfig, options: SimulatorOptionsInput) {
    this.options = resolveSimulatorOptions(options);
    this.#config = config;
    this.topology = new Topology(config);
    const codes = this.options.gemeenten ?? config.gemeenten.map((g) => g.code);
    for (const code of codes) {
      if (!this.topology.gemeenten.has(code)) {
        throw new SimulatorOptionError(
          `gemeente ${code} is not in the configuration (configured: ${config.gemeenten.map((g) => g.code).join(', ')})`,
        );
      }
    }
    const gemeenten = Object.fromEntries(
      config.gemeenten.filter((g) => codes.includes(g.code)).map((g) => [g.code, g.queues.map((q) => q.id)]),
    );
    this.gemeenten = Object.keys(gemeenten);
    this.#recorder = new GroundTruthRecorder(this.topology, {
      seed: this.options.seed,
      runId: this.options.runId,
      fromMs: this.options.fromMs,
      toMs: this.options.toMs,
      callTimeoutMs: config.processing.callTimeoutSeconds * 1000,
      gemeenten,
    });
    this.#injector = new FaultInjector(
      {
        faults: this.options.faults,
        random: Random.stream(this.options.seed, 'faults'),
        allowedLatenessMs: config.processing.allowedLatenessSeconds * 1000,
        runId: this.options.runId,
        queueIds: this.topology.queueIds,
      },
      this.#queue,
      this.#recorder,
    );
  }

  /** True once `messages()` has been iterated to its end: the ground truth is complete. */
  get finished(): boolean {
    return this.#finished;
  }

  /** The messages of the run, in delivery order. */
  *messages(): Generator<SimMessage, void, undefined> {
    if (this.#started)
      throw new Error('a SwitchSimulator runs once: make a new one (same options, same messages)');
    this.#started = true;
    const o = this.options;
    const lanes = this.#lanes();
    const queue = this.#queue;
    for (;;) {
      let lane: Lane | undefined;
      for (const l of lanes)
        if (l.nextAt !== Number.POSITIVE_INFINITY && (lane === undefined || l.nextAt < lane.nextAt)) lane = l;
      if (lane === undefined) break;
      const startedAt = lane.nextAt;
      while (queue.size > 0 && queue.peekAt() <= startedAt) yield queue.pop();
      const callId = `${lane.code}-${o.runId}-c${++lane.callSeq}`;
      const caller = lane.callers.next(startedAt);
      const endReported = this.#injector.reportsEnd();
      const laneRef = lane;
      const plan = lane.planner.plan(
        callId,
        startedAt,
        caller,
        endReported,
        () => `${laneRef.code}-${o.runId}-cb${++laneRef.callbackSeq}`,
      );
      this.#recorder.recordCall(plan);
      this.#injector.schedule(plan);
      lane.nextAt = lane.clock.next(o.toMs);
    }
    while (queue.size > 0) yield queue.pop();
    this.#finished = true;
  }

  /** The expected metrics. @throws Error before `messages()` has been iterated to its end. */
  groundTruth(): GroundTruth {
    if (!this.#finished)
      throw new Error('the ground truth is complete only after every message was taken from messages()');
    return this.#recorder.snapshot();
  }

  #lanes(): Lane[] {
    const o = this.options;
    const bounds = this.topology.norm;
    return this.#config.gemeenten
      .filter((g) => o.gemeenten === undefined || o.gemeenten.includes(g.code))
      .map((g) => {
        const random = Random.stream(o.seed, `traffic/${g.code}`);
        const callsPerDay = typeof o.callsPerDay === 'number' ? o.callsPerDay : (o.callsPerDay[g.code] ?? 0);
        const clock = new ArrivalClock(callsPerDay, this.topology.calendarOf(g.code), random, o.fromMs);
        return {
          code: g.code,
          clock,
          callers: new CallerPool(
            Random.stream(o.seed, `callers/${g.code}`),
            g.dialledNumber,
            o.behaviour.withheldRate,
            o.behaviour.repeatCallerRate,
          ),
          planner: new CallPlanner(
            g,
            this.topology,
            o.behaviour,
            Random.stream(o.seed, `calls/${g.code}`),
            bounds,
            o.toMs,
          ),
          callSeq: 0,
          callbackSeq: 0,
          nextAt: clock.next(o.toMs),
        };
      });
  }
}

/** Runs a whole simulation in memory: for tests and small periods (a year does not fit well). */
export function simulate(
  config: SimulatorConfig,
  options: SimulatorOptionsInput,
): { messages: SimMessage[]; truth: GroundTruth } {
  const simulator = new SwitchSimulator(config, options);
  const messages = [...simulator.messages()];
  return { messages, truth: simulator.groundTruth() };
}

/**
 * Turns hand-written call plans into messages and ground truth, with the same event and fault
 * machinery as a generated run: for tests whose expected counts are worked out by hand. Plans may
 * be given in any order; each must be sound (see checkCallPlan) and use ids of its own.
 */
export function simulateScripted(
  config: SimulatorConfig,
  plans: readonly CallPlan[],
  options: Partial<Omit<SimulatorOptionsInput, 'fromMs' | 'toMs'>> = {},
): { messages: SimMessage[]; truth: GroundTruth } {
  for (const plan of plans) {
    const problem = checkCallPlan(plan);
    if (problem !== undefined) throw new SimulatorOptionError(`unsound call plan: ${problem}`);
  }
  const sorted = [...plans].sort((a, b) => a.startedAt - b.startedAt);
  const fromMs = sorted[0]?.startedAt ?? 0;
  const toMs = (sorted[sorted.length - 1]?.startedAt ?? 0) + 1;
  const o = resolveSimulatorOptions({ seed: 1, ...options, fromMs, toMs });
  const topology = new Topology(config);
  const gemeenten = Object.fromEntries(
    config.gemeenten
      .filter((g) => plans.some((p) => p.gemeente === g.code))
      .map((g) => [g.code, g.queues.map((q) => q.id)]),
  );
  const recorder = new GroundTruthRecorder(topology, {
    seed: o.seed,
    runId: o.runId,
    fromMs,
    toMs,
    callTimeoutMs: config.processing.callTimeoutSeconds * 1000,
    gemeenten,
  });
  const queue = new DeliveryQueue<SimMessage>();
  const injector = new FaultInjector(
    {
      faults: o.faults,
      random: Random.stream(o.seed, 'faults'),
      allowedLatenessMs: config.processing.allowedLatenessSeconds * 1000,
      runId: o.runId,
      queueIds: topology.queueIds,
    },
    queue,
    recorder,
  );
  for (const plan of sorted) {
    recorder.recordCall(plan);
    injector.schedule(plan);
  }
  const messages: SimMessage[] = [];
  while (queue.size > 0) messages.push(queue.pop());
  return { messages, truth: recorder.snapshot() };
}
