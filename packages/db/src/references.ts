import { CompiledQuery, type Kysely } from 'kysely';
import { compiledOnce } from './compiled-once.js';
import { run, type Statement } from './statements.js';
import type { Database } from './types.js';

type Q = Kysely<Database>;

/**
 * The next base for a payment reference: a number no other case was given, from the
 * `payment_reference_seq` sequence (starting at 1000, so every base has at least the three digits
 * a Finnish reference needs). A sequence value is never handed out twice, even when the
 * transaction that drew it rolls back; the gap this leaves is harmless.
 */
export async function nextReferenceBase(db: Q): Promise<string> {
  return run(db, nextBaseDraw);
}

export const nextBaseDraw: Statement<string> = {
  query: CompiledQuery.raw(`SELECT nextval('payment_reference_seq')::text AS base`),
  read: (r) => (r.rows[0] as { base: string }).base,
};

// Both run on every case opened: compiled once (see compiledOnce).
const caseByReference = compiledOnce(['creditorId', 'reference'], (db, parameter) =>
  db.selectFrom('cases').select(['id', 'payment_reference']).where('creditor_id', '=', parameter('creditorId')).where('payment_reference', '=', parameter('reference')),
);
const referenceSetting = compiledOnce(['creditorId'], (db, parameter) => db.selectFrom('creditors').select(['country', 'payment_reference_kind']).where('id', '=', parameter('creditorId')));

/** The creditor's case holding this payment reference (electronic form), if any. */
export function paymentReferenceHolder(db: Q, creditorId: string, reference: string): Statement<{ id: string; payment_reference: string | null } | undefined> {
  return { query: caseByReference(db, { creditorId, reference }), read: (r) => r.rows[0] };
}

export async function findCaseByPaymentReference(db: Q, creditorId: string, reference: string) {
  return run(db, paymentReferenceHolder(db, creditorId, reference));
}

/** The kind of reference the creditor chose (null: its country's usual one) and its country. */
export async function getReferenceSetting(db: Q, creditorId: string) {
  return (await db.executeQuery(referenceSetting(db, { creditorId }))).rows[0];
}
