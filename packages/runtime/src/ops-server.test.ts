import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { Counter, createJobMetrics, createMetricsRegistry, createQueueDepthMetric, createReadGauge } from './metrics.js';
import { startOpsServer, type OpsServer, type ReadinessChecks } from './ops-server.js';

const logger = createLogger({ name: 'ops-test', level: 'silent' });
const running: OpsServer[] = [];

afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

/** The value of the sample with this name and these labels (in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function start(ready: () => Promise<ReadinessChecks>) {
  const metrics = createMetricsRegistry('test');
  const server = await startOpsServer({ port: 0, host: '127.0.0.1', ready, metrics, logger });
  running.push(server);
  const get = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${server.port}${path}`, init);
  return { server, metrics, get };
}

describe('ops server', () => {
  it('answers liveness, readiness with the checks, and 404 elsewhere', async () => {
    const { get } = await start(async () => ({ postgres: true, redis: true, migrations: true }));
    const live = await get('/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: true, redis: true, migrations: true } });
    expect((await get('/health/ready?verbose=1')).status).toBe(200);
    expect((await get('/nothing')).status).toBe(404);
    const post = await get('/metrics', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 503 naming the failing checks, and 503 when the checks themselves throw', async () => {
    let redis = false;
    let explode = false;
    const { get } = await start(async () => {
      if (explode) throw new Error('boom');
      return { postgres: true, redis, migrations: false };
    });
    const res = await get('/health/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', checks: { postgres: true, redis: false, migrations: false }, failing: ['redis', 'migrations'] });
    redis = true;
    expect(await (await get('/health/ready')).json()).toMatchObject({ failing: ['migrations'] });
    explode = true;
    const thrown = await get('/health/ready');
    expect(thrown.status).toBe(503);
    expect(await thrown.json()).toMatchObject({ status: 'unavailable', failing: ['readiness'] });
    // Liveness does not depend on readiness.
    expect((await get('/health/live')).status).toBe(200);
  });

  it('serves the registry in Prometheus text format: process metrics, labelled with the service, and its own', async () => {
    const { get, metrics } = await start(async () => ({}));
    const sent = new Counter({ name: 'fordra_test_total', help: 'a test counter', labelNames: ['channel'] as const, registers: [metrics] });
    sent.inc({ channel: 'email' }, 3);
    createReadGauge(metrics, { name: 'fordra_test_read', help: 'read on scrape', read: async () => 42 });
    createReadGauge(metrics, { name: 'fordra_test_broken', help: 'fails on scrape', read: async () => Promise.reject(new Error('db down')) });
    createReadGauge(metrics, { name: 'fordra_test_slow', help: 'hangs on scrape', read: () => new Promise<number>(() => {}), timeoutMs: 50 });
    const queue = { name: 'deadlines', getJobCounts: async () => ({ waiting: 2, delayed: 5, active: 1, failed: 0 }) };
    const gone = { name: 'notifications', getJobCounts: async (): Promise<Record<string, number>> => Promise.reject(new Error('Redis down')) };
    createQueueDepthMetric(metrics, [queue, gone]);
    const jobs = createJobMetrics(metrics);
    jobs.finished('deadlines', { timestamp: 1_000, delay: 1_000, processedOn: 2_500, finishedOn: 2_750, attemptsStarted: 1 }, 'completed');
    jobs.finished('deadlines', undefined, 'failed');

    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'process_cpu_user_seconds_total', { service: 'test' })).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds', { service: 'test' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'fordra_test_total', { channel: 'email', service: 'test' })).toBe(3);
    expect(sample(text, 'fordra_test_read', { service: 'test' })).toBe(42);
    expect(sample(text, 'fordra_test_broken')).toBeNaN();
    expect(sample(text, 'fordra_test_slow')).toBeNaN();
    expect(sample(text, 'fordra_queue_jobs', { queue: 'deadlines', state: 'delayed', service: 'test' })).toBe(5);
    expect(sample(text, 'fordra_queue_jobs', { queue: 'deadlines', state: 'prioritized' })).toBe(0);
    expect(sample(text, 'fordra_queue_jobs', { queue: 'notifications' })).toBeUndefined();
    // Ran 0.25 s, started 0.5 s after it was due.
    expect(sample(text, 'fordra_job_duration_seconds_sum', { queue: 'deadlines', outcome: 'completed' })).toBe(0.25);
    expect(sample(text, 'fordra_job_wait_seconds_sum', { queue: 'deadlines' })).toBe(0.5);
  });

  it('fails to start on a port already taken, and closes with keep-alive connections open', async () => {
    const { server, get } = await start(async () => ({}));
    await expect(startOpsServer({ port: server.port, host: '127.0.0.1', ready: async () => ({}), metrics: createMetricsRegistry('x'), logger })).rejects.toThrow(/EADDRINUSE/);
    expect((await get('/health/live', { headers: { connection: 'keep-alive' } })).status).toBe(200);
    running.splice(0);
    await server.close();
    await expect(get('/health/live')).rejects.toThrow();
  });
});
