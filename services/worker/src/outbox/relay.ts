import { relayOutbox } from '@fordra/collection';
import type { Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';
import { startPeriodic, type Logger } from '@fordra/runtime';

export interface RelayOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The pause after a pass that found the outbox drained: the most an event waits to be published. */
  intervalMs: number;
  batch?: number;
}

/**
 * Publishes the outbox for the feed and the webhook senders. A pass keeps taking batches while
 * they come full, so a burst drains at once; several workers may run it side by side.
 */
export function startOutboxRelay({ db, clock, logger, intervalMs, batch = 500 }: RelayOptions) {
  return startPeriodic('outbox relay', intervalMs, logger, async (stopping) => {
    let total = 0;
    for (;;) {
      const pass = await relayOutbox(db, clock, batch);
      total += pass.published;
      if (pass.published < batch || stopping()) return total;
    }
  });
}
