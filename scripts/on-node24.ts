/**
 * Runs a script on Node 24 (the current LTS), whatever Node started npm: `tsx scripts/on-node24.ts
 * [--processor] scripts/start.ts [args]`. Installs the `node@24` npm package into the stack folder
 * the first time. `--processor`: the script runs bereik's processor in its own process, so Node
 * starts with the processor's options (src/cli/processor-node-flags.ts). `--native`: Node 24 strips
 * the types itself, as `bin/bereik.js` runs the processor, instead of tsx, whose esbuild wraps every
 * named closure in a call that redefines its name (for benchmarks of the processor's own code).
 * Ctrl-C and SIGTERM reach the script (it drains); this process waits and exits with its code.
 */
import { spawn } from 'node:child_process';
import { ensureNode24 } from './node24.ts';
import { PROCESSOR_NODE_FLAGS } from '../src/cli/processor-node-flags.ts';

const given = process.argv.slice(2);
const options = new Set<string>();
while (given[0] === '--processor' || given[0] === '--native') options.add(given.shift() ?? '');
const [script, ...args] = given;
if (script === undefined) {
  console.error('usage: tsx scripts/on-node24.ts [--processor] [--native] <script.ts> [arguments]');
  process.exit(2);
}
const node24 = ensureNode24();
const nodeFlags = [
  ...(options.has('--processor') ? PROCESSOR_NODE_FLAGS : []),
  ...(options.has('--native') ? [] : ['--import', 'tsx']),
];
const child = spawn(node24, [...nodeFlags, script, ...args], { stdio: 'inherit' });
// The terminal sends Ctrl-C to both; a SIGTERM from elsewhere is passed on. Either way the child decides.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signal === 'SIGTERM') child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === null ? 1 : 128));
});
