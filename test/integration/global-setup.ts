/**
 * Brings the real local stack up once for all integration tests (installing what is missing),
 * hands the endpoints to the tests, and stops afterwards only the pieces it started itself, so a
 * stack the developer runs on purpose keeps running. With Docker, the same services come from
 * deploy/docker-compose.yml through testcontainers instead (containers.ts).
 */
import type { TestProject } from 'vitest/node';
import { stackDown, stackEndpoints, stackUp, type StackEndpoints } from '../../src/stack/stack.ts';
import { startContainers, useContainers } from './containers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoints: StackEndpoints;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (useContainers()) {
    const environment = await startContainers();
    project.provide('endpoints', stackEndpoints());
    return async () => {
      await environment.down();
    };
  }
  const started = Date.now();
  const result = await stackUp((line) => {
    console.log(`[stack] ${line}`);
  });
  console.log(`[stack] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('endpoints', stackEndpoints());
  return async () => {
    if (process.env['BEREIK_KEEP_STACK'] === '1' || result.started.length === 0) return;
    await stackDown(result.started);
  };
}
