import { enqueueNotifications, NotificationJobData, QUEUES } from '@fordra/jobs';
import { startRetryingWorker, TemporaryFailure, type RetryingWorkerOptions } from '../retries.js';
import { deliver, type DeliveryDeps } from './deliver.js';

export interface NotifierWorkerOptions extends DeliveryDeps, RetryingWorkerOptions {}

/**
 * Delivers queued notifications. The job carries only the notification's id; delivery re-reads
 * the row and does nothing for one already sent. Temporary failures come back with growing
 * pauses; Postgres counts the attempts and gives up after the configured number.
 */
export function startNotifierWorker(options: NotifierWorkerOptions) {
  return startRetryingWorker(QUEUES.notifications, options, {
    schema: NotificationJobData,
    ids: (data) => ({ notificationId: data.notificationId }),
    failed: 'notification not sent yet',
    async run(job, queue) {
      // job.log is read after delivery: by then it names the case too.
      const { data, nameCase } = job;
      const result = await deliver(options, data.notificationId, nameCase);
      if (result.state === 'retry') {
        job.log.warn({ err: result.detail }, 'notification not sent yet');
        throw new TemporaryFailure(`temporary failure, will retry: ${result.detail}`);
      }
      if (result.state === 'failed' && result.fallbackId) await enqueueNotifications(queue, [result.fallbackId], { requestId: data.requestId });
      if (result.state !== 'not_queued') job.log.info({ state: result.state }, 'notification handled');
      return result;
    },
  });
}
