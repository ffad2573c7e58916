/**
 * Where the local stack's pieces listen, in one place: the stack starts them there, and bereik's
 * configuration uses these URLs when the environment does not point elsewhere. Ports are offset
 * from the usual ones (9092, 8081, 8123, 9090) so a locally installed service does not collide.
 */
export const localUrls = {
  /** KAFKA_BROKERS */
  kafka: '127.0.0.1:19092',
  /** SCHEMA_REGISTRY_URL: Apicurio's Confluent-compatible API. */
  schemaRegistry: 'http://127.0.0.1:18081/apis/ccompat/v7',
  /** CLICKHOUSE_URL (HTTP interface). */
  clickhouse: 'http://127.0.0.1:18123',
  /** PROMETHEUS_URL */
  prometheus: 'http://127.0.0.1:19090',
} as const;

/** The environment variables that point bereik at services running elsewhere. */
export const endpointEnvVars = {
  kafka: 'KAFKA_BROKERS',
  schemaRegistry: 'SCHEMA_REGISTRY_URL',
  clickhouse: 'CLICKHOUSE_URL',
  prometheus: 'PROMETHEUS_URL',
} as const;

export type StackPiece = keyof typeof localUrls;

/** The URL of a piece: its environment variable when set, else the local stack's. */
export function endpointUrl(
  piece: StackPiece,
  env: NodeJS.ProcessEnv = process.env,
): { url: string; external: boolean } {
  const fromEnv = env[endpointEnvVars[piece]];
  return fromEnv !== undefined && fromEnv !== ''
    ? { url: fromEnv, external: true }
    : { url: localUrls[piece], external: false };
}
