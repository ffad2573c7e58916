#!/usr/bin/env node
// The `bereik` command. In a source checkout (src/ present) it runs the TypeScript sources, so a
// change is never hidden behind a stale build; an image or package without src/ runs the compiled
// JavaScript from dist/ (`npm run build`).
//
// Node 24 strips the types itself (the sources use erasable syntax only, checked by tsc), and the
// code then runs as written. Only a Node without type stripping goes through tsx, whose esbuild
// keeps function names by wrapping every closure in a call that redefines its name: a few per
// event on the hot path, measured at some 4 % of the processor's CPU.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const sources = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(sources)) {
  if (!process.features.typescript) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  await import(sources.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
