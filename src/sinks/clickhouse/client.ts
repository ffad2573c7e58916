/** The ClickHouse client from the validated connection settings: user, password, https with a custom CA. */
import { rootCertificates } from 'node:tls';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseConnection } from '../../config/connections.ts';
import { clickhouseClientOptions } from './client-options.ts';

export function createClickHouseClient(connection: ClickHouseConnection): ClickHouseClient {
  const { credentials, tls } = connection;
  // The client wants a CA with a client certificate; without a custom one, the system's CAs.
  const ca = Buffer.from(tls?.ca ?? rootCertificates.join('\n'));
  return createClient({
    ...clickhouseClientOptions(connection.url),
    // bereik logs each failure once, with the step that failed; the client's own dump would repeat it.
    log: { level: ClickHouseLogLevel.OFF },
    ...(credentials === undefined ? {} : { username: credentials.username }),
    ...(credentials?.password === undefined ? {} : { password: credentials.password }),
    ...(tls === undefined || (tls.ca === undefined && tls.clientCertificate === undefined)
      ? {}
      : {
          tls:
            tls.clientCertificate === undefined
              ? { ca_cert: ca }
              : {
                  ca_cert: ca,
                  cert: Buffer.from(tls.clientCertificate.cert),
                  key: Buffer.from(tls.clientCertificate.key),
                },
        }),
  });
}
