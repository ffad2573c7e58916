/**
 * The switch simulator's public API: generate a gemeente's (or several gemeenten's) call traffic as
 * the 14-number switch would publish it, with faults on request, together with the exact metrics
 * the processor must compute from it; and send it to Kafka. See docs/simulator.md.
 */
export { SwitchSimulator, simulate, simulateScripted } from './simulator.ts';
export type { SimulatorConfig } from './simulator.ts';
export type { MalformedFault, SimMessage, SimPayload } from './message.ts';
export { malformedFaultKinds } from './message.ts';
export {
  DEFAULT_BEHAVIOUR,
  DEFAULT_CALLS_PER_DAY,
  DEFAULT_FAULTS,
  resolveSimulatorOptions,
  SimulatorOptionError,
  targetReachability,
} from './options.ts';
export type { BehaviourOptions, FaultOptions, SimulatorOptions, SimulatorOptionsInput } from './options.ts';
export { callClosedAt, checkCallPlan, lastCallEventAt } from './call-plan.ts';
export type { CallbackPlan, CallPlan, LegOutcomeDecision, LegPlan, SurveyPlan } from './call-plan.ts';
export {
  callbacksOnTimeInMonth,
  judgedCallbacksByMonth,
  openCallbacksAt,
  overdueCallbacksAt,
  rollupCallbacks,
  rollupEndToEnd,
  rollupLegs,
  rollupRepeats,
  rollupSatisfaction,
  sumLegs,
  totalCallbacksOnTime,
} from './ground-truth.ts';
export type {
  CallbackCounts,
  CallbackRecord,
  DeliveryCounts,
  GroundTruth,
  JudgedCallbackCounts,
  RollupGrain,
} from './ground-truth.ts';
export {
  callEventSchemaText,
  malformedValue,
  produceMessages,
  registerCallEventSchema,
  UNKNOWN_SCHEMA_ID,
} from './produce.ts';
export type { EventEncoder, MessageSender, ProduceCounts, ProduceOptions } from './produce.ts';
