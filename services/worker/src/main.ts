import { Queue } from 'bullmq';
import { opsPort, parseEnv, prettyLogs, workerEnv } from '@fordra/config';
import { createDb, migrationsCurrent } from '@fordra/db';
import { systemClock } from '@fordra/domain';
import { bullPrefix, closeWorker, createRedis, QUEUES, reportErrors } from '@fordra/jobs';
import { checkConnections, closeOnSignals, createLogger, createMetricsRegistry, failStartup, readinessChecks, startOpsServer } from '@fordra/runtime';
import { startAgreementWorker } from './agreements/processor.js';
import { startAgreementReconciler } from './agreements/reconciler.js';
import { startDeadlineWorker } from './deadlines/processor.js';
import { startReconciler } from './deadlines/reconciler.js';
import { startHousekeeping } from './housekeeping/queue.js';
import { startOutboxRelay } from './outbox/relay.js';
import { registerWorkerMetrics } from './metrics.js';

async function main(): Promise<void> {
  const config = parseEnv(workerEnv, process.env);
  const logger = createLogger({ name: 'worker', level: config.LOG_LEVEL, pretty: prettyLogs(config) });
  const db = createDb({ connectionString: config.DATABASE_URL, applicationName: `fordra-worker-${process.pid}`, onIdleError: (err) => logger.warn({ err }, 'Postgres closed an idle connection'), maxConnections: config.WORKER_CONCURRENCY + 2 });
  const redis = createRedis(config.REDIS_URL);
  await checkConnections(db, redis);
  // Health and metrics first: a port already taken fails the start before any job is taken.
  const metrics = createMetricsRegistry('worker');
  const ops = await startOpsServer({ port: opsPort(config, 'worker'), host: config.HOST, ready: () => readinessChecks({ db, redis, migrationsCurrent }), metrics, logger });
  const prefix = bullPrefix(config.REDIS_PREFIX);
  const clock = systemClock;
  const onError = (err: Error) => logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects');
  const deadlineQueue = reportErrors(new Queue(QUEUES.deadlines, { connection: redis, prefix }), onError);
  const notifications = reportErrors(new Queue(QUEUES.notifications, { connection: redis, prefix }), onError);
  const handoverQueue = reportErrors(new Queue(QUEUES.handovers, { connection: redis, prefix }), onError);
  const agreementQueue = reportErrors(new Queue(QUEUES.agreements, { connection: redis, prefix }), onError);
  const housekeeping = await startHousekeeping({ db, clock, logger, connection: redis, prefix });
  const steps = startDeadlineWorker({ db, clock, logger, connection: redis, prefix, notifications, handovers: handoverQueue, deadlines: deadlineQueue, concurrency: config.WORKER_CONCURRENCY, lockMs: config.JOB_LOCK_MS });
  const reconciler = startReconciler({ db, clock, queue: deadlineQueue, logger, intervalMs: config.RECONCILE_INTERVAL_MS, lookaheadMs: config.DEADLINE_LOOKAHEAD_MS });
  const checks = startAgreementWorker({ db, clock, logger, connection: redis, prefix, notifications, handovers: handoverQueue, deadlines: deadlineQueue, concurrency: config.WORKER_CONCURRENCY, lockMs: config.JOB_LOCK_MS });
  const checkReconciler = startAgreementReconciler({ db, clock, queue: agreementQueue, logger, intervalMs: config.RECONCILE_INTERVAL_MS, lookaheadMs: config.DEADLINE_LOOKAHEAD_MS });
  const relay = startOutboxRelay({ db, clock, logger, intervalMs: config.OUTBOX_RELAY_INTERVAL_MS });
  registerWorkerMetrics(metrics, { db, clock, queues: [deadlineQueue, agreementQueue, housekeeping.queue], workers: [steps, checks, housekeeping.worker] });
  // Closed last-registered first: stop taking work, finish what runs, then drop the connections.
  closeOnSignals(logger, [
    async () => db.destroy(),
    async () => redis.quit(),
    () => ops.close(),
    () => deadlineQueue.close(),
    () => agreementQueue.close(),
    () => handoverQueue.close(),
    () => notifications.close(),
    // Everything that takes work stops at once, and what is under way finishes side by side.
    [() => housekeeping.close(), () => closeWorker(steps), () => reconciler.stop(), () => closeWorker(checks), () => checkReconciler.stop(), () => relay.stop()],
  ]);
  logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'worker ready');
}

main().catch((err: unknown) => failStartup('worker', err));
