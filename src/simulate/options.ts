/**
 * The simulator's knobs: the run (seed, period, gemeenten, volume), how callers and queues behave,
 * and which faults to inject. Every option has a default; `resolveSimulatorOptions` fills them in
 * and rejects values that make no sense, with a message that says what to give instead.
 *
 * In: partial options (from a test or the CLI). Out: complete, validated options.
 */
import { BereikError } from '../errors.ts';

/** Faults the switch and its transport can show. All rates default to 0: a clean run. */
export interface FaultOptions {
  /** Share of real events delivered a second time (same eventId), later. @default 0 */
  readonly duplicateRate: number;
  /** Share of real events delivered late. @default 0 */
  readonly lateRate: number;
  /**
   * Of the late events, the share delivered far beyond the processor's allowed lateness
   * (`lateBeyondMs` after they happened); the others arrive within the allowed lateness.
   * @default 0.5
   */
  readonly lateBeyondShare: number;
  /** How late a "far beyond" event is, ms of event time. @default 7_200_000 (2 hours) */
  readonly lateBeyondMs: number;
  /** Share of calls whose events are delivered shuffled, together after the call's last event. @default 0 */
  readonly outOfOrderRate: number;
  /** Share of calls whose CALL_ENDED never comes (the processor closes them by the call timeout). @default 0 */
  readonly neverEndedRate: number;
  /** Extra messages per call that are not the Confluent wire format (first byte not 0). @default 0 */
  readonly wrongMagicByteRate: number;
  /** Extra messages per call with a schema id the registry does not know. @default 0 */
  readonly unknownSchemaIdRate: number;
  /** Extra messages per call whose Avro bytes do not decode. @default 0 */
  readonly undecodableRate: number;
  /** Extra events per call with a required field null (QUEUE_ENTERED without legId). @default 0 */
  readonly missingFieldRate: number;
  /** Extra events per call for a queue the gemeente does not have. @default 0 */
  readonly unknownQueueRate: number;
  /** Extra events per call for a gemeente that is not configured. @default 0 */
  readonly unknownGemeenteRate: number;
  /** Extra events per call with a timestamp in 1990. @default 0 */
  readonly impossibleTimestampRate: number;
  /** Extra SURVEY_ANSWERED per call with score 7. @default 0 */
  readonly invalidValueRate: number;
  /** Extra outcome events per call (new eventId) for a leg whose real outcome was delivered before. @default 0 */
  readonly contradictionRate: number;
}

/** How callers, agents and departments behave. */
export interface BehaviourOptions {
  /** Expected reachability (answered / offered) of a KCC queue. @default 0.9 */
  readonly kccReachability: number;
  /** Expected reachability of a vakafdeling queue. @default 0.8 */
  readonly vakafdelingReachability: number;
  /**
   * Overrides per queue, keyed `gemeente:queue` or just `queue` (every gemeente), e.g.
   * `{ 'GM0307:belastingen': 0.5 }` to degrade one department.
   * @default {}
   */
  readonly reachability: Readonly<Record<string, number>>;
  /** Share of answered KCC legs transferred to a vakafdeling. @default 0.22 */
  readonly transferRate: number;
  /** Share of callers whose number is withheld. @default 0.08 */
  readonly withheldRate: number;
  /** Share of calls from a caller who called the same gemeente in the last 7 days. @default 0.12 */
  readonly repeatCallerRate: number;
  /** Share of calls with an answered leg whose caller answers the satisfaction question. @default 0.15 */
  readonly surveyRate: number;
  /** Share of unanswered transfers for which the KCC files a callback for the department. @default 0.6 */
  readonly callbackOnNoAnswerRate: number;
  /** Share of KCC calls (not transferred) where the caller asks to be called back by a department. @default 0.03 */
  readonly callbackOnRequestRate: number;
  /** Share of callbacks done before their due moment. @default 0.82 */
  readonly callbackOnTimeShare: number;
  /** Share of callbacks done, but late; the rest is never done. @default 0.12 */
  readonly callbackLateShare: number;
  /** Share of transfers where the caller hangs up while being transferred (a leg without outcome). @default 0.04 */
  readonly hangUpDuringTransferRate: number;
  /** Of the unanswered legs, the share that reaches the queue's maximum wait. @default 0.08 */
  readonly timedOutShare: number;
  /** Maximum wait of a KCC queue, ms (TIMED_OUT after it). @default 600_000 */
  readonly kccMaxWaitMs: number;
  /** Maximum wait of a vakafdeling queue, ms. @default 300_000 */
  readonly vakafdelingMaxWaitMs: number;
}

/** Options of one simulation run. */
export interface SimulatorOptions {
  /** Seeds every random choice: the same seed and options give the same messages and ground truth. */
  readonly seed: number;
  /** First call start, epoch ms (inclusive). */
  readonly fromMs: number;
  /**
   * No call starts at or after this (epoch ms); `Infinity` for an endless live run. Calls that
   * started before it play out completely; callback completions at or after it are not in the run.
   */
  readonly toMs: number;
  /** Gemeente codes to simulate. @default every configured gemeente */
  readonly gemeenten: readonly string[] | undefined;
  /**
   * Calls on a normal weekday (Tuesday to Thursday), per gemeente: one number for all, or per code.
   * Mondays are busier, Fridays quieter, weekends and holidays nearly silent.
   * @default 1000
   */
  readonly callsPerDay: number | Readonly<Record<string, number>>;
  /** Tag in every id, so runs with other seeds or periods never reuse an id. @default `s<seed>` */
  readonly runId: string;
  readonly behaviour: BehaviourOptions;
  readonly faults: FaultOptions;
}

/** What a caller may leave out. */
export type SimulatorOptionsInput = Pick<SimulatorOptions, 'seed' | 'fromMs' | 'toMs'> & {
  readonly gemeenten?: readonly string[] | undefined;
  readonly callsPerDay?: number | Readonly<Record<string, number>> | undefined;
  readonly runId?: string | undefined;
  readonly behaviour?: Partial<BehaviourOptions> | undefined;
  readonly faults?: Partial<FaultOptions> | undefined;
};

export const DEFAULT_FAULTS: FaultOptions = Object.freeze({
  duplicateRate: 0,
  lateRate: 0,
  lateBeyondShare: 0.5,
  lateBeyondMs: 2 * 3600 * 1000,
  outOfOrderRate: 0,
  neverEndedRate: 0,
  wrongMagicByteRate: 0,
  unknownSchemaIdRate: 0,
  undecodableRate: 0,
  missingFieldRate: 0,
  unknownQueueRate: 0,
  unknownGemeenteRate: 0,
  impossibleTimestampRate: 0,
  invalidValueRate: 0,
  contradictionRate: 0,
});

/**
 * Every fault the simulator can inject, at rates that show each kind in a few days of traffic:
 * the preset of the end-to-end tests, the fault benchmark and `bereik simulate --every-fault`.
 */
export const EVERY_FAULT: Partial<FaultOptions> = Object.freeze({
  duplicateRate: 0.02,
  lateRate: 0.03,
  lateBeyondShare: 0.5,
  outOfOrderRate: 0.02,
  neverEndedRate: 0.01,
  wrongMagicByteRate: 0.005,
  unknownSchemaIdRate: 0.005,
  undecodableRate: 0.005,
  missingFieldRate: 0.005,
  unknownQueueRate: 0.005,
  unknownGemeenteRate: 0.005,
  impossibleTimestampRate: 0.005,
  invalidValueRate: 0.005,
  contradictionRate: 0.005,
});

export const DEFAULT_BEHAVIOUR: BehaviourOptions = Object.freeze({
  kccReachability: 0.9,
  vakafdelingReachability: 0.8,
  reachability: Object.freeze({}),
  transferRate: 0.22,
  withheldRate: 0.08,
  repeatCallerRate: 0.12,
  surveyRate: 0.15,
  callbackOnNoAnswerRate: 0.6,
  callbackOnRequestRate: 0.03,
  callbackOnTimeShare: 0.82,
  callbackLateShare: 0.12,
  hangUpDuringTransferRate: 0.04,
  timedOutShare: 0.08,
  kccMaxWaitMs: 600_000,
  vakafdelingMaxWaitMs: 300_000,
});

/** The default volume: calls on a normal weekday per gemeente. */
export const DEFAULT_CALLS_PER_DAY = 1000;

/** Options (per kind of malformed or invalid message) that add extra messages. */
export const malformedFaults = ['wrongMagicByteRate', 'unknownSchemaIdRate', 'undecodableRate'] as const;
export const invalidEventFaults = [
  'missingFieldRate',
  'unknownQueueRate',
  'unknownGemeenteRate',
  'impossibleTimestampRate',
  'invalidValueRate',
  'contradictionRate',
] as const;

export class SimulatorOptionError extends BereikError {
  override readonly name = 'SimulatorOptionError';
  readonly code = 'SIMULATOR_OPTION_INVALID';

  constructor(message: string) {
    super(message, { canRetry: false });
  }
}

function checkRatio(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new SimulatorOptionError(`${name} must be a share between 0 and 1 (0.01 means 1%), got ${value}`);
  }
}

/** Fills in defaults and checks every option. */
export function resolveSimulatorOptions(input: SimulatorOptionsInput): SimulatorOptions {
  if (!Number.isSafeInteger(input.seed))
    throw new SimulatorOptionError(`seed must be an integer, got ${input.seed}`);
  if (!Number.isSafeInteger(input.fromMs))
    throw new SimulatorOptionError('fromMs must be an instant in whole epoch ms');
  if (!(input.toMs > input.fromMs))
    throw new SimulatorOptionError('toMs must be after fromMs (or Infinity for an endless run)');
  if (input.toMs !== Number.POSITIVE_INFINITY && !Number.isSafeInteger(input.toMs)) {
    throw new SimulatorOptionError('toMs must be an instant in whole epoch ms, or Infinity');
  }
  const behaviour: BehaviourOptions = { ...DEFAULT_BEHAVIOUR, ...stripUndefined(input.behaviour ?? {}) };
  const faults: FaultOptions = { ...DEFAULT_FAULTS, ...stripUndefined(input.faults ?? {}) };
  for (const [name, value] of Object.entries(faults)) {
    if (name === 'lateBeyondMs') continue;
    checkRatio(`faults.${name}`, value as number);
  }
  if (!(faults.lateBeyondMs > 0))
    throw new SimulatorOptionError('faults.lateBeyondMs must be a positive number of ms');
  for (const [name, value] of Object.entries(behaviour)) {
    if (name === 'reachability' || name.endsWith('MaxWaitMs')) continue;
    checkRatio(`behaviour.${name}`, value as number);
  }
  for (const [key, value] of Object.entries(behaviour.reachability))
    checkRatio(`reachability of ${key}`, value);
  if (behaviour.callbackOnTimeShare + behaviour.callbackLateShare > 1) {
    throw new SimulatorOptionError('behaviour.callbackOnTimeShare + callbackLateShare must be at most 1');
  }
  for (const name of ['kccMaxWaitMs', 'vakafdelingMaxWaitMs'] as const) {
    if (!Number.isSafeInteger(behaviour[name]) || behaviour[name] < 60_000) {
      throw new SimulatorOptionError(`behaviour.${name} must be whole ms of at least 60000 (a minute)`);
    }
  }
  const callsPerDay = input.callsPerDay ?? DEFAULT_CALLS_PER_DAY;
  const volumes = typeof callsPerDay === 'number' ? [callsPerDay] : Object.values(callsPerDay);
  for (const v of volumes) {
    if (!(v >= 0 && Number.isFinite(v)))
      throw new SimulatorOptionError(`callsPerDay must be a number >= 0, got ${v}`);
  }
  const runId = input.runId ?? `s${input.seed}`;
  if (!/^[A-Za-z0-9_.]+$/.test(runId)) {
    throw new SimulatorOptionError(
      `runId "${runId}" must be letters, digits, _ or . (it goes into every id)`,
    );
  }
  return {
    seed: input.seed,
    fromMs: input.fromMs,
    toMs: input.toMs,
    gemeenten: input.gemeenten,
    callsPerDay,
    runId,
    behaviour,
    faults,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The reachability to aim for in a queue: an override for `gemeente:queue`, then for `queue`, then the kind's default. */
export function targetReachability(
  behaviour: BehaviourOptions,
  gemeente: string,
  queue: string,
  kind: 'kcc' | 'vakafdeling',
): number {
  return (
    behaviour.reachability[`${gemeente}:${queue}`] ??
    behaviour.reachability[queue] ??
    (kind === 'kcc' ? behaviour.kccReachability : behaviour.vakafdelingReachability)
  );
}
