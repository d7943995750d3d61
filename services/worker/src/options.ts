import type { ConnectionOptions, Queue } from 'bullmq';
import type { Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';
import type { Logger } from '@fordra/runtime';

/**
 * What a worker that carries out collection work is given: the stores, and the queues its results
 * go on to at once (the notifier's messages and hand-overs, the case's next steps).
 */
export interface CollectionWorkerOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  connection: ConnectionOptions;
  prefix: string;
  notifications: Queue;
  /** Where escalations hand the notifier their hand-over at once. */
  handovers: Queue;
  /** The deadlines queue: steps planned or freed by this work get their jobs at once. */
  deadlines: Queue;
  concurrency: number;
  /** BullMQ's job lock; a crashed worker's job goes to another after about this long. */
  lockMs?: number;
}

/** What a reconciler is given: it compares Postgres with a queue every interval. */
export interface ReconcilerOptions {
  db: Db;
  clock: Clock;
  queue: Queue;
  logger: Logger;
  /** How often Postgres is compared with Redis: the most a lost job can delay its work. */
  intervalMs: number;
  /** Work due within this window gets its delayed job ahead of time. */
  lookaheadMs: number;
  batch?: number;
}
