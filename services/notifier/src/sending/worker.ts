import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { closeWorker, contextData, NotificationJobData, enqueueNotifications, QUEUES, reportErrors } from '@fordra/jobs';
import type { Logger } from '@fordra/runtime';
import { doublingBackoff, TemporaryFailure } from '../retries.js';
import { deliver, type DeliveryDeps } from './deliver.js';

export interface NotifierWorkerOptions extends DeliveryDeps {
  logger: Logger;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  retryBaseMs: number;
}

/**
 * Delivers queued notifications. The job carries only the notification's id; delivery re-reads
 * the row and does nothing for one already sent. Temporary failures come back with growing
 * pauses; Postgres counts the attempts and gives up after the configured number.
 */
export function startNotifierWorker(options: NotifierWorkerOptions) {
  const { logger, connection, prefix, concurrency, retryBaseMs } = options;
  const onError = (err: Error) => logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects');
  const queue = reportErrors(new Queue(QUEUES.notifications, { connection, prefix }), onError);
  const worker = new Worker(
    QUEUES.notifications,
    async (job) => {
      const { notificationId, requestId } = NotificationJobData.parse(job.data);
      // This job's lines name the message, its case (once read) and the API request behind it, if any.
      let log = logger.child({ jobId: job.id, notificationId, ...contextData({ requestId }) });
      const result = await deliver(options, notificationId, (caseId) => (log = log.child({ caseId })));
      if (result.state === 'retry') {
        log.warn({ err: result.detail }, 'notification not sent yet');
        throw new TemporaryFailure(`temporary failure, will retry: ${result.detail}`);
      }
      if (result.state === 'failed' && result.fallbackId) await enqueueNotifications(queue, [result.fallbackId], { requestId });
      if (result.state !== 'not_queued') log.info({ state: result.state }, 'notification handled');
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
    const data = NotificationJobData.safeParse(job?.data);
    logger.warn({ jobId: job?.id, ...(data.success ? { notificationId: data.data.notificationId, ...contextData(data.data) } : {}), err: err.message }, 'notification not sent yet');
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
