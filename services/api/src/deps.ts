import type { ApiConfig } from '@fordra/config';
import type { Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';
import type { Queue } from 'bullmq';

/** What the modules are given: the database, the clock and the configuration. */
export interface AppDeps {
  db: Db;
  clock: Clock;
  config: ApiConfig;
  /** Drops a revoked key from the authentication cache of this instance. */
  forgetApiKey: (apiKeyId: string) => void;
  /** Where due-soon deadlines get their jobs. */
  deadlineQueue: Queue;
}
