import { Worker } from 'bullmq';
import { runDueBatch, runDueStep, type BatchRun, type StepRun } from '@fordra/collection';
import { deadlines as dbDeadlines, type Db } from '@fordra/db';
import { contextData, DeadlineJobData, enqueueHandovers, enqueueNotifications, ensureDeadlineJobs, QUEUES, reportErrors } from '@fordra/jobs';
import type { CollectionWorkerOptions } from '../options.js';

export interface DeadlineWorkerOptions extends CollectionWorkerOptions {
  /** Due steps one job may run together in one transaction (500 met the burst targets on two cores). */
  batchSize?: number;
}

/**
 * Runs due steps. The job carries only the deadline's id: the step re-reads everything from
 * Postgres, and a step that already ran, is not yet due, or is being run elsewhere is skipped.
 */
export function startDeadlineWorker({ db, clock, logger, connection, prefix, notifications, handovers, deadlines, concurrency, lockMs = 30_000, batchSize = 500 }: DeadlineWorkerOptions) {
  const worker = new Worker(
    QUEUES.deadlines,
    async (job) => {
      const { deadlineId, requestId } = DeadlineJobData.parse(job.data);
      // A step that a batch already ran costs this job one look-up.
      const deadline = await dbDeadlines.statusAndCaseOf(db, deadlineId);
      if (deadline?.status !== 'scheduled') return { batch: 0, ran: false };
      // This job's lines name its step's case, and the API request that asked for it, if one did.
      const log = logger.child({ jobId: job.id, deadlineId, caseId: deadline.case_id, ...contextData({ requestId }) });
      // Due steps come in bursts: take a batch of them first (their own jobs then find them done),
      // then this job's step the careful single way if the batch did not get to it.
      const batch = await runDueBatch(db, clock, batchSize);
      const run = batch.deadlineIds.includes(deadlineId)
        ? { ran: false, notificationIds: [] as string[], handoverIds: [] as string[], next: null }
        : await runDueStep(db, clock, deadlineId);
      // A crash between a commit above and this hand-over leaves queued notification rows and
      // unscheduled jobs, which the reconcilers (notifier's and this worker's) pick up. The request
      // id goes on with this step's own messages and hand-over only: the rest of a batch belongs
      // to other cases and other requests.
      const own = requestId ? await ownEffects(db, { id: deadlineId, case_id: deadline.case_id }, batch, run) : { notificationIds: [], handoverIds: [] };
      await enqueueNotifications(notifications, own.notificationIds, { requestId });
      await enqueueNotifications(notifications, [...batch.notificationIds, ...run.notificationIds].filter((id) => !own.notificationIds.includes(id)));
      await enqueueHandovers(handovers, own.handoverIds, { requestId });
      await enqueueHandovers(handovers, [...batch.handoverIds, ...run.handoverIds].filter((id) => !own.handoverIds.includes(id)));
      const next = [...batch.next, ...(run.next ? [run.next] : [])];
      if (next.length) await ensureDeadlineJobs(deadlines, next, clock.now());
      // One line per job that ran steps: a burst's batch logs once, not once per step.
      if (run.ran || batch.ran) log.info({ batch: batch.ran, notifications: batch.notificationIds.length + run.notificationIds.length }, 'steps ran');
      return { batch: batch.ran, ran: run.ran };
    },
    { connection, prefix, concurrency, lockDuration: lockMs, stalledInterval: lockMs },
  );
  reportErrors(worker, (err) => logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects'));
  worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id, ...jobIds(job?.data) }, 'step failed; it will be retried'));
  return worker;
}

/** What a failed job's lines name: its deadline and the request behind it, as far as its data says. */
function jobIds(data: unknown): { deadlineId?: string; requestId?: string } {
  const parsed = DeadlineJobData.safeParse(data);
  return parsed.success ? { deadlineId: parsed.data.deadlineId, ...contextData(parsed.data) } : {};
}

/**
 * The messages and hand-over of this job's own step. Run the single way, they are all the run's;
 * run in a batch (one step a case), they are found by their deadline and case. Looked up only for
 * jobs that carry a request id: those the API enqueued, not the bursts.
 */
async function ownEffects(db: Db, deadline: { id: string; case_id: string }, batch: BatchRun, run: Pick<StepRun, 'notificationIds' | 'handoverIds'>) {
  if (!batch.deadlineIds.includes(deadline.id)) return { notificationIds: run.notificationIds, handoverIds: run.handoverIds };
  const [notificationRows, handoverRows] = await Promise.all([
    batch.notificationIds.length ? db.selectFrom('notifications').select('id').where('deadline_id', '=', deadline.id).where('id', 'in', batch.notificationIds).execute() : [],
    batch.handoverIds.length ? db.selectFrom('handovers').select('id').where('case_id', '=', deadline.case_id).where('id', 'in', batch.handoverIds).execute() : [],
  ]);
  return { notificationIds: notificationRows.map((r) => r.id), handoverIds: handoverRows.map((r) => r.id) };
}
