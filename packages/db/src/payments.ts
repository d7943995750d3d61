import type { Kysely } from 'kysely';
import type { Database } from './types.js';

type Q = Kysely<Database>;

/** The total paid on each of the given cases (cases without payments are absent). */
export async function paidByCase(db: Q, creditorId: string, caseIds: readonly string[]): Promise<Map<string, bigint>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('payments')
    .select(['case_id', (eb) => eb.fn.sum<string>('amount_minor').as('total')])
    .where('creditor_id', '=', creditorId)
    .where('case_id', 'in', caseIds)
    .groupBy('case_id')
    .execute();
  return new Map(rows.map((r) => [r.case_id, BigInt(r.total)]));
}

/** The payments of a case, in the order they were recorded. */
export async function listPayments(db: Q, creditorId: string, caseId: string) {
  return db.selectFrom('payments').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
}

/** What was paid on a case since an instant (an agreement's payments count from when it was made). */
export async function paidSince(db: Q, caseId: string, since: Date): Promise<bigint> {
  const row = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('amount_minor'), eb.val('0')).as('total'))
    .where('case_id', '=', caseId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return BigInt(row.total);
}
