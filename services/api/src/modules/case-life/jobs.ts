import type { FastifyBaseLogger } from 'fastify';
import type { DeadlineRow } from '@fordra/db';
import { enqueueNotifications, ensureDeadlineJobs } from '@fordra/jobs';
import type { AppDeps } from '../../deps.js';
import { jobContextOf } from '../../http/log-context.js';

/** Deadlines due this soon get their job from the API at once; later ones from the worker's reconciler. */
const ENQUEUE_AHEAD_MS = 15 * 60_000;

/**
 * Gives freshly planned or moved deadlines their jobs after the commit. Best effort: Postgres
 * already holds the deadlines, and the worker's reconciler makes up for anything missed here.
 */
export async function scheduleJobs(deps: AppDeps, rows: DeadlineRow[], now: Date, log: FastifyBaseLogger): Promise<void> {
  const soon = rows.filter((r) => r.status === 'scheduled' && r.due_at.getTime() - now.getTime() <= ENQUEUE_AHEAD_MS);
  try {
    await ensureDeadlineJobs(deps.deadlineQueue, soon, now, jobContextOf(log));
  } catch (err) {
    log.warn({ err }, 'could not enqueue deadline jobs; the reconciler will');
  }
}

/** Hands messages the API asked for to the notifier after the commit; its reconciler covers a miss. */
export async function sendSoon(deps: AppDeps, notificationIds: readonly string[], log: FastifyBaseLogger): Promise<void> {
  try {
    await enqueueNotifications(deps.notificationQueue, notificationIds, jobContextOf(log));
  } catch (err) {
    log.warn({ err }, "could not enqueue notifications; the notifier's reconciler will");
  }
}
