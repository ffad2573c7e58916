/** `bereik config check`: validates the configuration and tells it back as bereik will use it. */
import { InvalidArgumentError, type Command } from 'commander';
import { describeConfig, describeConnections } from '../config/describe-config.ts';
import { loadCliConfig } from './local-defaults.ts';
import { localDateOf } from '../domain/amsterdam-time.ts';

/** How many days of the opening calendar to print: a whole number from 1 to 366. */
export function parseDays(value: string): number {
  const days = Number(value);
  if (!/^\d+$/.test(value.trim()) || days < 1 || days > 366)
    throw new InvalidArgumentError(`"${value}" is not a number of days: give a whole number from 1 to 366.`);
  return days;
}

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('check the configuration');
  config
    .command('check')
    .description(
      'validate the configuration and the connection settings, and print the connections (no secrets), gemeenten, queues, streefcijfers and the opening calendar of the coming two weeks',
    )
    .option('-c, --config <file>', 'configuration file (default: BEREIK_CONFIG or deploy/config/bereik.yaml)')
    .option('--days <n>', 'days of the opening calendar (1-366)', parseDays, 14)
    .action((options: { config?: string; days: number }) => {
      const loaded = loadCliConfig(options.config);
      console.log(`${loaded.sourcePath}: valid`);
      for (const line of describeConnections(loaded.connections)) console.log(line);
      for (const line of describeConfig(loaded, localDateOf(Date.now()), options.days)) console.log(line);
    });
}
