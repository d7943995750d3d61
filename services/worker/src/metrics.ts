import type { Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';
import { createJobMetrics, createQueueDepthMetric, createReadGauge, observeJobs, type CountableQueue, type ObservableWorker, type Registry } from '@fordra/runtime';

/** A step still waiting this long after its due time counts as late: the reconciler should long have run it. */
export const LATE_AFTER_MS = 5 * 60_000;

export interface WorkerMetricsDeps {
  db: Db;
  clock: Clock;
  /** The queues this process serves, for their depth. */
  queues: CountableQueue[];
  /** Its BullMQ workers, for job latency. */
  workers: ObservableWorker[];
}

/**
 * The worker's metrics. Deadlines and the outbox are read from Postgres on each scrape (a few
 * index-only look-ups), so every worker instance reports the same figures: aggregate with `max`.
 */
export function registerWorkerMetrics(registry: Registry, { db, clock, queues, workers }: WorkerMetricsDeps): void {
  createQueueDepthMetric(registry, queues);
  const jobs = createJobMetrics(registry);
  for (const worker of workers) observeJobs(jobs, worker);

  const scheduledDueBefore = async (instant: Date) => {
    const row = await db.selectFrom('case_deadlines').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'scheduled').where('due_at', '<=', instant).executeTakeFirst();
    return Number(row?.n ?? 0);
  };
  createReadGauge(registry, {
    name: 'fordra_deadlines_due',
    help: 'Policy steps due now or earlier and not yet run',
    read: () => scheduledDueBefore(clock.now()),
  });
  createReadGauge(registry, {
    name: 'fordra_deadlines_late',
    help: `Policy steps due more than ${LATE_AFTER_MS / 60_000} minutes ago and not yet run`,
    read: () => scheduledDueBefore(new Date(clock.now().getTime() - LATE_AFTER_MS)),
  });
  createReadGauge(registry, {
    name: 'fordra_outbox_lag_seconds',
    help: 'Age of the oldest event not yet published by the outbox relay (0 when the outbox is drained)',
    read: async () => {
      const oldest = await db.selectFrom('outbox').select('occurred_at').where('published_at', 'is', null).orderBy('seq').limit(1).executeTakeFirst();
      return oldest ? Math.max(0, clock.now().getTime() - new Date(oldest.occurred_at).getTime()) / 1000 : 0;
    },
  });
  createReadGauge(registry, {
    name: 'fordra_outbox_unpublished',
    help: 'Events written and not yet published by the outbox relay',
    read: async () => {
      const row = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('published_at', 'is', null).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  });
}
