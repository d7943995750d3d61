import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

/**
 * One registry per process, served on its ops server's `/metrics`: Node's own figures (CPU,
 * memory, event-loop lag, garbage collection, open handles) under their usual names, and every
 * Fordra metric (`fordra_…`), all labelled with the service.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Rejects when `promise` has not settled within `ms`: a scrape or a probe never hangs on a dead connection. */
export function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What the HTTP latency histogram needs of a finished request. */
export interface HttpObservation {
  method: string;
  /** The route's pattern (`/v1/cases/:id`), never the raw path, so the label's values stay few. */
  route: string;
  statusCode: number;
  seconds: number;
}

/** `fordra_http_request_duration_seconds{method, route, status_code}`. */
export function createHttpMetrics(registry: Registry) {
  const duration = new Histogram({
    name: 'fordra_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being sent, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    observe({ method, route, statusCode, seconds }: HttpObservation) {
      duration.observe({ method, route, status_code: String(statusCode) }, seconds);
    },
  };
}

/** The part of a BullMQ queue the depth gauge reads. */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/** The job states counted: everything not yet finished, and the failed ones kept for inspection. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'paused', 'failed'] as const;

/**
 * `fordra_queue_jobs{queue, state}`, read from Redis on each scrape. Queues are shared by every
 * process that serves them, so each instance reports the same figures: aggregate with `max`.
 */
export function createQueueDepthMetric(registry: Registry, queues: CountableQueue[], timeoutMs = 3_000) {
  return new Gauge({
    name: 'fordra_queue_jobs',
    help: 'Jobs in each queue by state, read from Redis on each scrape (the same in every instance: aggregate with max)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        queues.map(async (queue) => {
          try {
            const counts = await within(`Redis (queue ${queue.name})`, timeoutMs, queue.getJobCounts(...QUEUE_STATES));
            for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          } catch {
            // Redis is away: no figure rather than a wrong one; readiness says why.
          }
        }),
      );
    },
  });
}

/** The timestamps BullMQ keeps on a job, in epoch milliseconds. */
export interface JobTimes {
  timestamp: number;
  delay?: number | undefined;
  processedOn?: number | undefined;
  finishedOn?: number | undefined;
  attemptsStarted?: number | undefined;
}

/**
 * `fordra_job_duration_seconds{queue, outcome}`: how long a job ran; `fordra_job_wait_seconds{queue}`:
 * from the moment a job was due (its delay ran out) to its first start, which is how late the work
 * began (retries are not counted again: their wait is the back-off).
 */
export function createJobMetrics(registry: Registry) {
  const duration = new Histogram({
    name: 'fordra_job_duration_seconds',
    help: 'Time a job ran, by queue and outcome (completed, or failed: retried or given up)',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const wait = new Histogram({
    name: 'fordra_job_wait_seconds',
    help: 'Time from a job being due to its first start, by queue',
    labelNames: ['queue'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 30, 60, 300, 900, 3600],
    registers: [registry],
  });
  return {
    finished(queue: string, job: JobTimes | undefined, outcome: 'completed' | 'failed') {
      if (!job?.processedOn) return;
      const finishedOn = job.finishedOn ?? Date.now();
      duration.observe({ queue, outcome }, Math.max(0, finishedOn - job.processedOn) / 1000);
      if ((job.attemptsStarted ?? 1) <= 1) wait.observe({ queue }, Math.max(0, job.processedOn - job.timestamp - (job.delay ?? 0)) / 1000);
    },
  };
}

export type JobMetrics = ReturnType<typeof createJobMetrics>;

/** A BullMQ worker as far as its job metrics go. */
export interface ObservableWorker {
  readonly name: string;
  on(event: 'completed', listener: (job: JobTimes) => void): unknown;
  on(event: 'failed', listener: (job: JobTimes | undefined, err: Error) => void): unknown;
}

/** Records every job the worker finishes in the job metrics, under the worker's queue. */
export function observeJobs(metrics: JobMetrics, worker: ObservableWorker): void {
  worker.on('completed', (job) => metrics.finished(worker.name, job, 'completed'));
  worker.on('failed', (job) => metrics.finished(worker.name, job, 'failed'));
}

/**
 * A gauge whose value is read on each scrape (from Postgres, say). A failed read shows as NaN, so
 * a dashboard shows a gap instead of a reassuring zero.
 */
export function createReadGauge(registry: Registry, options: { name: string; help: string; read: () => Promise<number>; timeoutMs?: number }) {
  const { read, timeoutMs = 3_000 } = options;
  return new Gauge({
    name: options.name,
    help: options.help,
    registers: [registry],
    async collect() {
      try {
        this.set(await within(options.name, timeoutMs, read()));
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}
