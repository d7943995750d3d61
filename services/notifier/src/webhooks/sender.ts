import type { Kysely } from 'kysely';
import type { Database } from '@fordra/db';
import { systemClock, type Clock } from '@fordra/domain';
import { startPeriodic, type Logger } from '@fordra/runtime';
import type { Mailer } from '../email/mailer.js';
import { claimDue } from './claim.js';
import { deliverOnce } from './deliver.js';
import { tellCreditor } from './disabled-mail.js';

export interface WebhookSenderOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  mailFrom: string;
  allowedHosts: string[];
  /** A request not answered within this is a failure (the specification's 15 s). */
  timeoutMs: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** The pause after a pass that found nothing due. */
  intervalMs: number;
}

/**
 * Sends due webhook deliveries: claims a batch under a lease, sends them side by side, and goes on
 * while there is more. Several notifiers may run it; a lease keeps each delivery with one of them.
 */
export function startWebhookSender(options: WebhookSenderOptions) {
  const { db, clock, logger, concurrency, intervalMs } = options;
  const leaseMs = options.timeoutMs * 2 + 5_000;
  const deps = {
    db,
    clock,
    allowedHosts: options.allowedHosts,
    timeoutMs: options.timeoutMs,
    signingClock: systemClock,
    onDisabled: async (endpointId: string, reason: string) => {
      logger.warn({ endpointId, reason }, 'webhook endpoint disabled');
      await tellCreditor({ db, mailer: options.mailer, mailFrom: options.mailFrom, logger }, endpointId, reason);
    },
  };
  return startPeriodic('webhook delivery', intervalMs, logger, async (stopping) => {
    let sent = 0;
    for (;;) {
      const due = await claimDue(db, clock.now(), concurrency, leaseMs);
      if (due.length === 0) return sent;
      await Promise.all(
        due.map((d) =>
          deliverOnce(deps, d).catch((err: unknown) => {
            // The lease runs out and another pass tries again.
            logger.error({ err, deliveryId: d.id, ...(d.case_id ? { caseId: d.case_id } : {}) }, 'webhook delivery failed unexpectedly');
          }),
        ),
      );
      sent += due.length;
      if (stopping()) return sent;
    }
  });
}
