/**
 * Node 24 (the current LTS), which bereik's tests, bench and `npm start` run on: the `node@24`
 * package from the npm registry, installed once into the stack folder and reused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const stackPrefix = path.resolve(import.meta.dirname, '..', '.stack', 'installs', 'node24');

/**
 * The install folder's own package: node@24 fetches its binary in a preinstall script, and npm
 * runs a dependency's install scripts only when the project allows them (advisory since npm
 * 11.16, enforced from npm 12), so the allowance is written where npm reads it.
 */
const installManifest = {
  private: true,
  description: 'Node 24 for bereik (written by scripts/node24.ts)',
  dependencies: { node: '24' },
  allowScripts: { node: true },
};

/**
 * Returns the path of a Node 24 binary, installing it when missing.
 * @param prefix where it is installed (the stack folder's installs)
 * @param npm the npm command that installs it
 */
export function ensureNode24(prefix = stackPrefix, npm = 'npm'): string {
  const binary = path.join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    writeFileSync(path.join(prefix, 'package.json'), `${JSON.stringify(installManifest, null, 2)}\n`);
    try {
      execFileSync(npm, ['install', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix], {
        stdio: 'inherit',
      });
    } catch (error) {
      throw new Error(
        `node24: installing the node@24 package from the npm registry failed (${String(error)}); ` +
          'check the network to the npm registry and run npm test again',
        { cause: error },
      );
    }
    if (!existsSync(binary))
      throw new Error(
        `node24: npm installed the node@24 package but not its binary (${binary}): its preinstall ` +
          `script did not run. Check that npm may run it (allowScripts in ${prefix}/package.json, ` +
          'no ignore-scripts in .npmrc), remove that folder and run npm test again',
      );
  }
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24.')) throw new Error(`node24: ${binary} is ${version}, expected v24.x`);
  return binary;
}
