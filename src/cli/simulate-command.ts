/**
 * `bereik simulate`: plays the 14-number switch. Generates call traffic for the configured
 * gemeenten (a past period as fast as possible, or live from now in real time), injects the faults
 * asked for, sends it to the switch topic, and can write the metrics the processor must compute
 * (the ground truth) to a JSON file. The work is in src/simulate/; this file parses options.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/load.ts';
import { loadCliConfig } from './local-defaults.ts';
import { startOfLocalDay, isLocalDate } from '../domain/amsterdam-time.ts';
import {
  DEFAULT_FAULTS,
  EVERY_FAULT,
  invalidEventFaults,
  malformedFaults,
  type FaultOptions,
  type SimulatorOptionsInput,
} from '../simulate/options.ts';
import { SwitchSimulator } from '../simulate/simulator.ts';
import { BereikError } from '../errors.ts';

/** The options as commander hands them over (strings, repeatable ones as arrays). */
export interface SimulateCliOptions {
  config?: string;
  seed: string;
  from?: string;
  to?: string;
  live?: boolean;
  duration?: string;
  gemeente?: string;
  callsPerDay?: string;
  topic?: string;
  runId?: string;
  duplicates?: string;
  late?: string;
  lateBeyondShare?: string;
  outOfOrder?: string;
  neverEnded?: string;
  everyFault?: boolean;
  malformed?: string;
  invalid?: string;
  fault: string[];
  degrade: string[];
  expectedOut?: string;
  batchSize: string;
  dryRun?: boolean;
}

/** What a run of `bereik simulate` does, parsed and checked. */
export interface SimulatePlan {
  readonly simulator: SimulatorOptionsInput;
  readonly realTime: boolean;
  readonly expectedOut: string | undefined;
  readonly batchSize: number;
  readonly dryRun: boolean;
}

export class SimulateUsageError extends BereikError {
  override readonly name = 'SimulateUsageError';
  readonly code = 'USAGE';

  constructor(message: string) {
    super(message, { canRetry: false });
  }
}

function number(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new SimulateUsageError(`${name} must be a number, got "${text}"`);
  return value;
}

function rate(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = number(name, text);
  if (value < 0 || value > 1)
    throw new SimulateUsageError(`${name} must be a share between 0 and 1 (0.01 means 1%), got ${text}`);
  return value;
}

/** An instant from an ISO date (the start of that day in Europe/Amsterdam) or an ISO date-time with offset. */
export function parseInstant(name: string, text: string): number {
  if (isLocalDate(text)) return startOfLocalDay(text);
  const ms = /T\d{2}:\d{2}/.test(text) && /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new SimulateUsageError(
      `${name} must be an ISO date (2025-01-01, local midnight in Europe/Amsterdam) or a date-time with offset (2025-01-01T08:00:00+01:00), got "${text}"`,
    );
  }
  return ms;
}

/** A duration like 90m, 2h, 3d or a number of minutes. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([mhd]?)$/.exec(text.trim());
  if (match === null) throw new SimulateUsageError(`--duration must look like 90m, 2h or 3d, got "${text}"`);
  const unit = match[2] === 'h' ? 3_600_000 : match[2] === 'd' ? 86_400_000 : 60_000;
  return Math.round(Number(match[1]) * unit);
}

/** Turns the command-line options into simulator options; `nowMs` is the clock, passed in. */
export function parseSimulateOptions(cli: SimulateCliOptions, nowMs: number): SimulatePlan {
  const seed = number('--seed', cli.seed);
  if (!Number.isSafeInteger(seed))
    throw new SimulateUsageError(`--seed must be a whole number, got ${cli.seed}`);
  let fromMs: number;
  let toMs: number;
  const live = cli.live === true;
  if (live) {
    if (cli.from !== undefined) throw new SimulateUsageError('--live starts now: leave out --from');
    fromMs = nowMs;
    toMs =
      cli.duration !== undefined
        ? fromMs + parseDuration(cli.duration)
        : cli.to !== undefined
          ? parseInstant('--to', cli.to)
          : Number.POSITIVE_INFINITY;
  } else {
    if (cli.from === undefined || cli.to === undefined) {
      throw new SimulateUsageError(
        'give a past period with --from and --to (e.g. --from 2025-01-01 --to 2026-01-01), or --live',
      );
    }
    fromMs = parseInstant('--from', cli.from);
    toMs = parseInstant('--to', cli.to);
    if (toMs > nowMs) {
      throw new SimulateUsageError(
        `--to ${cli.to} is in the future: a backfill must lie in the past (the processor rejects events from the future); use --live for now`,
      );
    }
  }
  if (!(toMs > fromMs)) throw new SimulateUsageError('the period is empty: --to must be after the start');
  if (cli.expectedOut !== undefined && toMs === Number.POSITIVE_INFINITY) {
    throw new SimulateUsageError('--expected-out needs a run that ends: add --duration or --to to --live');
  }

  // The preset first, so the single options below can change one rate of it.
  const faults: Partial<Record<keyof FaultOptions, number>> =
    cli.everyFault === true ? { ...EVERY_FAULT } : {};
  const set = (key: keyof FaultOptions, value: number | undefined) => {
    if (value !== undefined) faults[key] = value;
  };
  set('duplicateRate', rate('--duplicates', cli.duplicates));
  set('lateRate', rate('--late', cli.late));
  set('lateBeyondShare', rate('--late-beyond-share', cli.lateBeyondShare));
  set('outOfOrderRate', rate('--out-of-order', cli.outOfOrder));
  set('neverEndedRate', rate('--never-ended', cli.neverEnded));
  const malformed = rate('--malformed', cli.malformed);
  if (malformed !== undefined)
    for (const key of malformedFaults) faults[key] = malformed / malformedFaults.length;
  const invalid = rate('--invalid', cli.invalid);
  if (invalid !== undefined)
    for (const key of invalidEventFaults) faults[key] = invalid / invalidEventFaults.length;
  for (const entry of cli.fault) {
    const [key = '', value = ''] = entry.split('=');
    if (!(key in DEFAULT_FAULTS)) {
      throw new SimulateUsageError(
        `--fault ${entry}: unknown fault "${key}"; known: ${Object.keys(DEFAULT_FAULTS).join(', ')}`,
      );
    }
    faults[key as keyof FaultOptions] = number(`--fault ${key}`, value);
  }

  const reachability: Record<string, number> = {};
  for (const entry of cli.degrade) {
    const match = /^([^=]+)=(.+)$/.exec(entry);
    const target = match?.[1];
    const value = match?.[2];
    if (target === undefined || value === undefined) {
      throw new SimulateUsageError(`--degrade must look like GM0307:belastingen=0.5, got "${entry}"`);
    }
    reachability[target] = rate(`--degrade ${target}`, value) ?? 0;
  }

  let callsPerDay: number | Record<string, number> | undefined;
  if (cli.callsPerDay !== undefined) {
    callsPerDay = cli.callsPerDay.includes('=')
      ? Object.fromEntries(
          cli.callsPerDay.split(',').map((part) => {
            const [code = '', value = ''] = part.split('=');
            return [code.trim(), number(`--calls-per-day ${code}`, value)];
          }),
        )
      : number('--calls-per-day', cli.callsPerDay);
  }

  const batchSize = number('--batch-size', cli.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new SimulateUsageError('--batch-size must be a whole number >= 1');
  return {
    simulator: {
      seed,
      fromMs,
      toMs,
      gemeenten: cli.gemeente?.split(',').map((g) => g.trim()),
      callsPerDay,
      runId: cli.runId,
      behaviour: { reachability },
      faults,
    },
    realTime: live,
    expectedOut: cli.expectedOut,
    batchSize,
    dryRun: cli.dryRun === true,
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'play the 14-number switch: generate call traffic (with faults on request) to the switch topic',
    )
    .option('--config <file>', 'configuration file (default: BEREIK_CONFIG or deploy/config/bereik.yaml)')
    .option('--seed <n>', 'seed of every random choice: the same seed gives the same traffic', '1')
    .option('--from <date>', 'backfill: first day (ISO date, Europe/Amsterdam) or instant')
    .option('--to <date>', 'backfill: end, exclusive (ISO date or instant); with --live: when to stop')
    .option('--live', 'real time from now: each message is sent when it happens')
    .option('--duration <d>', 'with --live: how long, e.g. 90m, 2h, 3d')
    .option('--gemeente <codes>', 'comma-separated gemeente codes (default: all configured)')
    .option('--calls-per-day <n>', 'calls on a normal weekday per gemeente, or GM0307=800,GM0034=600')
    .option('--topic <topic>', 'override kafka.topic from the configuration')
    .option(
      '--run-id <tag>',
      'tag in every id (default s<seed>); give another to replay the same seed into one topic',
    )
    .option(
      '--every-fault',
      'inject every kind of fault at the test preset rates (2% duplicates, 3% late, ...)',
    )
    .option('--duplicates <rate>', 'share of events delivered twice')
    .option('--late <rate>', 'share of events delivered late')
    .option(
      '--late-beyond-share <share>',
      'of late events, the share beyond the allowed lateness (default 0.5)',
    )
    .option('--out-of-order <rate>', 'share of calls whose events arrive shuffled')
    .option('--never-ended <rate>', 'share of calls without CALL_ENDED')
    .option(
      '--malformed <rate>',
      'extra malformed messages per call (split over wrong magic byte, unknown schema id, undecodable)',
    )
    .option(
      '--invalid <rate>',
      'extra invalid events per call (split over the six kinds, contradictions included)',
    )
    .option(
      '--fault <name=rate>',
      'set one fault option, e.g. unknownQueueRate=0.01 (repeatable)',
      collect,
      [],
    )
    .option(
      '--degrade <gemeente:queue=reachability>',
      "lower one queue's reachability, e.g. GM0307:belastingen=0.5 (repeatable)",
      collect,
      [],
    )
    .option('--expected-out <file>', 'write the expected metrics (ground truth) as JSON when done')
    .option('--batch-size <n>', 'messages per Kafka send', '500')
    .option('--dry-run', 'generate only: count the messages, send nothing')
    .action(async (cli: SimulateCliOptions) => {
      const config = loadCliConfig(cli.config);
      const plan = parseSimulateOptions(cli, Date.now());
      const simulator = new SwitchSimulator(config, plan.simulator);
      const topic = cli.topic ?? config.kafka.topic;
      const started = Date.now();
      const o = simulator.options;
      console.log(
        `simulating ${simulator.gemeenten.join(', ')} from ${new Date(o.fromMs).toISOString()}` +
          ` to ${Number.isFinite(o.toMs) ? new Date(o.toMs).toISOString() : 'stopped'} (seed ${o.seed}, run ${o.runId})` +
          (plan.dryRun ? ', dry run' : ` to ${topic} at ${config.connections.kafka.brokers.join(',')}`),
      );
      if (plan.dryRun) {
        let messages = 0;
        for (const _ of simulator.messages()) messages++;
        console.log(`${messages} messages generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } else {
        await produceToKafka(config, simulator, topic, plan, started);
      }
      if (plan.expectedOut !== undefined) {
        if (!simulator.finished) {
          console.log(
            `not writing ${plan.expectedOut}: the run stopped early, so its ground truth is incomplete`,
          );
          process.exitCode = 1;
          return;
        }
        writeFileSync(plan.expectedOut, JSON.stringify(simulator.groundTruth()));
        console.log(`expected metrics written to ${plan.expectedOut}`);
      }
    });
}

async function produceToKafka(
  config: Config,
  simulator: SwitchSimulator,
  topic: string,
  plan: SimulatePlan,
  started: number,
): Promise<void> {
  // Ctrl-C stops after the batch in flight, so the topic never ends in a half-sent batch.
  const controller = new AbortController();
  const stop = () => {
    console.log('stopping after the current batch ...');
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Loaded here, not at the top: they take a good part of a second, which `bereik --help` need not wait.
  const [{ Partitioners }, { createKafka }, { ensureTopics }, { createSchemaRegistry }, { produceMessages }] =
    await Promise.all([
      import('kafkajs'),
      import('../sources/kafka/kafka-client.ts'),
      import('../sources/kafka/topics.ts'),
      import('../sources/kafka/schema-registry-client.ts'),
      import('../simulate/produce.ts'),
    ]);
  const kafka = createKafka(config.connections.kafka, { clientId: `${config.kafka.clientId}-simulator` });
  try {
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Only a fresh local stack needs this; asking first keeps the broker from logging an error.
      await ensureTopics(admin, [topic]);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({
      idempotent: false,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      let lastReport = Date.now();
      const registry = createSchemaRegistry(config.connections.schemaRegistry);
      const counts = await produceMessages(simulator.messages(), producer, registry, {
        topic,
        realTime: plan.realTime,
        batchSize: plan.batchSize,
        signal: controller.signal,
        onBatch: (c) => {
          if (Date.now() - lastReport < 5000) return;
          lastReport = Date.now();
          const at = c.lastDeliverAt === null ? '-' : new Date(c.lastDeliverAt).toISOString();
          console.log(`  ${c.messages} messages sent, simulated time ${at}`);
        },
      });
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `${counts.messages} messages sent (${counts.events} events, ${counts.malformed} malformed) in ${counts.batches} batches,` +
          ` ${seconds.toFixed(1)} s, schema id ${counts.schemaId}${counts.aborted ? ' (stopped early)' : ''}`,
      );
    } finally {
      await producer.disconnect();
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
