#!/usr/bin/env node
// The `bereik` command. In a source checkout (src/ present) it runs the TypeScript sources through
// tsx, so a change is never hidden behind a stale build; an image or package without src/ runs the
// compiled JavaScript from dist/ (`npm run build`).
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const sources = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
