import type { Db } from './connect.js';
import type { Kysely } from 'kysely';
import type { Database } from './types.js';

type Q = Kysely<Database>;

export interface NewCreditor {
  name: string;
  country: string;
  defaultCurrency: string;
  timeZone: string;
  autoVerify?: boolean;
}

export async function insertCreditor(db: Q, creditor: NewCreditor, now: Date) {
  return db
    .insertInto('creditors')
    .values({
      name: creditor.name,
      country: creditor.country,
      default_currency: creditor.defaultCurrency,
      time_zone: creditor.timeZone,
      auto_verify: creditor.autoVerify ?? false,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getCreditor(db: Q, id: string) {
  return db.selectFrom('creditors').selectAll().where('id', '=', id).executeTakeFirst();
}

/** What the admin routes show of a key: never its hash. */
const API_KEY_COLUMNS = ['id', 'creditor_id', 'name', 'lookup_prefix', 'created_at', 'revoked_at', 'last_used_at', 'scopes', 'expires_at'] as const;

export async function insertApiKey(
  db: Q,
  key: { creditorId: string; name: string; lookupPrefix: string; secretHash: Buffer; scopes?: string[] | undefined; expiresAt?: Date | null | undefined },
  now: Date,
) {
  return db
    .insertInto('api_keys')
    .values({
      creditor_id: key.creditorId,
      name: key.name,
      lookup_prefix: key.lookupPrefix,
      secret_hash: key.secretHash,
      created_at: now,
      ...(key.scopes !== undefined && { scopes: key.scopes }),
      expires_at: key.expiresAt ?? null,
    })
    .returning(API_KEY_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** The key with its creditor's settings, which every authenticated request needs. */
export async function findApiKeyByPrefix(db: Q, lookupPrefix: string) {
  return db
    .selectFrom('api_keys')
    .innerJoin('creditors', 'creditors.id', 'api_keys.creditor_id')
    .select([
      'api_keys.id',
      'api_keys.creditor_id',
      'api_keys.secret_hash',
      'api_keys.revoked_at',
      'api_keys.scopes',
      'api_keys.expires_at',
      'creditors.country',
      'creditors.default_currency',
      'creditors.time_zone',
      'creditors.auto_verify',
      'creditors.late_interest',
      'creditors.payment_reference_kind',
    ])
    .where('api_keys.lookup_prefix', '=', lookupPrefix)
    .executeTakeFirst();
}

/** Revokes a key; revoking twice keeps the first revocation time. */
export async function revokeApiKey(db: Q, id: string, now: Date) {
  return db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
    .where('id', '=', id)
    .returning(API_KEY_COLUMNS)
    .executeTakeFirst();
}

/**
 * Records a key's use. Throttled to once a minute per key so a busy integration does not turn
 * every read into a write.
 */
export async function touchApiKey(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - 60_000))]))
    .execute();
}

export async function listApiKeys(db: Q, creditorId: string) {
  return db
    .selectFrom('api_keys')
    .select(API_KEY_COLUMNS)
    .where('creditor_id', '=', creditorId)
    .orderBy('created_at')
    .execute();
}

export async function updateCreditor(db: Q, id: string, changes: { name?: string | undefined; autoVerify?: boolean | undefined }, now: Date) {
  return db
    .updateTable('creditors')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.autoVerify !== undefined && { auto_verify: changes.autoVerify }),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
