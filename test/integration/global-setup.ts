/**
 * Brings the real local stack up once for all integration tests (installing what is missing),
 * hands the endpoints to the tests, and stops afterwards only the pieces it started itself, so a
 * stack the developer runs on purpose keeps running.
 */
import type { TestProject } from 'vitest/node';
import { stackDown, stackEndpoints, stackUp, type StackEndpoints } from '../../src/stack/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoints: StackEndpoints;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
