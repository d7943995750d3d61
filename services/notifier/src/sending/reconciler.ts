import type { Queue } from 'bullmq';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@fordra/db';
import { enqueueNotifications } from '@fordra/jobs';
import { startPeriodic, type Logger } from '@fordra/runtime';

/**
 * Postgres holds every queued notification; Redis only the jobs. Each pass gives every queued
 * notification its job again (a no-op when it has one), so a crash between a step's commit and
 * its hand-over, or a lost Redis, delays a message by one interval and never loses it.
 */
export function startNotificationReconciler(options: { db: Kysely<Database>; queue: Queue; logger: Logger; intervalMs: number; batch?: number }) {
  const { db, queue, logger, intervalMs, batch = 1000 } = options;
  return startPeriodic('notification reconciliation', intervalMs, logger, async (stopping) => {
    let total = 0;
    let after: { created_at: Date; id: string } | undefined;
    for (;;) {
      let query = db.selectFrom('notifications').select(['id', 'created_at']).where('status', '=', 'queued');
      if (after) query = query.where(sql<boolean>`(created_at, id) > (${after.created_at}, ${after.id}::uuid)`);
      const rows = await query.orderBy('created_at').orderBy('id').limit(batch).execute();
      await enqueueNotifications(queue, rows.map((r) => r.id));
      total += rows.length;
      if (rows.length < batch || stopping()) return total;
      after = rows[rows.length - 1];
    }
  });
}
