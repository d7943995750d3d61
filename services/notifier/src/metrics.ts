import { Counter, createJobMetrics, createQueueDepthMetric, Histogram, observeJobs, type CountableQueue, type ObservableWorker, type Registry } from '@fordra/runtime';

/**
 * Counted where each delivery ends (sending/deliver.ts, webhooks/deliver.ts). They belong to no
 * registry until `registerNotifierMetrics` adds them to the process's one, so code under test
 * counts into them harmlessly.
 */
export const notificationOutcomes = new Counter({
  name: 'fordra_notifications_total',
  help: 'Notifications handled, by channel (email, letter) and outcome (sent; failed for good; retry after a temporary failure; cancelled because the case closed)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [],
});

export const webhookOutcomes = new Counter({
  name: 'fordra_webhook_deliveries_total',
  help: 'Webhook delivery tries by outcome (delivered; retry after a failed try; failed for good; skipped: endpoint disabled or without a secret)',
  labelNames: ['outcome'] as const,
  registers: [],
});

export const webhookDuration = new Histogram({
  name: 'fordra_webhook_request_duration_seconds',
  help: 'Time a receiver took to answer a webhook request, by outcome',
  labelNames: ['outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
  registers: [],
});

export interface NotifierMetricsDeps {
  /** The queues this process serves, for their depth. */
  queues: CountableQueue[];
  /** Its BullMQ workers, for job latency. */
  workers: ObservableWorker[];
}

export function registerNotifierMetrics(registry: Registry, { queues, workers }: NotifierMetricsDeps): void {
  registry.registerMetric(notificationOutcomes);
  registry.registerMetric(webhookOutcomes);
  registry.registerMetric(webhookDuration);
  // Every series from zero, so rates work from the first event and dashboards show the full set.
  for (const channel of ['email', 'letter']) for (const outcome of ['sent', 'failed', 'retry', 'cancelled']) notificationOutcomes.inc({ channel, outcome }, 0);
  for (const outcome of ['delivered', 'retry', 'failed', 'skipped']) webhookOutcomes.inc({ outcome }, 0);
  createQueueDepthMetric(registry, queues);
  const jobs = createJobMetrics(registry);
  for (const worker of workers) observeJobs(jobs, worker);
}
