import type { Kysely } from 'kysely';
import type { Database } from './types.js';

/** Fees charged on the given cases, oldest first. */
export async function listChargesOfCases(db: Kysely<Database>, creditorId: string, caseIds: readonly string[]) {
  if (caseIds.length === 0) return [];
  return db.selectFrom('case_charges').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', caseIds).orderBy('created_at').execute();
}
