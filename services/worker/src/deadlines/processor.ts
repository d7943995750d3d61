import { Worker, type ConnectionOptions, type Queue } from 'bullmq';
import { runDueStep } from '@fordra/collection';
import type { Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';
import { DeadlineJobData, enqueueNotifications, ensureDeadlineJobs, QUEUES } from '@fordra/jobs';
import type { Logger } from '@fordra/runtime';

export interface DeadlineWorkerOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  connection: ConnectionOptions;
  prefix: string;
  notifications: Queue;
  /** The deadlines queue itself: a finished step hands the case's next step its job at once. */
  deadlines: Queue;
  concurrency: number;
  /** BullMQ's job lock; a crashed worker's job goes to another after about this long. */
  lockMs?: number;
}

/**
 * Runs due steps. The job carries only the deadline's id: the step re-reads everything from
 * Postgres, and a step that already ran, is not yet due, or is being run elsewhere is skipped.
 */
export function startDeadlineWorker({ db, clock, logger, connection, prefix, notifications, deadlines, concurrency, lockMs = 30_000 }: DeadlineWorkerOptions) {
  const worker = new Worker(
    QUEUES.deadlines,
    async (job) => {
      const { deadlineId } = DeadlineJobData.parse(job.data);
      const run = await runDueStep(db, clock, deadlineId);
      // A crash between the commit above and this hand-over leaves a queued notification row,
      // which the notifier's own reconciliation picks up.
      await enqueueNotifications(notifications, run.notificationIds);
      if (run.next) await ensureDeadlineJobs(deadlines, [run.next], clock.now());
      if (run.ran) logger.debug({ deadlineId, notifications: run.notificationIds.length }, 'step ran');
      return run;
    },
    { connection, prefix, concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
  worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id }, 'step failed; it will be retried'));
  return worker;
}
