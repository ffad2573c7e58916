/**
 * The `bereik` command line. Each subcommand is a thin wrapper: it parses its options and calls
 * into the module that does the work, and turns known errors into a clear message and exit code.
 */
import { Command } from 'commander';
import { registerRunCommand } from './run-command.ts';
import { registerSimulateCommand } from './simulate-command.ts';
import { registerStackCommands } from './stack-command.ts';
import { reportAndExit } from './report-error.ts';

const program = new Command();
program
  .name('bereik')
  .description(
    'Bereikbaarheid van gemeenten: switch events from Kafka to exact KPIs in ClickHouse and Prometheus.',
  )
  .showHelpAfterError();

registerRunCommand(program);
registerStackCommands(program);
registerSimulateCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportAndExit(error);
}
