import { sql, type Kysely } from 'kysely';
import type { Database } from './types.js';

type Q = Kysely<Database>;

/**
 * The next base for a payment reference: a number no other case was given, from the
 * `payment_reference_seq` sequence (starting at 1000, so every base has at least the three digits
 * a Finnish reference needs). A sequence value is never handed out twice, even when the
 * transaction that drew it rolls back; the gap this leaves is harmless.
 */
export async function nextReferenceBase(db: Q): Promise<string> {
  const { rows } = await sql<{ base: string }>`SELECT nextval('payment_reference_seq')::text AS base`.execute(db);
  return rows[0]!.base;
}

/** The creditor's case holding this payment reference (electronic form), if any. */
export async function findCaseByPaymentReference(db: Q, creditorId: string, reference: string) {
  return db
    .selectFrom('cases')
    .select(['id', 'payment_reference'])
    .where('creditor_id', '=', creditorId)
    .where('payment_reference', '=', reference)
    .executeTakeFirst();
}

/** The kind of reference the creditor chose (null: its country's usual one) and its country. */
export async function getReferenceSetting(db: Q, creditorId: string) {
  return db.selectFrom('creditors').select(['country', 'payment_reference_kind']).where('id', '=', creditorId).executeTakeFirst();
}
