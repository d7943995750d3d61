import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { closeWorker, contextData, reportErrors } from '@fordra/jobs';
import type { Logger } from '@fordra/runtime';

/** A temporary failure: BullMQ retries the job; the job has logged it already, with its case. */
export class TemporaryFailure extends Error {}

/** The longest wait between two tries, however many failed before. */
const MAX_BACKOFF_MS = 60 * 60 * 1000;

/**
 * BullMQ settings for jobs whose tries Postgres counts: each wait twice the one before, from
 * `retryBaseMs`, never more than an hour.
 */
export function doublingBackoff(retryBaseMs: number) {
  return { backoffStrategy: (attemptsMade: number) => Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** Math.max(0, attemptsMade - 1)) };
}

export interface RetryingWorkerOptions {
  logger: Logger;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  retryBaseMs: number;
}

/** What a job's data is checked with (a zod schema from @fordra/jobs). */
export interface JobSchema<D> {
  parse(data: unknown): D;
  safeParse(data: unknown): { success: true; data: D } | { success: false };
}

export interface RetryingJob<D> {
  data: D;
  /** The job's logger; it names the job, the row and the API request behind it, if any, and the case once named (read it afresh after `nameCase`). */
  readonly log: Logger;
  /** From here on the job's lines name this case too. */
  nameCase: (caseId: string) => void;
}

/**
 * A queue and its worker for jobs that carry one row's id and deliver it (a message, a hand-over):
 * the row is re-read by `run`, which throws TemporaryFailure to be tried again after a doubling
 * pause; any other failure is logged with the row's ids. `ids` names the row in every line.
 */
export function startRetryingWorker<D extends { requestId?: string | undefined }>(
  queueName: string,
  options: RetryingWorkerOptions,
  job: { schema: JobSchema<D>; ids: (data: D) => Record<string, string>; failed: string; run: (job: RetryingJob<D>, queue: Queue) => Promise<unknown> },
) {
  const { logger, connection, prefix, concurrency, retryBaseMs } = options;
  const onError = (err: Error) => logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects');
  const queue = reportErrors(new Queue(queueName, { connection, prefix }), onError);
  const worker = new Worker(
    queueName,
    async (bullJob) => {
      const data = job.schema.parse(bullJob.data);
      let log = logger.child({ jobId: bullJob.id, ...job.ids(data), ...contextData(data) });
      return job.run({ data, get log() { return log; }, nameCase: (caseId) => (log = log.child({ caseId })) }, queue);
    },
    { connection, prefix, concurrency, settings: doublingBackoff(retryBaseMs) },
  );
  reportErrors(worker, onError);
  worker.on('failed', (failedJob, err) => {
    if (err instanceof TemporaryFailure) return;
    const data = job.schema.safeParse(failedJob?.data);
    logger.warn({ jobId: failedJob?.id, ...(data.success ? { ...job.ids(data.data), ...contextData(data.data) } : {}), err: err.message }, job.failed);
  });
  return {
    queue,
    worker,
    async close() {
      await closeWorker(worker);
      await queue.close();
    },
  };
}
