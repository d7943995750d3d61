import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { ManualClock } from '@fordra/domain';
import { bullPrefix } from '@fordra/jobs';
import { createLogger } from '@fordra/runtime';
import { useTestDatabase, useTestRedis } from '@fordra/testkit';
import { smtpMailer } from '../email/mailer.js';
import { folderLetterProvider } from '../letters/provider.js';
import { startNotificationReconciler } from '../sending/reconciler.js';
import { startNotifierWorker } from '../sending/worker.js';
import { SmtpSink } from './smtp-sink.js';

/** The link settings of the notifier under test; the API under test would check links with the same secret. */
export const TEST_LINKS = { secret: 'test-agreement-link-secret-0123456789', publicUrl: 'https://fordra.example' };

/** Notifier instances in this test file, sending to a real SMTP server and a letter folder. */
export function useRunningNotifier(options: { start: string; instances?: number; maxAttempts?: number }) {
  const database = useTestDatabase();
  const redis = useTestRedis();
  const clock = new ManualClock(options.start);
  const smtp = new SmtpSink();
  const parts: { close: () => Promise<void> | void }[] = [];
  let letterDir = '';
  let queue: ReturnType<typeof startNotifierWorker>['queue'] | undefined;
  let reconciler: ReturnType<typeof startNotificationReconciler> | undefined;

  beforeAll(async () => {
    await smtp.start();
    letterDir = await mkdtemp(join(tmpdir(), 'fordra-letters-'));
    const logger = createLogger({ name: 'notifier-test', level: 'silent', pretty: false });
    for (let i = 0; i < (options.instances ?? 1); i++) {
      const mailer = smtpMailer(smtp.url);
      const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
      const sending = startNotifierWorker({
        db: database.db,
        clock,
        mailer,
        letters: folderLetterProvider(letterDir),
        mailFrom: 'reminders@acme.example',
        links: TEST_LINKS,
        maxAttempts: options.maxAttempts ?? 20,
        logger,
        connection,
        prefix: bullPrefix(redis.prefix),
        concurrency: 4,
        retryBaseMs: 50,
      });
      queue ??= sending.queue;
      parts.push({ close: async () => void (await connection.quit()) }, { close: () => sending.close() }, { close: () => mailer.close() });
    }
    reconciler = startNotificationReconciler({ db: database.db, queue: queue!, logger, intervalMs: 100 });
    parts.push({ close: () => reconciler!.stop() });
  });

  afterAll(async () => {
    for (const part of parts.reverse()) await part.close();
    await smtp.stop();
    if (letterDir) await rm(letterDir, { recursive: true, force: true });
  });

  return {
    database,
    redis,
    clock,
    smtp,
    get letterDir() {
      return letterDir;
    },
  };
}
