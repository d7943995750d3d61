import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { bullPrefix, enqueueNotifications, QUEUES } from '@fordra/jobs';
import { openTestCase, pollUntil, startService, useTestDatabase, useTestRedis, type RunningService } from '@fordra/testkit';

const database = useTestDatabase();
const redis = useTestRedis();
const cwd = fileURLToPath(new URL('..', import.meta.url));
const running: RunningService[] = [];
const MESSAGES = 40;
const CONCURRENCY = 5;
/** closeOnSignals' grace period. */
const GRACE_MS = 20_000;

/**
 * An SMTP server that takes messages while its gate is open and, while it is shut, holds each
 * one in the middle of its DATA until the gate opens: sends under way, for as long as the test likes.
 */
class GatedSmtp {
  readonly received: string[] = [];
  held = 0;
  private open = true;
  private waiting: (() => void)[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      closeTimeout: 50,
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then(async (mail) => {
            if (!this.open) {
              this.held++;
              await new Promise<void>((resolve) => this.waiting.push(resolve));
            }
            this.received.push(mail.messageId ?? '?');
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  shut(): void {
    this.open = false;
  }

  release(): void {
    this.open = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  async stop(): Promise<void> {
    this.release();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const smtp = new GatedSmtp();

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  await smtp.stop();
});

describe('a notifier stopped with SIGTERM while it sends', () => {
  it('finishes the messages under way, takes no more, and leaves the rest to the next notifier: each sent once', { timeout: 90_000 }, async () => {
    await smtp.start();
    const now = new Date();
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const { creditor, caseId } = await openTestCase(database.db, { now, dueDate: '2026-10-20', debtor: { email: `ap${i}@kund.example` } });
      const row = await database.db
        .insertInto('notifications')
        .values({
          creditor_id: creditor.id,
          case_id: caseId,
          deadline_id: null,
          idempotency_key: `shutdown-${caseId}`,
          channel: 'email',
          template: 'friendly_reminder',
          language: 'en',
          recipient: JSON.stringify({ name: 'Customer', email: `ap${i}@kund.example` }),
          status: 'queued',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    const queue = new Queue(QUEUES.notifications, { connection: redis.redis, prefix: bullPrefix(redis.prefix) });
    await enqueueNotifications(queue, ids);

    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      LOG_LEVEL: 'info',
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      MAIL_FROM: 'reminders@acme.example',
      NOTIFIER_CONCURRENCY: String(CONCURRENCY),
      // The second notifier finds the rest by their jobs, not by a reconciler's pass.
      NOTIFIER_RECONCILE_INTERVAL_MS: '3600000',
    };
    const first = startService('src/main.ts', env, cwd);
    running.push(first);
    // Let a few through, then hold every send in the middle: the notifier is busy when the signal comes.
    await pollUntil(() => (smtp.received.length >= 10 ? true : undefined), { what: 'the first messages to be sent', timeoutMs: 30_000 });
    smtp.shut();
    await pollUntil(() => (smtp.held >= CONCURRENCY ? true : undefined), { what: 'the notifier to be busy sending', timeoutMs: 20_000 });
    const beforeSignal = smtp.received.length;

    const signalled = Date.now();
    first.child.kill('SIGTERM');
    const firstExit = first.exit(GRACE_MS + 5_000);
    await first.waitFor(/"msg":"shutting down"/);
    expect(first.child.exitCode).toBeNull();
    smtp.release();
    const code = await firstExit;
    const exitedAfterMs = Date.now() - signalled;
    expect(code, first.output()).toBe(0);
    expect(exitedAfterMs).toBeLessThan(GRACE_MS);
    // The sends under way went out and were recorded; none was started after the signal.
    const byFirst = smtp.received.length;
    expect(byFirst).toBe(beforeSignal + smtp.held);
    const sentByFirst = await database.db.selectFrom('notifications').select('id').where('id', 'in', ids).where('status', '=', 'sent').execute();
    expect(sentByFirst).toHaveLength(byFirst);
    expect(byFirst).toBeLessThan(MESSAGES);

    const secondStarted = Date.now();
    const second = startService('src/main.ts', env, cwd);
    running.push(second);
    await pollUntil(
      async () => {
        const rows = await database.db.selectFrom('notifications').select('status').where('id', 'in', ids).execute();
        return rows.every((r) => r.status === 'sent') ? true : undefined;
      },
      { what: 'every message to be sent', timeoutMs: 30_000 },
    );
    const finishedAfterMs = Date.now() - secondStarted;
    expect(await second.stop('SIGTERM')).toBe(0);

    // Each message reached the mail server once and was tried once.
    for (const id of ids) expect(smtp.received.filter((m) => m === `<notification-${id}@acme.example>`)).toHaveLength(1);
    expect(smtp.received).toHaveLength(MESSAGES);
    const attempts = await database.db.selectFrom('notification_attempts').select('notification_id').where('notification_id', 'in', ids).execute();
    expect(attempts).toHaveLength(MESSAGES);
    expect(await queue.getJobCounts('active', 'waiting', 'delayed', 'failed')).toMatchObject({ active: 0, waiting: 0, delayed: 0, failed: 0 });
    await queue.close();

    console.info(
      `notifier under SIGTERM: ${MESSAGES} messages; ${beforeSignal} sent before the signal, ${byFirst - beforeSignal} under way finished while it drained ` +
        `(exited 0 ${exitedAfterMs} ms after the signal), ${MESSAGES - byFirst} sent by the second notifier within ${finishedAfterMs} ms; each sent and tried once`,
    );
  });
});
