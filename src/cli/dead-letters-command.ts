/** `bereik dead-letters replay`: sends fixed dead letters back to the switch topic (docs/operations.md). */
import { InvalidArgumentError, type Command } from 'commander';
import { loadCliConfig } from './local-defaults.ts';
import { deadLetterReasons } from '../events/dead-letter.ts';

function instant(value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError(
      `"${value}" is not a moment: write it as ISO 8601, e.g. 2026-12-01T08:00:00+01:00.`,
    );
  return ms;
}

function reason(value: string, previous: string[] = []): string[] {
  if (!Object.hasOwn(deadLetterReasons, value))
    throw new InvalidArgumentError(
      `"${value}" is no reason: use one of ${Object.keys(deadLetterReasons).join(', ')}.`,
    );
  return [...previous, value];
}

export function registerDeadLetterCommands(program: Command): void {
  const deadLetters = program.command('dead-letters').description('the dead-letter topic');
  deadLetters
    .command('replay')
    .description(
      'send dead letters back to the topic they came from (original key and bytes), after the cause is fixed; each source message once',
    )
    .option('-c, --config <file>', 'configuration file (default: BEREIK_CONFIG or deploy/config/bereik.yaml)')
    .option('--reason <reason>', 'only this reason (repeatable)', reason)
    .option('--from <moment>', 'only dead letters rejected at or after this moment (ISO 8601)', instant)
    .option('--to <moment>', 'only dead letters rejected before this moment (ISO 8601)', instant)
    .option('--dry-run', 'count what would be replayed, send nothing')
    .action(
      async (options: {
        config?: string;
        reason?: string[];
        from?: number;
        to?: number;
        dryRun?: boolean;
      }) => {
        const config = loadCliConfig(options.config);
        // Loaded here: `bereik --help` need not wait for Kafka's client.
        const [{ createKafka }, { replayDeadLetters }] = await Promise.all([
          import('../sources/kafka/kafka-client.ts'),
          import('../sources/kafka/replay-dead-letters.ts'),
        ]);
        const kafka = createKafka(config.connections.kafka, { clientId: `${config.kafka.clientId}-replay` });
        const dryRun = options.dryRun === true;
        const result = await replayDeadLetters({
          kafka,
          deadLetterTopic: config.kafka.deadLetterTopic,
          defaultTopic: config.kafka.topic,
          filter: {
            reasons: options.reason === undefined ? undefined : new Set(options.reason),
            fromMs: options.from,
            toMs: options.to,
          },
          dryRun,
        });
        const replayed = Object.values(result.replayed).reduce((a, b) => a + b, 0);
        console.log(
          `${dryRun ? 'would replay' : 'replayed'} ${replayed} of ${result.read} dead letters read from ${config.kafka.deadLetterTopic}`,
        );
        for (const [r, n] of Object.entries(result.replayed)) console.log(`  ${r}: ${n}`);
        for (const [why, n] of Object.entries(result.skipped)) console.log(`  not replayed, ${why}: ${n}`);
        if ((result.skipped['value-omitted'] ?? 0) > 0)
          console.log(
            '  value-omitted: too large to copy into a dead letter; copy those from the source topic (headers bereik-source-partition, bereik-source-offset)',
          );
      },
    );
}
