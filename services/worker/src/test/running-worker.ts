import { Queue } from 'bullmq';
import { afterAll, beforeAll } from 'vitest';
import { ManualClock } from '@fordra/domain';
import { bullPrefix, QUEUES } from '@fordra/jobs';
import { createLogger } from '@fordra/runtime';
import { useTestDatabase, useTestRedis } from '@fordra/testkit';
import { startDeadlineWorker } from '../deadlines/processor.js';
import { startReconciler } from '../deadlines/reconciler.js';

/** The worker's step runner and reconciler, in this test file, on a clock the test moves. */
export function useRunningWorker(start: string) {
  const database = useTestDatabase();
  const redis = useTestRedis();
  const clock = new ManualClock(start);
  const parts: { close: () => Promise<void> }[] = [];
  let reconciler: ReturnType<typeof startReconciler> | undefined;

  beforeAll(() => {
    const prefix = bullPrefix(redis.prefix);
    const logger = createLogger({ name: 'worker-test', level: 'silent', pretty: false });
    const queue = new Queue(QUEUES.deadlines, { connection: redis.redis, prefix });
    const notifications = new Queue(QUEUES.notifications, { connection: redis.redis, prefix });
    const worker = startDeadlineWorker({ db: database.db, clock, logger, connection: redis.redis, prefix, notifications, deadlines: queue, concurrency: 4 });
    reconciler = startReconciler({ db: database.db, clock, queue, logger, intervalMs: 50, lookaheadMs: 15 * 60_000 });
    parts.push({ close: () => reconciler!.stop() }, { close: () => worker.close() }, { close: () => queue.close() }, { close: () => notifications.close() });
  });

  afterAll(async () => {
    for (const part of parts) await part.close();
  });

  /** One reconciliation pass now, as the timer would run it. */
  const reconcile = () => reconciler!.runOnce();
  return { database, redis, clock, reconcile };
}
