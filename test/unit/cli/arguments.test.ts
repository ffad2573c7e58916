/** Bad command-line arguments and environment stop the start with a message naming the valid values. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseDays } from '../../../src/cli/config-command.ts';
import { parsePort } from '../../../src/cli/run-command.ts';
import { repoRoot } from '../../../src/stack/paths.ts';
import { logLevelFromEnv } from '../../../src/telemetry/logger.ts';

describe('command-line arguments', () => {
  it('takes a port from 1 to 65535 and refuses anything else, naming the range', () => {
    expect(parsePort('9464')).toBe(9464);
    expect(parsePort('1')).toBe(1);
    expect(parsePort('65535')).toBe(65535);
    for (const bad of ['abc', '0', '65536', '94.64', '-1', '', '9464x']) {
      expect(() => parsePort(bad), bad).toThrow(InvalidArgumentError);
      expect(() => parsePort(bad), bad).toThrow('give a whole number from 1 to 65535');
    }
  });

  it('takes 1 to 366 days for config check and refuses anything else', () => {
    expect(parseDays('14')).toBe(14);
    expect(parseDays('366')).toBe(366);
    for (const bad of ['abc', '0', '367', '1.5', '', '-3'])
      expect(() => parseDays(bad), bad).toThrow('give a whole number from 1 to 366');
  });

  it('takes BEREIK_LOG_LEVEL from the four levels, info when unset, and refuses others', () => {
    expect(logLevelFromEnv({})).toBe('info');
    expect(logLevelFromEnv({ BEREIK_LOG_LEVEL: '' })).toBe('info');
    for (const level of ['debug', 'info', 'warn', 'error'])
      expect(logLevelFromEnv({ BEREIK_LOG_LEVEL: level })).toBe(level);
    expect(() => logLevelFromEnv({ BEREIK_LOG_LEVEL: 'verbose' })).toThrow(
      'BEREIK_LOG_LEVEL is "verbose": set it to one of debug, info, warn, error',
    );
    expect(() => logLevelFromEnv({ BEREIK_LOG_LEVEL: 'toString' })).toThrow('BEREIK_LOG_LEVEL is "toString"');
  });

  it('prints the version of package.json for --version', () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    const printed = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--version'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(printed.trim()).toBe(version);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
