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
