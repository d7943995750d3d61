import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loggedOpsPort, metricSample, startService, useTestDatabase, useTestRedis, type RunningService } from '@fordra/testkit';

const database = useTestDatabase();
const redis = useTestRedis();
const cwd = fileURLToPath(new URL('..', import.meta.url));
const running: RunningService[] = [];

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
});

/** A port nobody listens on now; the API's own port takes no 0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the API process’s ops port', () => {
  it('serves readiness and the HTTP latency of every route, by route pattern, method and status, without authentication', async () => {
    const port = await freePort();
    const api = startService(
      'src/server.ts',
      { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1', OPS_PORT: '0', ADMIN_TOKEN: 'test-admin-token-0123456789abcdef' },
      cwd,
    );
    running.push(api);
    await api.waitFor(/Server listening/);
    const ops = `http://127.0.0.1:${loggedOpsPort(api.output())}`;
    const base = `http://127.0.0.1:${port}`;

    const ready = await fetch(`${ops}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: true, migrations: true, redis: true } });

    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/v1/cases/${randomUUID()}`)).status).toBe(401);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect((await fetch(`${base}/no/such/${randomUUID()}`)).status).toBe(404);
    // Metrics live on the ops port only.
    expect((await fetch(`${base}/metrics`)).status).toBe(404);

    const text = await (await fetch(`${ops}/metrics`)).text();
    expect(metricSample(text, 'fordra_http_request_duration_seconds_count', { service: 'api', method: 'GET', route: '/v1/cases/:id', status_code: '401' })).toBe(3);
    expect(metricSample(text, 'fordra_http_request_duration_seconds_count', { method: 'GET', route: '/health/live', status_code: '200' })).toBe(1);
    expect(metricSample(text, 'fordra_http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' })).toBe(2);
    // No raw path, and so no id, ever becomes a label value.
    expect(text).not.toMatch(/route="\/v1\/cases\/[0-9a-f-]{36}"/);
    expect(metricSample(text, 'process_resident_memory_bytes', { service: 'api' })).toBeGreaterThan(0);

    expect(await api.stop('SIGTERM'), api.output()).toBe(0);
  });
});
