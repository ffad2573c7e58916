/** `bereik config check` tells the configuration back: hand-worked against the shipped example over Christmas 2026. */
import { describe, expect, it } from 'vitest';
import { describeConfig, describeConnections } from '../../../src/config/describe-config.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';

describe('describeConfig', () => {
  const lines = describeConfig(exampleConfig(), '2026-12-21', 14);
  const day = (gemeente: string, date: string) => {
    const start = lines.findIndex((l) => l.startsWith(gemeente));
    return lines
      .slice(start)
      .find((l) => l.includes(` ${date} `))
      ?.trim();
  };

  it('names every gemeente with its 14-number, queues, kinds and this year’s streefcijfers', () => {
    expect(lines).toContain('GM0307 Amersfoort (14033)');
    expect(lines).toContain('GM0034 Almere (14036)');
    // Amersfoort's KCC has its own streefcijfer in the example (85%); Almere's KCC the KCC default 90%.
    expect(lines).toContain(
      '  queue kcc (kcc, Klant Contact Centrum): streefcijfers 2026 reachability 85%, firstLineResolution 80%, callbacksOnTime 95%',
    );
    expect(lines).toContain(
      '  queue kcc (kcc, Klantcontactcentrum): streefcijfers 2026 reachability 90%, firstLineResolution 80%, callbacksOnTime 95%',
    );
    // The gemeente as a whole: only callbacks on time has a default there.
    expect(lines).toContain('  streefcijfers 2026 for the gemeente as a whole: callbacksOnTime 95%');
    expect(lines).toContain('  closing days: 2026-05-15');
  });

  it('shows the opening calendar with Cao holidays closing the queues, except a 24/7 line', () => {
    // Monday 21 December: a normal Monday.
    expect(day('GM0307', '2026-12-21')).toMatch(/^ma 2026-12-21 {2}kcc 08:30-17:00; /);
    // Friday 25 December 2026 is Eerste Kerstdag, Saturday 26 Tweede Kerstdag, Friday 1 January Nieuwjaarsdag.
    expect(day('GM0307', '2026-12-25')).toBe('vr 2026-12-25  Eerste Kerstdag: closed');
    expect(day('GM0307', '2026-12-26')).toBe('za 2026-12-26  Tweede Kerstdag: closed');
    expect(day('GM0307', '2027-01-01')).toBe('vr 2027-01-01  Nieuwjaarsdag: closed');
    expect(day('GM0307', '2026-12-27')).toBe('zo 2026-12-27  closed');
    // Almere's Meldingen line stays open on holidays.
    expect(day('GM0034', '2026-12-25')).toBe('vr 2026-12-25  Eerste Kerstdag: meldingen 00:00-24:00');
    // Fourteen days: up to and including Sunday 3 January.
    expect(day('GM0307', '2027-01-03')).toBe('zo 2027-01-03  closed');
    expect(day('GM0307', '2027-01-04')).toBeUndefined();
  });
});

describe('describeConnections', () => {
  it('says where and how bereik connects, without secrets', () => {
    const lines = describeConnections({
      kafka: {
        brokers: ['kafka-1:9093', 'kafka-2:9093'],
        securityProtocol: 'SASL_SSL',
        tls: { ca: 'pem', clientCertificate: undefined },
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'bereik-user', password: 'kafka-secret' },
      },
      schemaRegistry: {
        url: 'https://registry.example',
        credentials: { username: 'api-key', password: 'api-secret' },
        tls: { ca: undefined, clientCertificate: undefined },
      },
      clickhouse: { url: 'http://writer:ch-secret@clickhouse:8123', credentials: undefined, tls: undefined },
      fromFallback: [],
    });
    expect(lines).toEqual([
      'Kafka kafka-1:9093,kafka-2:9093: SASL_SSL, SASL SCRAM-SHA-512 with a user and password, TLS with its own CA file',
      'Schema Registry https://registry.example: basic auth, TLS with the system CAs',
      'ClickHouse http://clickhouse:8123: a user in the URL',
    ]);
    expect(lines.join('\n')).not.toMatch(/secret|bereik-user|api-key|writer/);
  });
});
