/** Bad command-line arguments and environment stop the start with a message naming the valid values. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseDays } from '../../../src/cli/config-command.ts';
import {
  outputFile,
  parseCompareYears,
  parseGemeenteCode,
  parseYear,
} from '../../../src/cli/report-command.ts';
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

  it('takes a report year, 1 to 10 compared years and a CBS code, naming what to give otherwise', () => {
    expect(parseYear('2025')).toBe(2025);
    for (const bad of ['25', '1999', '2101', '2025.5', 'twee']) {
      expect(() => parseYear(bad), bad).toThrow('give four digits, e.g. 2025');
    }
    expect(parseCompareYears('5')).toBe(5);
    for (const bad of ['0', '11', '2.5', '']) {
      expect(() => parseCompareYears(bad), bad).toThrow('give a whole number from 1 to 10');
    }
    expect(parseGemeenteCode('GM0307')).toBe('GM0307');
    for (const bad of ['0307', 'gm0307', 'GM307', 'GM03070']) {
      expect(() => parseGemeenteCode(bad), bad).toThrow('give its CBS code, e.g. GM0307');
    }
  });

  it('names one report file per gemeente when the report covers several', () => {
    expect(outputFile('out/verslag.html', 'GM0307', false)).toBe('out/verslag.html');
    expect(outputFile('out/verslag.html', 'GM0307', true)).toBe('out/verslag-GM0307.html');
    expect(outputFile('verslag', 'GM0034', true)).toBe('verslag-GM0034');
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

  // A cold start of the CLI (tsx compiling it) on a slow, busy machine can take seconds.
  it('prints the version of package.json for --version', { timeout: 60_000 }, async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    const { stdout: printed } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', '--version'],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(printed.trim()).toBe(version);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
