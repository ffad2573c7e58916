/** `bereik config check`: validates the configuration and tells it back as bereik will use it. */
import type { Command } from 'commander';
import { describeConfig } from '../config/describe-config.ts';
import { loadConfig } from '../config/load.ts';
import { localDateOf } from '../domain/amsterdam-time.ts';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('check the configuration');
  config
    .command('check')
    .description(
      'validate the configuration and print its gemeenten, queues, streefcijfers and the opening calendar of the coming two weeks',
    )
    .option('-c, --config <file>', 'configuration file (default: BEREIK_CONFIG or deploy/config/bereik.yaml)')
    .option('--days <n>', 'days of the opening calendar', (v) => Number(v), 14)
    .action((options: { config?: string; days: number }) => {
      const loaded = loadConfig(options.config);
      console.log(`${loaded.sourcePath}: valid`);
      for (const line of describeConfig(loaded, localDateOf(Date.now()), options.days)) console.log(line);
    });
}
