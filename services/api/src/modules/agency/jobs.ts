import type { FastifyBaseLogger } from 'fastify';
import { enqueueHandovers } from '@fordra/jobs';
import type { AppDeps } from '../../deps.js';
import { jobContextOf } from '../../http/log-context.js';

/** Gives a requested hand-over its delivery job after the commit; the notifier's reconciler covers a miss. */
export async function handOverSoon(deps: AppDeps, handoverIds: readonly (string | null)[], log: FastifyBaseLogger): Promise<void> {
  const ids = handoverIds.filter((id): id is string => id !== null);
  try {
    await enqueueHandovers(deps.handoverQueue, ids, jobContextOf(log));
  } catch (err) {
    log.warn({ err }, "could not enqueue the hand-over; the notifier's reconciler will");
  }
}
