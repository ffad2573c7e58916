/**
 * Node 24 (the current LTS), which bereik's tests, bench and `npm start` run on: the `node@24`
 * package from the npm registry, installed once into the stack folder and reused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const prefix = path.resolve(import.meta.dirname, '..', '.stack', 'installs', 'node24');
const binary = path.join(prefix, 'node_modules', 'node', 'bin', 'node');

/** Returns the path of a Node 24 binary, installing it when missing. */
export function ensureNode24(): string {
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    try {
      execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', prefix, 'node@24'], {
        stdio: 'inherit',
      });
    } catch (error) {
      throw new Error(
        `node24: installing the node@24 package from the npm registry failed (${String(error)}); ` +
          'check the network to the npm registry and run npm test again',
        { cause: error },
      );
    }
  }
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24.')) throw new Error(`node24: ${binary} is ${version}, expected v24.x`);
  return binary;
}
