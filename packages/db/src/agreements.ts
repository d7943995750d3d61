import type { Kysely } from 'kysely';
import type { Database } from './types.js';

type Q = Kysely<Database>;

export interface DueCheck {
  kind: 'instalment' | 'follow_up';
  id: string;
  at: Date;
}

/** Instalment checks and follow-ups of agreements being kept that fall due by `until`, earliest first. */
export async function listDueChecks(db: Q, until: Date, limit: number): Promise<DueCheck[]> {
  const [checks, followUps] = await Promise.all([
    db.selectFrom('agreement_instalments').select(['id', 'check_at']).where('status', '=', 'pending').where('check_at', '<=', until).orderBy('check_at').limit(limit).execute(),
    db
      .selectFrom('agreements')
      .select(['id', 'follow_up_at'])
      .where('status', '=', 'active')
      .where('follow_up_task_id', 'is', null)
      .where('follow_up_at', '<=', until)
      .orderBy('follow_up_at')
      .limit(limit)
      .execute(),
  ]);
  return [
    ...checks.map((c) => ({ kind: 'instalment' as const, id: c.id, at: c.check_at })),
    ...followUps.map((f) => ({ kind: 'follow_up' as const, id: f.id, at: f.follow_up_at })),
  ];
}

export async function listInstalments(db: Q, creditorId: string, agreementIds: readonly string[]) {
  if (agreementIds.length === 0) return [];
  return db.selectFrom('agreement_instalments').selectAll().where('creditor_id', '=', creditorId).where('agreement_id', 'in', agreementIds).orderBy('agreement_id').orderBy('seq').execute();
}
