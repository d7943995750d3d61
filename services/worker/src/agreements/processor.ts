import { Worker } from 'bullmq';
import { runAgreementFollowUp, runInstalmentCheck } from '@fordra/collection';
import { AgreementJobData, enqueueHandovers, enqueueNotifications, ensureDeadlineJobs, QUEUES, reportErrors } from '@fordra/jobs';
import type { CollectionWorkerOptions } from '../options.js';

/**
 * Checks promised payments and opens follow-up tasks when their day comes. A broken agreement's
 * fallback hands its messages to the notifier and its policy steps to the deadline queue at once,
 * so the debtor hears from the creditor the morning the promise lapsed.
 */
export function startAgreementWorker({ db, clock, logger, connection, prefix, notifications, handovers, deadlines, concurrency, lockMs = 30_000 }: CollectionWorkerOptions) {
  const worker = new Worker(
    QUEUES.agreements,
    async (job) => {
      const data = AgreementJobData.parse(job.data);
      if (data.kind === 'follow_up') {
        const ran = await runAgreementFollowUp(db, clock, data.id);
        if (ran) logger.info({ jobId: job.id, agreementId: data.id }, 'agreement follow-up task opened');
        return { ran };
      }
      const run = await runInstalmentCheck(db, clock, data.id);
      // A crash between the commit and these hand-overs is made up by the reconcilers.
      await enqueueNotifications(notifications, run.notificationIds);
      if (run.handoverId) await enqueueHandovers(handovers, [run.handoverId]);
      if (run.deadlines.length) await ensureDeadlineJobs(deadlines, run.deadlines.filter((d) => d.status === 'scheduled'), clock.now());
      if (run.ran) logger.info({ jobId: job.id, instalmentId: data.id, caseId: run.caseId, notifications: run.notificationIds.length, handoverId: run.handoverId }, 'agreement checked');
      return { ran: run.ran };
    },
    { connection, prefix, concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
  reportErrors(worker, (err) => logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects'));
  worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id }, 'agreement check failed; it will be retried'));
  return worker;
}
