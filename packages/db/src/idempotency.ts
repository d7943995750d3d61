import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './types.js';

type Q = Kysely<Database>;

export interface IdempotencyClaimRequest {
  owner: string;
  key: string;
  fingerprint: string;
  now: Date;
  /** How long a claim blocks retries before a crashed request's claim may be taken over. */
  lockMs: number;
  /** How long the recorded response is kept for retries. */
  ttlMs: number;
}

export type IdempotencyClaim =
  | { kind: 'claimed'; token: string }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/**
 * Claims an idempotency key for one request. The response is later recorded by
 * `completeIdempotencyKey` in the same transaction as the request's writes, so a key is either
 * completed with the writes or not at all; a claim left by a crash is taken over once its lock
 * runs out, which is safe because the crashed request wrote nothing.
 */
export async function claimIdempotencyKey(db: Kysely<Database>, req: IdempotencyClaimRequest): Promise<IdempotencyClaim> {
  return db.transaction().execute(async (trx) => {
    const token = randomUUID();
    const lockedUntil = new Date(req.now.getTime() + req.lockMs);
    const fresh = {
      request_fingerprint: req.fingerprint,
      state: 'in_flight' as const,
      claim_token: token,
      response_status: null,
      response_body: null,
      locked_until: lockedUntil,
      created_at: req.now,
      expires_at: new Date(req.now.getTime() + req.ttlMs),
    };
    const inserted = await trx
      .insertInto('idempotency_keys')
      .values({ owner: req.owner, key: req.key, ...fresh })
      .onConflict((oc) => oc.columns(['owner', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) return { kind: 'claimed', token };

    const existing = await trx
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('owner', '=', req.owner)
      .where('key', '=', req.key)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const expired = existing.expires_at <= req.now;
    const abandoned = existing.state === 'in_flight' && existing.locked_until <= req.now;
    if (expired || (abandoned && existing.request_fingerprint === req.fingerprint)) {
      await trx.updateTable('idempotency_keys').set(fresh).where('owner', '=', req.owner).where('key', '=', req.key).execute();
      return { kind: 'claimed', token };
    }
    if (existing.request_fingerprint !== req.fingerprint) return { kind: 'mismatch' };
    if (existing.state === 'in_flight') return { kind: 'in_flight' };
    return { kind: 'replay', status: existing.response_status ?? 200, body: existing.response_body };
  });
}

/** Records the response; false when the claim was lost (taken over), and the caller must roll back. */
export async function completeIdempotencyKey(
  db: Q,
  claim: { owner: string; key: string; token: string },
  response: { status: number; body: unknown },
): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({ state: 'completed', response_status: response.status, response_body: JSON.stringify(response.body) })
    .where('owner', '=', claim.owner)
    .where('key', '=', claim.key)
    .where('claim_token', '=', claim.token)
    .where('state', '=', 'in_flight')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Gives a claim back when its request failed without writing, so the client may retry at once. */
export async function releaseIdempotencyKey(db: Q, claim: { owner: string; key: string; token: string }): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('owner', '=', claim.owner)
    .where('key', '=', claim.key)
    .where('claim_token', '=', claim.token)
    .where('state', '=', 'in_flight')
    .execute();
}

export async function purgeExpiredIdempotencyKeys(db: Q, now: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
