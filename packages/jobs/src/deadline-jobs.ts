import { Job, type Queue } from 'bullmq';
import { z } from 'zod';

/**
 * Where a job came from, for the log lines of whoever runs it: the id of the API request that
 * enqueued it (its `x-request-id`), so that one id follows a request from the API through the
 * worker to the notifier. Optional everywhere: jobs from reconcilers and timers have none.
 */
export interface JobContext {
  requestId?: string | undefined;
}

/** The request id a job may carry (the API accepts ids of at most 100 characters). */
export const RequestIdField = z.string().max(200).optional();

/** The job data's request id field, present only when there is one. */
export function contextData(context: JobContext | undefined): { requestId?: string } {
  return context?.requestId ? { requestId: context.requestId } : {};
}

export const DeadlineJobData = z.object({ deadlineId: z.uuid(), requestId: RequestIdField });
export type DeadlineJobData = z.infer<typeof DeadlineJobData>;

export const NotificationJobData = z.object({ notificationId: z.uuid(), requestId: RequestIdField });
export type NotificationJobData = z.infer<typeof NotificationJobData>;

/**
 * A deadline's job id: its row and the instant it is due. A rescheduled deadline gets a new job,
 * and the old one, if it still fires, finds the row not yet due and does nothing.
 */
export function deadlineJobId(deadline: { id: string; due_at: Date }): string {
  return `deadline-${deadline.id}-${deadline.due_at.getTime()}`;
}

export function notificationJobId(notificationId: string): string {
  return `notification-${notificationId}`;
}

/**
 * A deadline job leaves Redis as soon as it completes or runs out of tries: Postgres keeps the
 * outcome, and a step that could not run yet (an earlier one still running, the database away)
 * must be able to get the same job again from the reconciler.
 */
const DEADLINE_KEEP = { removeOnComplete: true, removeOnFail: true };

/**
 * Makes sure each deadline has its delayed job. Adding an existing job id changes nothing, so
 * this is safe to repeat; a job still waiting although its deadline has come (the clock moved,
 * or Redis lost time) is promoted to run now.
 */
export async function ensureDeadlineJobs(queue: Queue, rows: readonly { id: string; due_at: Date }[], now: Date, context?: JobContext): Promise<number> {
  if (rows.length === 0) return 0;
  await queue.addBulk(
    rows.map((row) => ({
      name: 'run-step',
      data: { deadlineId: row.id, ...contextData(context) } satisfies DeadlineJobData,
      opts: { jobId: deadlineJobId(row), delay: Math.max(0, row.due_at.getTime() - now.getTime()), attempts: 8, backoff: { type: 'exponential', delay: 1000 }, ...DEADLINE_KEEP },
    })),
  );
  // Checked concurrently: the client pipelines the look-ups instead of a round trip each.
  const due = rows.filter((row) => row.due_at <= now);
  const promoted = await Promise.all(
    due.map(async (row) => {
      const job = await Job.fromId(queue, deadlineJobId(row));
      if (!job || !(await job.isDelayed())) return 0;
      await job.promote().catch(() => undefined); // it may have started meanwhile
      return 1;
    }),
  );
  return promoted.reduce<number>((a, b) => a + b, 0);
}

export async function enqueueNotifications(queue: Queue, notificationIds: readonly string[], context?: JobContext): Promise<void> {
  if (notificationIds.length === 0) return;
  await queue.addBulk(
    notificationIds.map((id) => ({
      name: 'send',
      data: { notificationId: id, ...contextData(context) } satisfies NotificationJobData,
      // Retries are paced by the notifier's own backoff strategy and counted in Postgres, which
      // gives up. A finished job leaves Redis at once: Postgres keeps the outcome, and a message
      // still queued can then always be given a job again by the notifier's reconciler.
      opts: { jobId: notificationJobId(id), attempts: 1000, backoff: { type: 'notifier' }, removeOnComplete: true, removeOnFail: true },
    })),
  );
}
