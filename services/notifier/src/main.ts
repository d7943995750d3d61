import { notifierEnv, opsPort, parseEnv, prettyLogs } from '@fordra/config';
import { createDb, migrationsCurrent } from '@fordra/db';
import { systemClock } from '@fordra/domain';
import { bullPrefix, closeWorker, createRedis } from '@fordra/jobs';
import { checkConnections, closeOnSignals, createLogger, createMetricsRegistry, failStartup, readinessChecks, startOpsServer } from '@fordra/runtime';
import { folderMailer, smtpMailer } from './email/mailer.js';
import { startHandoverReconciler } from './handovers/reconciler.js';
import { startHandoverWorker } from './handovers/worker.js';
import { folderLetterProvider } from './letters/provider.js';
import { startNotificationReconciler } from './sending/reconciler.js';
import { startNotifierWorker } from './sending/worker.js';
import { startWebhookSender } from './webhooks/sender.js';
import { registerNotifierMetrics } from './metrics.js';

/** Hand-overs are rare and each may wait on an agency's answer: a couple at a time is plenty. */
const HANDOVER_CONCURRENCY = 2;

async function main(): Promise<void> {
  const config = parseEnv(notifierEnv, process.env);
  const logger = createLogger({ name: 'notifier', level: config.LOG_LEVEL, pretty: prettyLogs(config) });
  const db = createDb({ connectionString: config.DATABASE_URL, applicationName: `fordra-notifier-${process.pid}`, onIdleError: (err) => logger.warn({ err }, 'Postgres closed an idle connection'),
    // Webhook requests hold no connection while in flight; a few more serve their short reads and writes.
    maxConnections: config.NOTIFIER_CONCURRENCY + HANDOVER_CONCURRENCY + 6 });
  const redis = createRedis(config.REDIS_URL);
  await checkConnections(db, redis);
  // Health and metrics first: a port already taken fails the start before any message is taken.
  const metrics = createMetricsRegistry('notifier');
  const ops = await startOpsServer({ port: opsPort(config, 'notifier'), host: config.HOST, ready: () => readinessChecks({ db, redis, migrationsCurrent }), metrics, logger });
  const mailer = config.SMTP_URL ? smtpMailer(config.SMTP_URL) : folderMailer(config.MAIL_OUTBOX_DIR);
  const letters = folderLetterProvider(config.LETTER_OUTBOX_DIR);
  const sending = startNotifierWorker({
    db,
    clock: systemClock,
    mailer,
    letters,
    mailFrom: config.MAIL_FROM,
    links: { secret: config.AGREEMENT_LINK_SECRET, publicUrl: config.PUBLIC_URL },
    maxAttempts: config.NOTIFIER_MAX_ATTEMPTS,
    logger,
    connection: redis,
    prefix: bullPrefix(config.REDIS_PREFIX),
    concurrency: config.NOTIFIER_CONCURRENCY,
    retryBaseMs: config.NOTIFIER_RETRY_BASE_MS,
  });
  const reconciler = startNotificationReconciler({ db, queue: sending.queue, logger, intervalMs: config.NOTIFIER_RECONCILE_INTERVAL_MS });
  const handovers = startHandoverWorker({
    db,
    clock: systemClock,
    connectors: { outboxDir: config.AGENCY_OUTBOX_DIR, timeoutMs: config.AGENCY_TIMEOUT_MS, allowedHosts: config.WEBHOOK_ALLOWED_HOSTS },
    maxAttempts: config.HANDOVER_MAX_ATTEMPTS,
    logger,
    connection: redis,
    prefix: bullPrefix(config.REDIS_PREFIX),
    concurrency: HANDOVER_CONCURRENCY,
    retryBaseMs: config.NOTIFIER_RETRY_BASE_MS,
  });
  const handoverReconciler = startHandoverReconciler({ db, queue: handovers.queue, logger, intervalMs: config.NOTIFIER_RECONCILE_INTERVAL_MS });
  const webhooks = startWebhookSender({
    db,
    clock: systemClock,
    logger,
    mailer,
    mailFrom: config.MAIL_FROM,
    allowedHosts: config.WEBHOOK_ALLOWED_HOSTS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    concurrency: config.WEBHOOK_CONCURRENCY,
    intervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
  });
  registerNotifierMetrics(metrics, { queues: [sending.queue, handovers.queue], workers: [sending.worker, handovers.worker] });
  closeOnSignals(logger, [
    async () => db.destroy(),
    async () => redis.quit(),
    () => ops.close(),
    async () => mailer.close(),
    // Everything that takes work stops at once, and what is under way finishes side by side (a slow
    // webhook receiver must not hold back the emails' drain); each reconciler stops before the
    // queue it fills is closed.
    [
      async () => {
        await Promise.all([closeWorker(sending.worker), reconciler.stop()]);
        await sending.queue.close();
      },
      async () => {
        await Promise.all([closeWorker(handovers.worker), handoverReconciler.stop()]);
        await handovers.queue.close();
      },
      () => webhooks.stop(),
    ],
  ]);
  logger.info({ concurrency: config.NOTIFIER_CONCURRENCY, email: mailer.name, letters: letters.name }, 'notifier ready');
}

main().catch((err: unknown) => failStartup('notifier', err));
