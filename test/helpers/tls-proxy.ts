/**
 * An https front for a plain-http service of the stack (the Schema Registry, ClickHouse), for the
 * secure-connection tests: it presents the test PKI's server certificate, optionally asks for
 * basic auth (answering 401 like a registry that refuses the credentials), and passes every
 * request through unchanged otherwise, body streamed both ways.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestPki } from './test-pki.ts';

export interface TlsProxy {
  /** https://localhost:<port> plus the target's path prefix. */
  readonly url: string;
  /** Requests refused for missing or wrong basic auth. */
  readonly refused: () => number;
  /** Requests passed through. */
  readonly passed: () => number;
  close(): Promise<void>;
}

export async function startTlsProxy(
  target: string,
  pki: TestPki,
  basicAuth?: { username: string; password: string },
): Promise<TlsProxy> {
  const upstream = new URL(target);
  const expected =
    basicAuth === undefined
      ? undefined
      : `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`;
  let refused = 0;
  let passed = 0;
  const server: Server = createServer(
    { cert: readFileSync(pki.serverCertFile), key: readFileSync(pki.serverKeyFile) },
    (req, res) => {
      if (expected !== undefined && req.headers.authorization !== expected) {
        refused++;
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="test"' });
        res.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
        return;
      }
      passed++;
      const headers = { ...req.headers, host: upstream.host };
      // The registry behind needs no credentials; ClickHouse's are passed on (it checks them itself).
      if (expected !== undefined) delete headers.authorization;
      const forward = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(error.message);
      });
      req.pipe(forward);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}${upstream.pathname.replace(/\/$/, '')}`,
    refused: () => refused,
    passed: () => passed,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
