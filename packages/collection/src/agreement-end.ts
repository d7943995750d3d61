import type { Kysely } from 'kysely';
import type { Database } from '@fordra/db';

/** Ends the agreement being kept on a case, with its instalments still to come. */
export async function endActiveAgreement(db: Kysely<Database>, caseId: string, status: 'kept' | 'broken' | 'cancelled', reason: string, now: Date): Promise<string | null> {
  const ended = await db
    .updateTable('agreements')
    .set({ status, ended_at: now, end_reason: reason })
    .where('case_id', '=', caseId)
    .where('status', '=', 'active')
    .returning('id')
    .executeTakeFirst();
  if (!ended) return null;
  await db.updateTable('agreement_instalments').set({ status: 'cancelled', checked_at: now }).where('agreement_id', '=', ended.id).where('status', '=', 'pending').execute();
  return ended.id;
}

