/**
 * deploy/Dockerfile as data (no Docker engine here): a build stage compiles, the image ships the
 * compiled code and production dependencies only, runs as a non-root user on Node 24, and has a
 * HEALTHCHECK on /healthz. scripts/check-build.ts (run by `npm test`) runs the compiled bereik in
 * the image's layout.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../src/stack/paths.ts';
import { PROCESSOR_NODE_FLAGS } from '../../../src/cli/processor-node-flags.ts';

const text = readFileSync(path.join(repoRoot, 'deploy', 'Dockerfile'), 'utf8');
const instructions = text
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const stages: string[][] = [];
for (const line of instructions) {
  if (line.startsWith('FROM ')) stages.push([]);
  stages.at(-1)?.push(line);
}

describe('deploy/Dockerfile', () => {
  it('compiles in a build stage and ships dist/ and production dependencies only', () => {
    expect(stages).toHaveLength(2);
    const [build = [], image = []] = stages;
    expect(build[0]).toBe('FROM node:24-slim AS build');
    expect(build).toContain('RUN npm run build');
    expect(image[0]).toBe('FROM node:24-slim');
    expect(image).toContain('COPY --from=build /app/dist ./dist');
    expect(image.some((l) => /npm ci --omit=dev/.test(l))).toBe(true);
    // No sources in the image: bin/bereik.js then runs dist/.
    expect(image.filter((l) => /^COPY .*\bsrc\b/.test(l))).toEqual([]);
    expect(readFileSync(path.join(repoRoot, 'bin', 'bereik.js'), 'utf8')).toContain('../dist/cli/main.js');
  });

  it('runs as a non-root user with a health check on /healthz', () => {
    const image = stages[1] ?? [];
    expect(image).toContain('USER node');
    const health = image.find((l) => l.startsWith('HEALTHCHECK'));
    expect(health).toMatch(/http:\/\/127\.0\.0\.1:9464\/healthz/);
  });

  it("starts Node with the processor's own options, the list `npm start` and the tests use", () => {
    const entrypoint = (stages[1] ?? []).at(-1) ?? '';
    expect(entrypoint.startsWith('ENTRYPOINT ')).toBe(true);
    expect(JSON.parse(entrypoint.slice('ENTRYPOINT '.length))).toEqual([
      'node',
      ...PROCESSOR_NODE_FLAGS,
      'bin/bereik.js',
    ]);
  });
});
