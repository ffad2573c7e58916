/** `bereik run`: the processor, until SIGTERM or SIGINT, then a clean drain. */
import { InvalidArgumentError, type Command } from 'commander';
import { configFile, localStackFallbacks } from './local-defaults.ts';
import { reportAndExit } from './report-error.ts';

/** A TCP port from the command line: a whole number from 1 to 65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new InvalidArgumentError(`"${value}" is not a port: give a whole number from 1 to 65535.`);
  return port;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('consume switch events from Kafka and keep ClickHouse and Prometheus exact (the processor)')
    .option('-c, --config <file>', 'configuration file (default: BEREIK_CONFIG or deploy/config/bereik.yaml)')
    .option('--http-port <port>', 'port for /metrics, /healthz and /readyz (overrides http.port)', parsePort)
    .action(async (options: { config?: string; httpPort?: number }) => {
      // Loaded here, not at the top: `bereik --help` and the other commands need none of the pipeline.
      const { runProcessor } = await import('../main.ts');
      const { createLogger } = await import('../telemetry/logger.ts');
      const { routeProcessWarnings } = await import('../telemetry/process-warnings.ts');
      const log = createLogger('bereik');
      routeProcessWarnings(log);
      const running = await runProcessor({
        log,
        configPath: configFile(options.config),
        fallbacks: localStackFallbacks,
        httpPort: options.httpPort,
      });
      const stop = (signal: string) => {
        log.info('stopping on a signal', { signal });
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
