import { agreements } from '@fordra/db';
import { ensureAgreementJobs } from '@fordra/jobs';
import { startPeriodic } from '@fordra/runtime';
import type { ReconcilerOptions } from '../options.js';

/** Postgres owns every agreement check; each pass gives the ones coming due their jobs again. */
export function startAgreementReconciler({ db, clock, queue, logger, intervalMs, lookaheadMs, batch = 1000 }: ReconcilerOptions) {
  return startPeriodic('agreement reconciliation', intervalMs, logger, async () => {
    const now = clock.now();
    const due = await agreements.listDueChecks(db, new Date(now.getTime() + lookaheadMs), batch);
    await ensureAgreementJobs(queue, due, now);
    return due.length;
  });
}
