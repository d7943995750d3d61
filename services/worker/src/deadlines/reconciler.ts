import { deadlines } from '@fordra/db';
import { ensureDeadlineJobs } from '@fordra/jobs';
import { startPeriodic } from '@fordra/runtime';
import type { ReconcilerOptions } from '../options.js';

/**
 * Postgres owns every deadline; Redis only carries the jobs. Each pass gives every deadline due
 * within the look-ahead its job again (a no-op when it has one), so a Redis restart, flush or
 * failover delays a step by at most one interval and never loses it.
 */
export function startReconciler(options: ReconcilerOptions) {
  const { db, clock, queue, logger, intervalMs, lookaheadMs, batch = 1000 } = options;
  return startPeriodic('deadline reconciliation', intervalMs, logger, async (stopping) => {
    const now = clock.now();
    const until = new Date(now.getTime() + lookaheadMs);
    let total = 0;
    let after: { id: string; due_at: Date } | undefined;
    // Through the whole window, a page at a time: a burst larger than a page is covered in one pass.
    for (;;) {
      const rows = await deadlines.listDueBy(db, until, batch, after);
      await ensureDeadlineJobs(queue, rows, now);
      total += rows.length;
      if (rows.length < batch || stopping()) return total;
      after = rows[rows.length - 1];
    }
  });
}
