/** Invalid configuration stops the start with a message naming the field and the fix. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.ts';
import { loadConfig, loadSecrets, parseConfig } from '../../../src/config/load.ts';
import { Targets } from '../../../src/config/targets.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';

const minimal = () => ({
  version: 1,
  gemeenten: [
    {
      code: 'GM0307',
      name: 'Amersfoort',
      dialledNumber: '14033',
      queues: [{ id: 'kcc', kind: 'kcc', name: 'KCC', hours: { mon: ['08:30-17:00'] } }],
    },
  ],
});

function errorOf(raw: unknown): string {
  try {
    parseConfig(raw, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('accepts the shipped example and fills in the defaults', () => {
    const config = exampleConfig();
    expect(config.gemeenten.map((g) => g.code)).toEqual(['GM0307', 'GM0034']);
    const m = parseConfig(minimal());
    expect(m.norm).toEqual({
      id: 'vng-kwaliteitshandvest-25s',
      shortAbandonBelowSeconds: 5,
      serviceLevelWithinSeconds: 25,
    });
    expect(m.kafka.topic).toBe('switch.call-events.v1');
    expect(m.gemeenten[0]?.queues[0]?.hours.tue).toEqual([]);
  });

  it('rejects unknown keys, naming them', () => {
    expect(errorOf({ ...minimal(), kafak: {} })).toContain(
      '(top level): unknown key(s) kafak: remove them or fix the spelling',
    );
  });

  it('names the field of a bad opening interval', () => {
    const raw = minimal();
    const [gemeente] = raw.gemeenten;
    const [queue] = gemeente?.queues ?? [];
    if (queue === undefined) throw new Error('minimal config lost its queue');
    queue.hours.mon = ['8:30-17'];
    expect(errorOf(raw)).toMatch(/gemeenten\[0\]\.queues\[0\]\.hours\.mon\[0\]: .*8:30-17/);
  });

  it('says what it expected and what it got for a value of the wrong type, and how to fix it', () => {
    const wrong = (change: (raw: ReturnType<typeof minimal> & Record<string, unknown>) => void) => {
      const raw: ReturnType<typeof minimal> & Record<string, unknown> = minimal();
      change(raw);
      return errorOf(raw);
    };
    const unquoted = wrong((raw) => {
      (raw.gemeenten[0] as Record<string, unknown>)['dialledNumber'] = 14033;
    });
    expect(unquoted).toContain(
      "gemeenten[0].dialledNumber: expected a string, got the number 14033: quote it ('14033')",
    );
    expect(unquoted).not.toContain('missing');
    const quotedPort = wrong((raw) => {
      raw['http'] = { port: '9464' };
    });
    expect(quotedPort).toContain(
      'http.port: expected a number, got the string "9464": write it without quotes',
    );
    const notAList = wrong((raw) => {
      const queue = raw.gemeenten[0]?.queues[0] as Record<string, unknown> | undefined;
      if (queue !== undefined) queue['hours'] = { mon: '08:30-17:00' };
    });
    expect(notAList).toContain(
      'gemeenten[0].queues[0].hours.mon: expected a list, got the string "08:30-17:00": write it as a list, e.g. [\'08:30-17:00\']',
    );
    // A field that is really absent still says so.
    expect(
      wrong((raw) => {
        delete (raw.gemeenten[0] as Record<string, unknown>)['name'];
      }),
    ).toContain('gemeenten[0].name: is missing: add it (string)');
  });

  it('requires exactly one KCC per gemeente and unique queue ids', () => {
    const raw = minimal();
    raw.gemeenten[0]?.queues.push({ id: 'kcc', kind: 'vakafdeling', name: 'x', hours: { mon: [] } });
    const message = errorOf(raw);
    expect(message).toContain("gemeenten[0].queues[1].id: queue id 'kcc' appears twice");
  });

  it('rejects a target override for a queue that is not configured, and a ratio above 1', () => {
    const message = errorOf({
      ...minimal(),
      targets: { overrides: [{ year: 2026, queue: 'wmo', reachability: 80 }] },
    });
    expect(message).toContain('targets.overrides[0].reachability: must be between 0 and 1');
    expect(message).toContain('targets.overrides[0].queue: queue wmo is not configured');
  });

  it('reads every Dutch gemeente sharing opening hours through one anchor, and still refuses an alias bomb', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bereik-config-'));
    const gemeenten = Array.from({ length: 342 }, (_, i) => {
      const hours = i === 0 ? "&office { mon: ['08:30-17:00'] }" : '*office';
      const queues = ['kcc', 'burgerzaken', 'belastingen', 'wmo', 'openbare-ruimte']
        .map(
          (id) =>
            `      - { id: ${id}, kind: ${id === 'kcc' ? 'kcc' : 'vakafdeling'}, name: ${id}, hours: ${id === 'kcc' ? hours : '*office'} }`,
        )
        .join('\n');
      return `  - code: GM${String(1000 + i)}\n    name: G${i}\n    dialledNumber: '14${1000 + i}'\n    queues:\n${queues}`;
    });
    const allOfThem = path.join(dir, 'all.yaml');
    writeFileSync(allOfThem, `version: 1\ngemeenten:\n${gemeenten.join('\n')}\n`);
    const env = {
      KAFKA_BROKERS: '127.0.0.1:9092',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081',
      CLICKHOUSE_URL: 'http://127.0.0.1:8123',
    };
    const config = loadConfig(allOfThem, { env });
    expect(config.gemeenten).toHaveLength(342);
    expect(config.gemeenten[341]?.queues[4]?.hours).toEqual(config.gemeenten[0]?.queues[0]?.hours);

    // Six levels of ten aliases each: a million values from a few lines.
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f'].entries()) {
      levels.push(`${name}: &${name} [${Array(10).fill(`*${'abcde'[i]}`).join(', ')}]`);
    }
    const bomb = path.join(dir, 'bomb.yaml');
    writeFileSync(bomb, `${levels.join('\n')}\n`);
    expect(() => loadConfig(bomb)).toThrow(/bomb.yaml is not valid YAML: Excessive alias count/);
  });

  it('says which file it could not read and how to point at another', () => {
    expect(() => loadConfig('/nonexistent/bereik.yaml')).toThrow(
      /cannot read the configuration file \/nonexistent\/bereik.yaml \(ENOENT\); pass --config/,
    );
  });

  it('requires an HMAC key of at least 32 characters from the environment', () => {
    expect(() => loadSecrets({})).toThrow(/BEREIK_HMAC_KEY is not set/);
    expect(() => loadSecrets({ BEREIK_HMAC_KEY: 'short' })).toThrow(/only 5 characters/);
    expect(loadSecrets({ BEREIK_HMAC_KEY: 'k'.repeat(32) }).hmacKey).toHaveLength(32);
  });

  it('picks the most specific target for the year, else the default of the queue kind', () => {
    const targets = new Targets(exampleConfig().targets);
    const q = { gemeente: 'GM0307', metric: 'reachability' } as const;
    expect(targets.targetFor({ ...q, queue: 'kcc', kind: 'kcc', year: 2026 })).toBe(0.85);
    expect(targets.targetFor({ ...q, queue: 'kcc', kind: 'kcc', year: 2027 })).toBe(0.9);
    expect(targets.targetFor({ ...q, queue: 'wmo', kind: 'vakafdeling', year: 2026 })).toBe(0.8);
    expect(
      targets.targetFor({ ...q, queue: 'wmo', kind: 'vakafdeling', year: 2026, metric: 'callbacksOnTime' }),
    ).toBe(0.95);
  });
});
