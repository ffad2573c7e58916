/**
 * The `bereik` command line. Each subcommand is a thin wrapper: it parses its options and calls
 * into the module that does the work, and turns known errors into a clear message and exit code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { repoRoot } from '../stack/paths.ts';
import { registerConfigCommands } from './config-command.ts';
import { registerDeadLetterCommands } from './dead-letters-command.ts';
import { registerReportCommand } from './report-command.ts';
import { registerRunCommand } from './run-command.ts';
import { registerSimulateCommand } from './simulate-command.ts';
import { registerStackCommands } from './stack-command.ts';
import { reportAndExit } from './report-error.ts';
import { printProcessWarnings } from '../telemetry/process-warnings.ts';

// Output piped into `head` or `grep -m1` closes early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// kafkajs's timer in the past (process-warnings.ts) is noise among what a command prints; `bereik
// run` sends warnings to its log instead.
printProcessWarnings();

const program = new Command();
program
  .name('bereik')
  .description(
    'Bereikbaarheid van gemeenten: switch events from Kafka to exact KPIs in ClickHouse and Prometheus.',
  )
  .version(packageVersion(), '-V, --version', 'print the version of bereik')
  .showHelpAfterError();

registerRunCommand(program);
registerConfigCommands(program);
registerDeadLetterCommands(program);
registerStackCommands(program);
registerSimulateCommand(program);
registerReportCommand(program);

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportAndExit(error);
}
