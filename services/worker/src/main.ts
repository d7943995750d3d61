import { Queue } from 'bullmq';
import { parseEnv, prettyLogs, workerEnv } from '@fordra/config';
import { createDb } from '@fordra/db';
import { systemClock } from '@fordra/domain';
import { bullPrefix, createRedis, QUEUES, reportErrors } from '@fordra/jobs';
import { checkConnections, closeOnSignals, createLogger, failStartup } from '@fordra/runtime';
import { startDeadlineWorker } from './deadlines/processor.js';
import { startReconciler } from './deadlines/reconciler.js';
import { startHousekeeping } from './housekeeping/queue.js';

async function main(): Promise<void> {
  const config = parseEnv(workerEnv, process.env);
  const logger = createLogger({ name: 'worker', level: config.LOG_LEVEL, pretty: prettyLogs(config) });
  const db = createDb({ connectionString: config.DATABASE_URL, applicationName: `fordra-worker-${process.pid}`, onIdleError: (err) => logger.warn({ err }, 'Postgres closed an idle connection'), maxConnections: config.WORKER_CONCURRENCY + 2 });
  const redis = createRedis(config.REDIS_URL);
  await checkConnections(db, redis);
  const prefix = bullPrefix(config.REDIS_PREFIX);
  const clock = systemClock;
  const onError = (err: Error) => logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects');
  const deadlineQueue = reportErrors(new Queue(QUEUES.deadlines, { connection: redis, prefix }), onError);
  const notifications = reportErrors(new Queue(QUEUES.notifications, { connection: redis, prefix }), onError);
  const housekeeping = await startHousekeeping({ db, clock, logger, connection: redis, prefix });
  const steps = startDeadlineWorker({ db, clock, logger, connection: redis, prefix, notifications, deadlines: deadlineQueue, concurrency: config.WORKER_CONCURRENCY, lockMs: config.JOB_LOCK_MS });
  const reconciler = startReconciler({ db, clock, queue: deadlineQueue, logger, intervalMs: config.RECONCILE_INTERVAL_MS, lookaheadMs: config.DEADLINE_LOOKAHEAD_MS });
  // Closed last-registered first: stop taking work, finish what runs, then drop the connections.
  closeOnSignals(logger, [
    async () => db.destroy(),
    async () => redis.quit(),
    () => deadlineQueue.close(),
    () => notifications.close(),
    () => housekeeping.close(),
    () => steps.close(),
    () => reconciler.stop(),
  ]);
  logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'worker ready');
}

main().catch((err: unknown) => failStartup('worker', err));
