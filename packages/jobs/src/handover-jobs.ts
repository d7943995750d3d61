import type { Queue } from 'bullmq';
import { z } from 'zod';
import { contextData, RequestIdField, type JobContext } from './deadline-jobs.js';

export const HandoverJobData = z.object({ handoverId: z.uuid(), requestId: RequestIdField });
export type HandoverJobData = z.infer<typeof HandoverJobData>;

export function handoverJobId(handoverId: string): string {
  return `handover-${handoverId}`;
}

/**
 * Gives each pending hand-over its delivery job; adding a job that exists changes nothing. As
 * with notifications, the notifier paces the retries and Postgres counts them and gives up, and
 * a finished job leaves Redis so the reconciler can always give a pending hand-over a job again.
 */
export async function enqueueHandovers(queue: Queue, handoverIds: readonly string[], context?: JobContext): Promise<void> {
  if (handoverIds.length === 0) return;
  await queue.addBulk(
    handoverIds.map((id) => ({
      name: 'deliver',
      data: { handoverId: id, ...contextData(context) } satisfies HandoverJobData,
      opts: { jobId: handoverJobId(id), attempts: 1000, backoff: { type: 'handover' }, removeOnComplete: true, removeOnFail: true },
    })),
  );
}
