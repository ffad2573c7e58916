/**
 * Installing Node 24: the install manifest that lets npm run node@24's preinstall script, and the
 * errors when npm fails or skips that script. A stand-in npm (a shell script) plays the registry's
 * part, so each outcome is reached without the network.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureNode24 } from '../../../scripts/node24.ts';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** An npm that runs `script` (sh) with the install prefix as $PREFIX. */
function standInNpm(script: string): { npm: string; prefix: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bereik-node24-'));
  made.push(dir);
  const npm = path.join(dir, 'npm');
  writeFileSync(npm, `#!/bin/sh\nPREFIX="$6"\n${script}\n`);
  chmodSync(npm, 0o755);
  return { npm, prefix: path.join(dir, 'installs', 'node24') };
}

/** What the stand-in npm writes as the node package's binary: a script that prints `version`. */
const binaryPrinting = (version: string) =>
  `mkdir -p "$PREFIX/node_modules/node/bin" && printf '#!/bin/sh\\necho ${version}\\n' > "$PREFIX/node_modules/node/bin/node" && chmod +x "$PREFIX/node_modules/node/bin/node"`;

describe('ensureNode24', () => {
  it('installs node@24 with its install script allowed, then reuses the binary', () => {
    const { npm, prefix } = standInNpm(
      `[ "$1 $2 $3 $4 $5" = "install --no-package-lock --no-audit --no-fund --prefix" ] || exit 9\n${binaryPrinting('v24.11.0')}\necho ran >> "$PREFIX/../npm-runs"`,
    );
    const binary = ensureNode24(prefix, npm);
    expect(binary).toBe(path.join(prefix, 'node_modules', 'node', 'bin', 'node'));
    const manifest = JSON.parse(readFileSync(path.join(prefix, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({
      private: true,
      dependencies: { node: '24' },
      allowScripts: { node: true },
    });
    expect(ensureNode24(prefix, npm)).toBe(binary);
    expect(readFileSync(path.join(prefix, '..', 'npm-runs'), 'utf8')).toBe('ran\n');
  });

  it('says the preinstall script did not run when npm installs the package without its binary', () => {
    const { npm, prefix } = standInNpm('mkdir -p "$PREFIX/node_modules/node"');
    expect(() => ensureNode24(prefix, npm)).toThrow(/preinstall script did not run.*allowScripts/);
  });

  it('says what to check when npm fails', () => {
    const { npm, prefix } = standInNpm('exit 1');
    expect(() => ensureNode24(prefix, npm)).toThrow(/failed .*check the network to the npm registry/);
  });

  it('refuses a binary of another major version', () => {
    const { npm, prefix } = standInNpm(binaryPrinting('v22.1.0'));
    expect(() => ensureNode24(prefix, npm)).toThrow(/is v22\.1\.0, expected v24\.x/);
  });
});
