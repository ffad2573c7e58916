/**
 * The contract every piece of the local stack fulfils (Kafka, Schema Registry, ClickHouse,
 * Prometheus). The orchestrator in stack.ts only speaks this interface.
 */

/** Where a piece is reached, and whether the local stack runs it or it runs elsewhere. */
export interface Endpoint {
  /** e.g. `127.0.0.1:19092` for Kafka, `http://127.0.0.1:18123` for ClickHouse. */
  readonly url: string;
  /** True when the user pointed us at a running service through its environment variable. */
  readonly external: boolean;
}

export interface LocalService {
  /** Short name used in messages, log and pid file names: `kafka`, `schema-registry`, `clickhouse`, `prometheus`. */
  readonly name: string;
  /** The environment variable that points at an external instance (then nothing is installed or started). */
  readonly envVar: string;
  /** The URL of the local instance. */
  readonly localUrl: string;
  /** Download and unpack what is missing; idempotent and fast when everything is there. */
  install(): Promise<void>;
  /** Start the process detached (pid file, log file) unless it is already healthy; wait until healthy. */
  start(): Promise<void>;
  /** A real health check against the running service (not just "the pid is alive"). */
  isHealthy(): Promise<boolean>;
  /** Stop the process started by start(), its children included; a no-op when it does not run. */
  stop(): Promise<void>;
  /** One line for `stack status`: version and anything useful. */
  describe(): Promise<string>;
}
