/**
 * bereik's HTTP surface for operations: /metrics (Prometheus text format from the shared
 * registry), /healthz (the process is alive) and /readyz (it consumes and its sinks answer; 503
 * with the reasons otherwise, so an orchestrator stops routing to it and a human sees why).
 */
import type { Server } from 'node:http';
import express from 'express';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  readonly name: string;
  /** Undefined when ready; otherwise why not. */
  check(): string | undefined;
}

export function startHttpServer(options: {
  registry: Registry;
  host: string;
  port: number;
  readiness: readonly ReadinessCheck[];
}): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const problems = options.readiness.flatMap((r) => {
      const problem = r.check();
      return problem === undefined ? [] : [{ check: r.name, problem }];
    });
    res
      .status(problems.length === 0 ? 200 : 503)
      .json({ status: problems.length === 0 ? 'ready' : 'not ready', problems });
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(options.port, options.host);
    server.once('listening', () => {
      resolve(server);
    });
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${options.port} for /metrics is taken: set http.port in the configuration to a free port`,
            )
          : error,
      );
    });
  });
}
