/** `bereik run`: the processor, until SIGTERM or SIGINT, then a clean drain. */
import type { Command } from 'commander';
import { runProcessor } from '../main.ts';
import { reportAndExit } from './report-error.ts';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('consume switch events from Kafka and keep ClickHouse and Prometheus exact (the processor)')
    .option('-c, --config <file>', 'configuration file (default: BEREIK_CONFIG or deploy/config/bereik.yaml)')
    .option('--http-port <port>', 'port for /metrics, /healthz and /readyz (overrides http.port)', (v) =>
      Number(v),
    )
    .action(async (options: { config?: string; httpPort?: number }) => {
      const running = await runProcessor({ configPath: options.config, httpPort: options.httpPort });
      const stop = (signal: string) => {
        console.error(`${signal}: draining`);
        running.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            reportAndExit(error);
          },
        );
      };
      process.once('SIGTERM', () => {
        stop('SIGTERM');
      });
      process.once('SIGINT', () => {
        stop('SIGINT');
      });
    });
}
