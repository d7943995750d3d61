import { Queue } from 'bullmq';
import { afterAll, beforeAll } from 'vitest';
import { ManualClock } from '@fordra/domain';
import { bullPrefix, QUEUES } from '@fordra/jobs';
import { createLogger } from '@fordra/runtime';
import { useTestDatabase, useTestRedis } from '@fordra/testkit';
import { startAgreementWorker } from '../agreements/processor.js';
import { startAgreementReconciler } from '../agreements/reconciler.js';
import { startDeadlineWorker } from '../deadlines/processor.js';
import { startReconciler } from '../deadlines/reconciler.js';

/** The worker's step runner and reconciler, in this test file, on a clock the test moves. */
export function useRunningWorker(start: string) {
  const database = useTestDatabase();
  const redis = useTestRedis();
  const clock = new ManualClock(start);
  const parts: { close: () => Promise<void> }[] = [];
  let reconciler: ReturnType<typeof startReconciler> | undefined;
  let checkReconciler: ReturnType<typeof startAgreementReconciler> | undefined;

  beforeAll(() => {
    const prefix = bullPrefix(redis.prefix);
    const logger = createLogger({ name: 'worker-test', level: 'silent', pretty: false });
    const queue = new Queue(QUEUES.deadlines, { connection: redis.redis, prefix });
    const notifications = new Queue(QUEUES.notifications, { connection: redis.redis, prefix });
    const handovers = new Queue(QUEUES.handovers, { connection: redis.redis, prefix });
    const worker = startDeadlineWorker({ db: database.db, clock, logger, connection: redis.redis, prefix, notifications, handovers, deadlines: queue, concurrency: 4 });
    reconciler = startReconciler({ db: database.db, clock, queue, logger, intervalMs: 50, lookaheadMs: 15 * 60_000 });
    const agreementQueue = new Queue(QUEUES.agreements, { connection: redis.redis, prefix });
    const checks = startAgreementWorker({ db: database.db, clock, logger, connection: redis.redis, prefix, notifications, handovers, deadlines: queue, concurrency: 2 });
    checkReconciler = startAgreementReconciler({ db: database.db, clock, queue: agreementQueue, logger, intervalMs: 50, lookaheadMs: 15 * 60_000 });
    parts.push(
      { close: () => reconciler!.stop() },
      { close: () => checkReconciler!.stop() },
      { close: () => worker.close() },
      { close: () => checks.close() },
      { close: () => queue.close() },
      { close: () => agreementQueue.close() },
      { close: () => notifications.close() },
      { close: () => handovers.close() },
    );
  });

  afterAll(async () => {
    for (const part of parts) await part.close();
  });

  /** One reconciliation pass now, as the timers would run it; answers how many deadlines it found due. */
  const reconcile = async () => {
    const deadlinesDue = await reconciler!.runOnce();
    await checkReconciler!.runOnce();
    return deadlinesDue;
  };
  return { database, redis, clock, reconcile };
}
