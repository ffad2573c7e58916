/**
 * What the command line assumes when the environment says nothing: the configuration file from
 * --config, else BEREIK_CONFIG, else the repository's example; the endpoints of the local
 * development stack for KAFKA_BROKERS, SCHEMA_REGISTRY_URL and CLICKHOUSE_URL when they are not
 * set. Production sets all of them; every command says when it fell back.
 */
import path from 'node:path';
import type { EndpointFallbacks } from '../config/connections.ts';
import { describeFallbacks } from '../config/describe-config.ts';
import { loadConfig, type Config } from '../config/load.ts';
import { localUrls } from '../stack/local-urls.ts';
import { repoRoot } from '../stack/paths.ts';

/** The example configuration in the repository. */
export const exampleConfigPath = path.join(repoRoot, 'deploy', 'config', 'bereik.yaml');

export const localStackFallbacks: EndpointFallbacks = {
  KAFKA_BROKERS: localUrls.kafka,
  SCHEMA_REGISTRY_URL: localUrls.schemaRegistry,
  CLICKHOUSE_URL: localUrls.clickhouse,
};

/** --config, else BEREIK_CONFIG, else the example. */
export function configFile(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['BEREIK_CONFIG'];
  return option ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : exampleConfigPath);
}

/**
 * The configuration as a command uses it: the file chosen as above, unset endpoints on the local
 * stack, said on stderr (stdout stays the command's own output).
 */
export function loadCliConfig(option: string | undefined): Config {
  const config = loadConfig(configFile(option), { fallbacks: localStackFallbacks });
  const fallback = describeFallbacks(config.connections);
  if (fallback !== undefined) console.error(`bereik: ${fallback}`);
  return config;
}
