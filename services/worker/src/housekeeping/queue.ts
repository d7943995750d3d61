import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';
import { closeWorker, QUEUES, reportErrors } from '@fordra/jobs';
import type { Logger } from '@fordra/runtime';
import { purgeExpired } from './purge.js';

export const PURGE_JOB = 'purge-expired';
const EVERY_MS = 60 * 60 * 1000;

export interface HousekeepingDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  connection: ConnectionOptions;
  prefix: string;
}

/**
 * Hourly upkeep. The schedule is an upsert, so every worker process may declare it at start and
 * there is still one schedule; BullMQ hands each run to one worker.
 */
export async function startHousekeeping({ db, clock, logger, connection, prefix }: HousekeepingDeps) {
  const onError = (err: Error) => logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects');
  const queue = reportErrors(new Queue(QUEUES.housekeeping, { connection, prefix }), onError);
  await queue.upsertJobScheduler(PURGE_JOB, { every: EVERY_MS }, { name: PURGE_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  const worker = new Worker(
    QUEUES.housekeeping,
    async (job) => {
      if (job.name !== PURGE_JOB) throw new Error(`unknown housekeeping job ${job.name}`);
      const purged = await purgeExpired(db, clock);
      logger.info({ purged }, 'housekeeping done');
      return purged;
    },
    { connection, prefix, concurrency: 1 },
  );
  reportErrors(worker, onError);
  worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id }, 'housekeeping failed'));
  return {
    queue,
    worker,
    async close() {
      await closeWorker(worker);
      await queue.close();
    },
  };
}
