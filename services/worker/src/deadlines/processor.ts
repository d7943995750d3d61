import { Worker, type ConnectionOptions, type Queue } from 'bullmq';
import { runDueBatch, runDueStep } from '@fordra/collection';
import { deadlines as dbDeadlines, type Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';
import { DeadlineJobData, enqueueNotifications, ensureDeadlineJobs, QUEUES, reportErrors } from '@fordra/jobs';
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
  /** Due steps one job may run together in one transaction (500 met the burst targets on two cores). */
  batchSize?: number;
}

/**
 * Runs due steps. The job carries only the deadline's id: the step re-reads everything from
 * Postgres, and a step that already ran, is not yet due, or is being run elsewhere is skipped.
 */
export function startDeadlineWorker({ db, clock, logger, connection, prefix, notifications, deadlines, concurrency, lockMs = 30_000, batchSize = 500 }: DeadlineWorkerOptions) {
  const worker = new Worker(
    QUEUES.deadlines,
    async (job) => {
      const { deadlineId } = DeadlineJobData.parse(job.data);
      // A step that a batch already ran costs this job one look-up.
      if ((await dbDeadlines.statusOf(db, deadlineId)) !== 'scheduled') return { batch: 0, ran: false };
      // Due steps come in bursts: take a batch of them first (their own jobs then find them done),
      // then this job's step the careful single way if the batch did not get to it.
      const batch = await runDueBatch(db, clock, batchSize);
      const run = batch.deadlineIds.includes(deadlineId)
        ? { ran: false, notificationIds: [] as string[], next: null }
        : await runDueStep(db, clock, deadlineId);
      // A crash between a commit above and this hand-over leaves queued notification rows and
      // unscheduled jobs, which the reconcilers (notifier's and this worker's) pick up.
      await enqueueNotifications(notifications, [...batch.notificationIds, ...run.notificationIds]);
      const next = [...batch.next, ...(run.next ? [run.next] : [])];
      if (next.length) await ensureDeadlineJobs(deadlines, next, clock.now());
      if (run.ran || batch.ran) logger.debug({ deadlineId, batch: batch.ran, notifications: batch.notificationIds.length + run.notificationIds.length }, 'steps ran');
      return { batch: batch.ran, ran: run.ran };
    },
    { connection, prefix, concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
  reportErrors(worker, (err) => logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects'));
  worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id }, 'step failed; it will be retried'));
  return worker;
}
