import type { Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Database } from '@fordra/db';
import { enqueueNotifications } from '@fordra/jobs';
import type { Logger } from '@fordra/runtime';

/**
 * Postgres holds every queued notification; Redis only the jobs. Each pass gives every queued
 * notification its job again (a no-op when it has one), so a crash between a step's commit and
 * its hand-over, or a lost Redis, delays a message by one interval and never loses it.
 */
export function startNotificationReconciler(options: { db: Kysely<Database>; queue: Queue; logger: Logger; intervalMs: number; batch?: number }) {
  const { db, queue, logger, intervalMs, batch = 1000 } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let stopped = false;

  async function pass(): Promise<number> {
    const rows = await db.selectFrom('notifications').select('id').where('status', '=', 'queued').orderBy('created_at').limit(batch).execute();
    await enqueueNotifications(queue, rows.map((r) => r.id));
    return rows.length;
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    running = pass().catch((err: unknown) => {
      logger.error({ err }, 'notification reconciliation failed; retrying next interval');
      return 0;
    });
    await running;
    running = null;
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  }

  void tick();
  return {
    runOnce: () => pass(),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
