import { HandoverJobData, QUEUES } from '@fordra/jobs';
import { startRetryingWorker, TemporaryFailure, type RetryingWorkerOptions } from '../retries.js';
import { deliverHandover, type HandoverDeps } from './deliver.js';

export interface HandoverWorkerOptions extends HandoverDeps, RetryingWorkerOptions {}

/**
 * Delivers pending hand-overs to the creditors' agencies. The job carries only the hand-over's
 * id; delivery re-reads the row and does nothing for one already delivered. Temporary failures
 * come back with growing pauses; Postgres counts the attempts and gives up.
 */
export function startHandoverWorker(options: HandoverWorkerOptions) {
  return startRetryingWorker(QUEUES.handovers, options, {
    schema: HandoverJobData,
    ids: (data) => ({ handoverId: data.handoverId }),
    failed: 'hand-over not delivered yet',
    async run(job) {
      // job.log is read after delivery: by then it names the case too.
      const { data, nameCase } = job;
      const result = await deliverHandover(options, data.handoverId, nameCase);
      if (result.state === 'retry') {
        job.log.warn({ err: result.detail }, 'hand-over not delivered yet');
        throw new TemporaryFailure(`temporary failure, will retry: ${result.detail}`);
      }
      if (result.state !== 'not_pending') job.log.info({ state: result.state }, 'hand-over handled');
      return result;
    },
  });
}
