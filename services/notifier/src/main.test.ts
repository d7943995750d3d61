import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { relayOutbox, runDueStep } from '@fordra/collection';
import { systemClock } from '@fordra/domain';
import { loggedOpsPort, metricSample, openTestCase, pollUntil, startService, useTestDatabase, useTestRedis, verifyTestCase } from '@fordra/testkit';
import { newSecret } from '@fordra/webhooks';
import { WebhookReceiver } from './test/webhook-receiver.js';

const database = useTestDatabase();
const redis = useTestRedis();
const cwd = fileURLToPath(new URL('..', import.meta.url));

describe('notifier process', () => {
  it('starts against Postgres and Redis, logs, and stops cleanly on SIGTERM', async () => {
    const notifier = startService('src/main.ts', { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info' }, cwd);
    await notifier.waitFor(/notifier ready/);
    expect(await notifier.stop('SIGTERM'), notifier.output()).toBe(0);
    expect(notifier.output()).toMatch(/"msg":"stopped"/);
  });

  it('serves readiness and Prometheus metrics on its ops port: notifications and webhook deliveries by outcome, queues, job latency', async () => {
    // An email reminder queued for sending, and an event with a webhook endpoint waiting for it.
    const now = systemClock.now();
    const { creditor, caseId } = await openTestCase(database.db, { now, country: 'GB', timeZone: 'UTC', dueDate: '2026-09-30', steps: [{ key: 'email', after: 'PT1S', from: 'due_date', action: 'email_reminder' }] });
    const [step] = await verifyTestCase(database.db, creditor.id, caseId, now);
    expect((await runDueStep(database.db, systemClock, step!.id)).notificationIds).toHaveLength(1);
    const receiver = new WebhookReceiver();
    await receiver.start();
    const endpoint = await database.db.insertInto('webhook_endpoints').values({ creditor_id: creditor.id, url: receiver.url, event_types: ['case.verified'], created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    const secret = newSecret();
    await database.db.insertInto('webhook_secrets').values({ endpoint_id: endpoint.id, secret, created_at: now }).execute();
    receiver.secrets = [secret];
    await relayOutbox(database.db, systemClock, 500);
    const dir = await mkdtemp(join(tmpdir(), 'fordra-notifier-ops-'));
    const notifier = startService(
      'src/main.ts',
      {
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        LOG_LEVEL: 'info',
        OPS_PORT: '0',
        HOST: '127.0.0.1',
        MAIL_OUTBOX_DIR: join(dir, 'mail'),
        LETTER_OUTBOX_DIR: join(dir, 'letters'),
        AGENCY_OUTBOX_DIR: join(dir, 'agency'),
        NOTIFIER_RECONCILE_INTERVAL_MS: '200',
        WEBHOOK_POLL_INTERVAL_MS: '50',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      },
      cwd,
    );
    try {
      await notifier.waitFor(/notifier ready/);
      const base = `http://127.0.0.1:${loggedOpsPort(notifier.output())}`;
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: true, migrations: true, redis: true } });

      const text = await pollUntil(
        async () => {
          const t = await (await fetch(`${base}/metrics`)).text();
          const sent = metricSample(t, 'fordra_notifications_total', { channel: 'email', outcome: 'sent' });
          const delivered = metricSample(t, 'fordra_webhook_deliveries_total', { outcome: 'delivered' });
          // The email is counted when sent, its job's duration only once the job has completed: a moment later.
          const jobs = metricSample(t, 'fordra_job_duration_seconds_count', { queue: 'notifications', outcome: 'completed' }) ?? 0;
          return sent === 1 && delivered === 1 && jobs >= 1 ? t : undefined;
        },
        { what: 'the email, its job and the webhook to show in the metrics', timeoutMs: 20_000 },
      );
      expect(receiver.received.map((r) => r.type)).toEqual(['case.verified']);
      expect(metricSample(text, 'fordra_notifications_total', { channel: 'letter', outcome: 'failed', service: 'notifier' })).toBe(0);
      expect(metricSample(text, 'fordra_webhook_deliveries_total', { outcome: 'failed' })).toBe(0);
      expect(metricSample(text, 'fordra_webhook_request_duration_seconds_count', { outcome: 'delivered' })).toBe(1);
      expect(metricSample(text, 'fordra_job_duration_seconds_count', { queue: 'notifications', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
      for (const queue of ['notifications', 'handovers']) {
        expect(metricSample(text, 'fordra_queue_jobs', { queue, state: 'failed' }), queue).toBe(0);
      }
    } finally {
      expect(await notifier.stop('SIGTERM'), notifier.output()).toBe(0);
      await receiver.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails fast when Postgres cannot be reached', async () => {
    const notifier = startService('src/main.ts', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', REDIS_URL: redis.url }, cwd);
    expect(await notifier.exit()).toBe(1);
    expect(notifier.output()).toMatch(/notifier could not start: cannot reach Postgres/);
  });
});
