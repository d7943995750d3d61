import type { Queue } from 'bullmq';
import { agreements, type Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';
import { ensureAgreementJobs } from '@fordra/jobs';
import { startPeriodic, type Logger } from '@fordra/runtime';

export interface AgreementReconcilerOptions {
  db: Db;
  clock: Clock;
  queue: Queue;
  logger: Logger;
  intervalMs: number;
  lookaheadMs: number;
  batch?: number;
}

/** Postgres owns every agreement check; each pass gives the ones coming due their jobs again. */
export function startAgreementReconciler({ db, clock, queue, logger, intervalMs, lookaheadMs, batch = 1000 }: AgreementReconcilerOptions) {
  return startPeriodic('agreement reconciliation', intervalMs, logger, async () => {
    const now = clock.now();
    const due = await agreements.listDueChecks(db, new Date(now.getTime() + lookaheadMs), batch);
    await ensureAgreementJobs(queue, due, now);
    return due.length;
  });
}
