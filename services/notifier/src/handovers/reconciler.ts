import type { Queue } from 'bullmq';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@fordra/db';
import { enqueueHandovers } from '@fordra/jobs';
import { startPeriodic, type Logger } from '@fordra/runtime';

/**
 * Postgres holds every pending hand-over; Redis only the jobs. Each pass gives every pending
 * hand-over its job again (a no-op when it has one), so an escalation committed by the worker or
 * the API whose job never reached Redis is delivered one interval later, never lost.
 */
export function startHandoverReconciler(options: { db: Kysely<Database>; queue: Queue; logger: Logger; intervalMs: number; batch?: number }) {
  const { db, queue, logger, intervalMs, batch = 1000 } = options;
  return startPeriodic('hand-over reconciliation', intervalMs, logger, async (stopping) => {
    let total = 0;
    let after: { created_at: Date; id: string } | undefined;
    for (;;) {
      let query = db.selectFrom('handovers').select(['id', 'created_at']).where('status', '=', 'pending');
      if (after) query = query.where(sql<boolean>`(created_at, id) > (${after.created_at}, ${after.id}::uuid)`);
      const rows = await query.orderBy('created_at').orderBy('id').limit(batch).execute();
      await enqueueHandovers(queue, rows.map((r) => r.id));
      total += rows.length;
      if (rows.length < batch || stopping()) return total;
      after = rows[rows.length - 1];
    }
  });
}
