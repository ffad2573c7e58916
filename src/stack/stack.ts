/**
 * The local stack as a whole: bring every piece up (install what is missing, start, wait for
 * health), take it down, and report status. A piece whose environment variable is set runs
 * elsewhere: it is neither installed nor started, only checked.
 */
import { StackError } from './errors.ts';
import { endpointUrl } from './local-urls.ts';
import type { Endpoint, LocalService } from './service.ts';
import { localServices } from './services.ts';

/** The endpoints bereik and its tests use: the environment's when set, else the local stack's. */
export interface StackEndpoints {
  kafka: Endpoint;
  schemaRegistry: Endpoint;
  clickhouse: Endpoint;
  prometheus: Endpoint;
}

function endpointOf(service: LocalService): Endpoint {
  const fromEnv = process.env[service.envVar];
  return fromEnv !== undefined && fromEnv !== ''
    ? { url: fromEnv, external: true }
    : { url: service.localUrl, external: false };
}

export function stackEndpoints(): StackEndpoints {
  return {
    kafka: endpointUrl('kafka'),
    schemaRegistry: endpointUrl('schemaRegistry'),
    clickhouse: endpointUrl('clickhouse'),
    prometheus: endpointUrl('prometheus'),
  };
}

const all = (): LocalService[] => Object.values(localServices);
const managed = (): LocalService[] => all().filter((s) => !endpointOf(s).external);

export interface UpResult {
  /** Pieces this call started (they were not running before). */
  started: string[];
  /** Pieces that were already running locally. */
  alreadyRunning: string[];
  /** Pieces the environment points at. */
  external: string[];
}

/** Installs and starts every piece not given by the environment; idempotent. */
export async function stackUp(log: (line: string) => void = () => undefined): Promise<UpResult> {
  const result: UpResult = { started: [], alreadyRunning: [], external: [] };
  for (const service of all()) {
    if (endpointOf(service).external) result.external.push(service.name);
  }
  const pieces = managed();
  // Installs download in parallel; each is a no-op when its files are already there.
  await settleAll(
    pieces.map(async (service) => {
      log(`${service.name}: checking install`);
      await service.install();
    }),
  );
  await settleAll(
    pieces.map(async (service) => {
      if (await service.isHealthy().catch(() => false)) {
        result.alreadyRunning.push(service.name);
        log(`${service.name}: already running at ${service.localUrl}`);
        return;
      }
      log(`${service.name}: starting`);
      await service.start();
      result.started.push(service.name);
      log(`${service.name}: healthy at ${service.localUrl}`);
    }),
  );
  return result;
}

/** Stops the local pieces (all of them, or the named ones). External services are left alone. */
export async function stackDown(names?: readonly string[]): Promise<void> {
  const pieces = managed().filter((s) => names === undefined || names.includes(s.name));
  await settleAll(pieces.map((s) => s.stop()));
}

/** One line per piece: where it is, whether it is healthy, and its own description. */
export async function stackStatus(): Promise<string[]> {
  return Promise.all(
    all().map(async (service) => {
      const endpoint = endpointOf(service);
      const healthy = await service.isHealthy().catch(() => false);
      const where = endpoint.external ? `${endpoint.url} (external, ${service.envVar})` : endpoint.url;
      const details = healthy && !endpoint.external ? ` ${await service.describe().catch(() => '')}` : '';
      return `${service.name.padEnd(16)} ${healthy ? 'up  ' : 'down'} ${where}${details}`;
    }),
  );
}

/** Waits for all, then throws every failure together so one broken piece does not hide another. */
async function settleAll(tasks: Promise<void>[]): Promise<void> {
  const outcomes = await Promise.allSettled(tasks);
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    throw new AggregateError(
      failures,
      failures.map((f) => (f instanceof StackError ? f.describe() : String(f))).join('\n\n'),
    );
  }
}
