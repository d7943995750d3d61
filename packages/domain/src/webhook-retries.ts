/**
 * When a failed webhook delivery is tried again: quickly at first, then hours apart, for about
 * three days in all (5 s, 5 min, 30 min, 2 h, 5 h, then every 10 h), each wait spread by ±20 % so
 * that many deliveries failing together do not all come back at the same instant.
 */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  ...Array.from({ length: 7 }, () => 10 * 3_600_000),
];

/** An endpoint with no success for this long is disabled and its creditor told. */
export const WEBHOOK_DISABLE_AFTER_MS = 5 * 24 * 3_600_000;

/** The longest a receiver's Retry-After is honoured for. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * The wait before the next try after `attemptsMade` failed ones, or null once the schedule is
 * spent (the delivery has failed for good). A receiver's Retry-After is honoured when it asks
 * for longer.
 */
export function nextWebhookDelay(attemptsMade: number, random: number, retryAfterMs: number | null = null): number | null {
  const base = WEBHOOK_RETRY_DELAYS_MS[attemptsMade - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (0.8 + 0.4 * Math.min(1, Math.max(0, random))));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}
