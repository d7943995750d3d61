import { Job, type Queue } from 'bullmq';
import { z } from 'zod';

export const AgreementJobData = z.object({ kind: z.enum(['instalment', 'follow_up']), id: z.uuid() });
export type AgreementJobData = z.infer<typeof AgreementJobData>;

export interface AgreementDue {
  kind: AgreementJobData['kind'];
  /** The instalment's id (its check) or the agreement's id (its follow-up). */
  id: string;
  at: Date;
}

/** The check's row and its instant: a moved check gets a new job, and the old one finds nothing due. */
export function agreementJobId(due: AgreementDue): string {
  return `agreement-${due.kind}-${due.id}-${due.at.getTime()}`;
}

/**
 * Gives each due agreement check its delayed job, as deadlines get theirs: repeating it is
 * harmless, and a job still delayed although its instant has come is promoted.
 */
export async function ensureAgreementJobs(queue: Queue, due: readonly AgreementDue[], now: Date): Promise<void> {
  if (due.length === 0) return;
  await queue.addBulk(
    due.map((d) => ({
      name: d.kind,
      data: { kind: d.kind, id: d.id } satisfies AgreementJobData,
      opts: { jobId: agreementJobId(d), delay: Math.max(0, d.at.getTime() - now.getTime()), attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true },
    })),
  );
  await Promise.all(
    due
      .filter((d) => d.at <= now)
      .map(async (d) => {
        const job = await Job.fromId(queue, agreementJobId(d));
        if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
      }),
  );
}
