import { idempotency, type Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';

/** Expired idempotency keys have served their promise (24 hours of replays); drop them. */
export async function purgeExpired(db: Db, clock: Clock): Promise<{ idempotencyKeys: number }> {
  return { idempotencyKeys: await idempotency.purgeExpiredIdempotencyKeys(db, clock.now()) };
}
