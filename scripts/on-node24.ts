/**
 * Runs a script on Node 24 (the current LTS), whatever Node started npm: `tsx scripts/on-node24.ts
 * scripts/start.ts [args]`. Installs the `node@24` npm package into the stack folder the first time.
 * Ctrl-C and SIGTERM reach the script (it drains); this process waits and exits with its code.
 */
import { spawn } from 'node:child_process';
import { ensureNode24 } from './node24.ts';

const [script, ...args] = process.argv.slice(2);
if (script === undefined) {
  console.error('usage: tsx scripts/on-node24.ts <script.ts> [arguments]');
  process.exit(2);
}
const node24 = ensureNode24();
const child = spawn(node24, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
// The terminal sends Ctrl-C to both; a SIGTERM from elsewhere is passed on. Either way the child decides.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signal === 'SIGTERM') child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === null ? 1 : 128));
});
