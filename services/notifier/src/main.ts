import { notifierEnv, parseEnv, prettyLogs } from '@fordra/config';
import { createDb } from '@fordra/db';
import { systemClock } from '@fordra/domain';
import { bullPrefix, createRedis } from '@fordra/jobs';
import { checkConnections, closeOnSignals, createLogger, failStartup } from '@fordra/runtime';
import { folderMailer, smtpMailer } from './email/mailer.js';
import { folderLetterProvider } from './letters/provider.js';
import { startNotificationReconciler } from './sending/reconciler.js';
import { startNotifierWorker } from './sending/worker.js';

async function main(): Promise<void> {
  const config = parseEnv(notifierEnv, process.env);
  const logger = createLogger({ name: 'notifier', level: config.LOG_LEVEL, pretty: prettyLogs(config) });
  const db = createDb({ connectionString: config.DATABASE_URL, applicationName: `fordra-notifier-${process.pid}`, onIdleError: (err) => logger.warn({ err }, 'Postgres closed an idle connection'), maxConnections: config.NOTIFIER_CONCURRENCY + 2 });
  const redis = createRedis(config.REDIS_URL);
  await checkConnections(db, redis);
  const mailer = config.SMTP_URL ? smtpMailer(config.SMTP_URL) : folderMailer(config.MAIL_OUTBOX_DIR);
  const letters = folderLetterProvider(config.LETTER_OUTBOX_DIR);
  const sending = startNotifierWorker({
    db,
    clock: systemClock,
    mailer,
    letters,
    mailFrom: config.MAIL_FROM,
    maxAttempts: config.NOTIFIER_MAX_ATTEMPTS,
    logger,
    connection: redis,
    prefix: bullPrefix(config.REDIS_PREFIX),
    concurrency: config.NOTIFIER_CONCURRENCY,
    retryBaseMs: config.NOTIFIER_RETRY_BASE_MS,
  });
  const reconciler = startNotificationReconciler({ db, queue: sending.queue, logger, intervalMs: config.NOTIFIER_RECONCILE_INTERVAL_MS });
  closeOnSignals(logger, [async () => db.destroy(), async () => redis.quit(), async () => mailer.close(), () => sending.close(), () => reconciler.stop()]);
  logger.info({ concurrency: config.NOTIFIER_CONCURRENCY, email: mailer.name, letters: letters.name }, 'notifier ready');
}

main().catch((err: unknown) => failStartup('notifier', err));
