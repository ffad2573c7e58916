/** `bereik stack up|down|status`: the local Kafka, Schema Registry, ClickHouse and Prometheus. */
import type { Command } from 'commander';
import { stackDown, stackStatus, stackUp } from '../stack/stack.ts';

export function registerStackCommands(program: Command): void {
  const stack = program
    .command('stack')
    .description('run the local stack (Kafka, Schema Registry, ClickHouse, Prometheus) without Docker');

  stack
    .command('up')
    .description('install what is missing, start every piece and wait until each is healthy')
    .action(async () => {
      const started = Date.now();
      const result = await stackUp((line) => {
        console.log(line);
      });
      console.log(
        `stack up in ${((Date.now() - started) / 1000).toFixed(1)} s` +
          ` (started: ${result.started.join(', ') || 'none'}; already running: ${result.alreadyRunning.join(', ') || 'none'}` +
          `; external: ${result.external.join(', ') || 'none'})`,
      );
      for (const line of await stackStatus()) console.log(line);
    });

  stack
    .command('down')
    .description('stop every local piece (external services are left alone)')
    .action(async () => {
      await stackDown();
      console.log('stack down');
    });

  stack
    .command('status')
    .description('show where each piece runs and whether it is healthy')
    .action(async () => {
      for (const line of await stackStatus()) console.log(line);
    });
}
