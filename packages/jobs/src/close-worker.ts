import type { Worker } from 'bullmq';

/**
 * Closes a BullMQ worker: it takes no more jobs, and the call resolves once the jobs under way
 * have finished. A worker whose Redis connection is still connecting (a stop right after the
 * start) is first given a moment to finish: closed mid-connect, BullMQ reports the aborted
 * connect as an error after it has dropped its listeners, and Node ends the process on it.
 */
export async function closeWorker(worker: Worker, connectWithinMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    worker.waitUntilReady().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, connectWithinMs);
    }),
  ]);
  clearTimeout(timer);
  await worker.close();
}
