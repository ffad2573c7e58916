/**
 * The operations HTTP surface, over real HTTP on 127.0.0.1: /healthz answers 200 from the start
 * (alive before ready); /readyz is 503 naming each failing readiness check with its reason, and 200
 * once every check passes, asked again on every request; /metrics serves the registry's text
 * exposition as it is at the time of the request, with Prometheus' content type; anything else is
 * 404; a port already taken fails the start with the setting to change.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Topology } from '../../../src/config/topology.ts';
import { startHttpServer, type ReadinessCheck } from '../../../src/http/server.ts';
import { BusinessMetrics } from '../../../src/sinks/prometheus/business-metrics.ts';
import { exampleConfig } from '../../helpers/fixtures.ts';

const host = '127.0.0.1';
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => {
      server.close((error) => {
        if (error === undefined) resolve();
        else reject(error);
      });
    });
  }
});

async function start(
  options: { registry?: Registry; readiness?: readonly ReadinessCheck[]; port?: number } = {},
): Promise<{ server: Server; url: (path: string) => string }> {
  const server = await startHttpServer({
    registry: options.registry ?? new Registry(),
    host,
    port: options.port ?? 0,
    readiness: options.readiness ?? [],
  });
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { server, url: (path) => `http://${host}:${port}${path}` };
}

/** A readiness check whose answer the test changes. */
function switchable(
  name: string,
  problem: string | undefined,
): ReadinessCheck & { problem: string | undefined } {
  return {
    name,
    problem,
    check() {
      return this.problem;
    },
  };
}

describe('http server', () => {
  it('listens on the configured host, on a free port when given port 0', async () => {
    const { server } = await start();
    const address = server.address() as AddressInfo;
    expect(address.address).toBe(host);
    expect(address.port).toBeGreaterThan(0);
  });

  it('answers /healthz with 200 from the start, while every readiness check still fails', async () => {
    const { url } = await start({
      readiness: [
        switchable('startup', 'starting: connecting to ClickHouse'),
        switchable('kafka', 'not (yet) a member of the consumer group'),
      ],
    });
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 503 naming each failing check and its reason, in the configured order, leaving passing checks out', async () => {
    const { url } = await start({
      readiness: [
        switchable('startup', undefined),
        switchable('kafka', 'not (yet) a member of the consumer group'),
        switchable('sinks', 'ClickHouse: connect ECONNREFUSED 127.0.0.1:8123'),
        switchable('progress', undefined),
      ],
    });
    const res = await fetch(url('/readyz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not ready',
      problems: [
        { check: 'kafka', problem: 'not (yet) a member of the consumer group' },
        { check: 'sinks', problem: 'ClickHouse: connect ECONNREFUSED 127.0.0.1:8123' },
      ],
    });
  });

  it('answers /readyz with 200 when every check passes', async () => {
    const { url } = await start({
      readiness: [switchable('startup', undefined), switchable('sinks', undefined)],
    });
    const res = await fetch(url('/readyz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', problems: [] });
  });

  it('is ready with no readiness checks at all', async () => {
    const { url } = await start({ readiness: [] });
    const res = await fetch(url('/readyz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', problems: [] });
  });

  it('asks the checks again on every /readyz request: 503 while a sink fails, 200 after it recovers, 503 when it fails again', async () => {
    const sinks = switchable('sinks', 'ClickHouse write: timeout');
    const { url } = await start({ readiness: [sinks] });

    let res = await fetch(url('/readyz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not ready',
      problems: [{ check: 'sinks', problem: 'ClickHouse write: timeout' }],
    });

    sinks.problem = undefined;
    res = await fetch(url('/readyz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', problems: [] });

    sinks.problem = 'messages have waited 600 s with no progress';
    res = await fetch(url('/readyz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not ready',
      problems: [{ check: 'sinks', problem: 'messages have waited 600 s with no progress' }],
    });
  });

  it("serves /metrics as the registry's text exposition with Prometheus' content type", async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'test_requests_total',
      help: 'Requests in this test.',
      labelNames: ['route'],
      registers: [registry],
    });
    counter.inc({ route: 'a' }, 3);
    const { url } = await start({ registry });
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    // text/plain; version=0.0.4; charset=utf-8, in whatever order the parameters come.
    const [mediaType, ...parameters] = (res.headers.get('content-type') ?? '')
      .split(';')
      .map((p) => p.trim());
    expect(mediaType).toBe('text/plain');
    expect(new Set(parameters.map((p) => p.toLowerCase()))).toEqual(
      new Set(['version=0.0.4', 'charset=utf-8']),
    );
    const body = await res.text();
    expect(body).toBe(
      '# HELP test_requests_total Requests in this test.\n' +
        '# TYPE test_requests_total counter\n' +
        'test_requests_total{route="a"} 3\n',
    );
  });

  it('serves /metrics as it is at the time of the request', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'test_events_total', help: 'Events.', registers: [registry] });
    const { url } = await start({ registry });
    expect(await (await fetch(url('/metrics'))).text()).toContain('\ntest_events_total 0\n');
    counter.inc(2);
    expect(await (await fetch(url('/metrics'))).text()).toContain('\ntest_events_total 2\n');
  });

  it("serves the business metrics of the configuration on /metrics, every queue's series from the start", async () => {
    const registry = new Registry();
    new BusinessMetrics(registry, new Topology(exampleConfig()));
    const { url } = await start({ registry });
    const body = await (await fetch(url('/metrics'))).text();
    expect(body).toContain('# TYPE bereik_legs_total counter\n');
    expect(body).toMatch(
      /^bereik_legs_total\{(?=[^}]*gemeente="GM0034")(?=[^}]*queue="meldingen")(?=[^}]*kind="vakafdeling")(?=[^}]*result="timed_out")(?=[^}]*transfer="through")[^}]*\} 0$/m,
    );
    expect(body).toMatch(
      /^bereik_queue_info\{(?=[^}]*gemeente_name="Amersfoort")(?=[^}]*queue_name="Klant Contact Centrum")[^}]*\} 1$/m,
    );
  });

  it('answers 404 for any other path', async () => {
    const { url } = await start({
      readiness: [switchable('kafka', 'not (yet) a member of the consumer group')],
    });
    for (const path of ['/', '/metric', '/health', '/readyz/kafka', '/api/v1/query']) {
      const res = await fetch(url(path));
      expect(res.status, path).toBe(404);
      await res.body?.cancel();
    }
  });

  it('does not announce the framework (no X-Powered-By header)', async () => {
    const { url } = await start();
    const res = await fetch(url('/healthz'));
    expect(res.headers.has('x-powered-by')).toBe(false);
    await res.body?.cancel();
  });

  it('fails the start with the setting to change when the port is taken', async () => {
    const { server } = await start();
    const { port } = server.address() as AddressInfo;
    await expect(start({ port })).rejects.toThrow(
      `port ${port} for /metrics is taken: set http.port in the configuration to a free port`,
    );
  });
});
