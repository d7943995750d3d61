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
  /** Drops a creditor's cached settings on this instance after they changed. */
  forgetCreditor: (creditorId: string) => void;
  /** Where due-soon deadlines get their jobs. */
  deadlineQueue: Queue;
  /** Where messages the API asks for (agreement follow-ups) get their jobs at once. */
  notificationQueue: Queue;
  /** Where escalations get their hand-over delivery job at once. */
  handoverQueue: Queue;
}
