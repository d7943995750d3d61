import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { closeWorker, contextData, HandoverJobData, QUEUES, reportErrors } from '@fordra/jobs';
import type { Logger } from '@fordra/runtime';
import { doublingBackoff, TemporaryFailure } from '../retries.js';
import { deliverHandover, type HandoverDeps } from './deliver.js';

export interface HandoverWorkerOptions extends HandoverDeps {
  logger: Logger;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  retryBaseMs: number;
}

/**
 * Delivers pending hand-overs to the creditors' agencies. The job carries only the hand-over's
 * id; delivery re-reads the row and does nothing for one already delivered. Temporary failures
 * come back with growing pauses; Postgres counts the attempts and gives up.
 */
export function startHandoverWorker(options: HandoverWorkerOptions) {
  const { logger, connection, prefix, concurrency, retryBaseMs } = options;
  const onError = (err: Error) => logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects');
  const queue = reportErrors(new Queue(QUEUES.handovers, { connection, prefix }), onError);
  const worker = new Worker(
    QUEUES.handovers,
    async (job) => {
      const { handoverId, requestId } = HandoverJobData.parse(job.data);
      // This job's lines name the hand-over, its case (once read) and the API request behind it, if any.
      let log = logger.child({ jobId: job.id, handoverId, ...contextData({ requestId }) });
      const result = await deliverHandover(options, handoverId, (caseId) => (log = log.child({ caseId })));
      if (result.state === 'retry') {
        log.warn({ err: result.detail }, 'hand-over not delivered yet');
        throw new TemporaryFailure(`temporary failure, will retry: ${result.detail}`);
      }
      if (result.state !== 'not_pending') log.info({ state: result.state }, 'hand-over handled');
      return result;
    },
    {
      connection,
      prefix,
      concurrency,
      settings: doublingBackoff(retryBaseMs),
    },
  );
  reportErrors(worker, onError);
  worker.on('failed', (job, err) => {
    if (err instanceof TemporaryFailure) return;
    const data = HandoverJobData.safeParse(job?.data);
    logger.warn({ jobId: job?.id, ...(data.success ? { handoverId: data.data.handoverId, ...contextData(data.data) } : {}), err: err.message }, 'hand-over not delivered yet');
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
