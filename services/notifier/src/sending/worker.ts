import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { NotificationJobData, enqueueNotifications, QUEUES, reportErrors } from '@fordra/jobs';
import type { Logger } from '@fordra/runtime';
import { deliver, type DeliveryDeps } from './deliver.js';

export interface NotifierWorkerOptions extends DeliveryDeps {
  logger: Logger;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  retryBaseMs: number;
}

/** The longest wait between two tries, however many failed before. */
const MAX_BACKOFF_MS = 60 * 60 * 1000;

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
      const { notificationId } = NotificationJobData.parse(job.data);
      const result = await deliver(options, notificationId);
      if (result.state === 'retry') throw new Error(`temporary failure, will retry: ${result.detail}`);
      if (result.state === 'failed' && result.fallbackId) await enqueueNotifications(queue, [result.fallbackId]);
      if (result.state !== 'not_queued') logger.info({ notificationId, state: result.state }, 'notification handled');
      return result;
    },
    {
      connection,
      prefix,
      concurrency,
      settings: { backoffStrategy: (attemptsMade: number) => Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** Math.max(0, attemptsMade - 1)) },
    },
  );
  reportErrors(worker, onError);
  worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message }, 'notification not sent yet'));
  return {
    queue,
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
