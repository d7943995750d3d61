import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loggedOpsPort, metricSample, openTestCase, pollUntil, startService, useTestDatabase, useTestRedis, verifyTestCase } from '@fordra/testkit';

const database = useTestDatabase();
const redis = useTestRedis();
const cwd = fileURLToPath(new URL('..', import.meta.url));

describe('worker process', () => {
  it('starts against Postgres and Redis, logs, and stops cleanly on SIGTERM', async () => {
    const worker = startService('src/main.ts', { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info' }, cwd);
    await worker.waitFor(/worker ready/);
    expect(await worker.stop('SIGTERM'), worker.output()).toBe(0);
    expect(worker.output()).toMatch(/"msg":"stopped"/);
  });

  it('serves readiness and Prometheus metrics on its ops port: queues, job latency, deadlines, outbox', async () => {
    // A step long overdue, for the worker to run as soon as it starts.
    const now = new Date();
    const { creditor, caseId } = await openTestCase(database.db, { now, country: 'GB', timeZone: 'UTC', dueDate: '2026-09-30', steps: [{ key: 'email', after: 'PT1S', from: 'due_date', action: 'email_reminder' }] });
    await verifyTestCase(database.db, creditor.id, caseId, now);
    const worker = startService('src/main.ts', { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info', OPS_PORT: '0', HOST: '127.0.0.1', RECONCILE_INTERVAL_MS: '200' }, cwd);
    try {
      await worker.waitFor(/worker ready/);
      const base = `http://127.0.0.1:${loggedOpsPort(worker.output())}`;
      expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: true, migrations: true, redis: true } });

      // Scraped until the step has run and the relay has published its events.
      const text = await pollUntil(
        async () => {
          const t = await (await fetch(`${base}/metrics`)).text();
          const ran = metricSample(t, 'fordra_job_duration_seconds_count', { queue: 'deadlines', outcome: 'completed' }) ?? 0;
          return ran >= 1 && metricSample(t, 'fordra_deadlines_due') === 0 && metricSample(t, 'fordra_outbox_unpublished') === 0 ? t : undefined;
        },
        { what: 'the step to run and show in the metrics', timeoutMs: 20_000 },
      );
      expect(metricSample(text, 'fordra_job_wait_seconds_count', { queue: 'deadlines', service: 'worker' })).toBeGreaterThanOrEqual(1);
      expect(metricSample(text, 'fordra_deadlines_late')).toBe(0);
      expect(metricSample(text, 'fordra_outbox_lag_seconds')).toBe(0);
      for (const queue of ['deadlines', 'agreements', 'housekeeping']) {
        expect(metricSample(text, 'fordra_queue_jobs', { queue, state: 'waiting' }), queue).toBeGreaterThanOrEqual(0);
      }
      expect(metricSample(text, 'process_resident_memory_bytes', { service: 'worker' })).toBeGreaterThan(0);
      const step = await database.db.selectFrom('case_deadlines').select('status').where('case_id', '=', caseId).executeTakeFirstOrThrow();
      expect(step.status).toBe('done');
    } finally {
      expect(await worker.stop('SIGTERM'), worker.output()).toBe(0);
    }
  });

  it('refuses to start with a clear message when the configuration is wrong', async () => {
    const worker = startService('src/main.ts', { DATABASE_URL: 'mysql://nowhere', WORKER_CONCURRENCY: 'many' }, cwd);
    expect(await worker.exit()).toBe(1);
    expect(worker.output()).toMatch(/worker could not start: invalid configuration/);
    expect(worker.output()).toMatch(/DATABASE_URL/);
    expect(worker.output()).toMatch(/WORKER_CONCURRENCY/);
  });
});
