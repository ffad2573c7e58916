/**
 * The compiled bereik as the image runs it, without Docker: `npm run build`, then the image's
 * layout in a temporary folder (dist/, bin/, schemas/, deploy/config/, package.json and the
 * installed node_modules, no src/), where `bereik --version`, `--help` and `config check` must
 * work. Prints how long `--help` took. Run by `npm test` on Node 24.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
execFileSync(
  process.execPath,
  [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
const image = mkdtempSync(path.join(tmpdir(), 'bereik-image-'));
try {
  for (const part of ['dist', 'bin', 'schemas', path.join('deploy', 'config'), 'package.json'])
    cpSync(path.join(root, part), path.join(image, part), { recursive: true });
  symlinkSync(path.join(root, 'node_modules'), path.join(image, 'node_modules'), 'dir');
  const bereik = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(image, 'bin', 'bereik.js'), ...args], {
      cwd: image,
      encoding: 'utf8',
      env: { ...process.env, BEREIK_CONFIG: path.join(image, 'deploy', 'config', 'bereik.yaml') },
    });
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const printed = bereik('--version').trim();
  if (printed !== version)
    throw new Error(`compiled bereik --version printed ${printed}, expected ${version}`);
  const started = performance.now();
  const help = bereik('--help');
  const helpMs = performance.now() - started;
  for (const command of ['run', 'simulate', 'stack', 'config'])
    if (!help.includes(command)) throw new Error(`compiled bereik --help does not list ${command}`);
  const check = bereik('config', 'check');
  if (!check.includes('GM0307 Amersfoort (14033)'))
    throw new Error(`compiled config check printed:\n${check}`);
  console.log(`compiled bereik (no src/): --version, --help (${helpMs.toFixed(0)} ms) and config check work`);
} finally {
  rmSync(image, { recursive: true, force: true });
}
