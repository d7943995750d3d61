import { sql, type Kysely } from 'kysely';
import type { Database, WebhookDeliveryRow } from '@fordra/db';

/**
 * Takes due deliveries for a while (a lease), in a short transaction: the HTTP call happens
 * outside any transaction, and a sender that dies mid-call lets its lease run out. Only the head
 * of each case's queue for an endpoint is taken (the earliest pending event of that case), so each
 * endpoint gets a case's events in order.
 *
 * The head is found for a bounded list of candidates with one grouped query, not with a correlated
 * anti join per row: when the planner has seen few pending rows (after a quiet spell) it runs such
 * a join as a nested loop over every pending row, which is quadratic in a burst. A failed delivery
 * moves its case's later deliveries back with it (see deliver.ts), so the candidates, taken in
 * due order, are mostly heads and a waiting case does not crowd out the others.
 */
export async function claimDue(db: Kysely<Database>, now: Date, limit: number, leaseMs: number): Promise<WebhookDeliveryRow[]> {
  return db.transaction().execute(async (trx) => {
    const candidates = (
      await sql<{ id: string; endpoint_id: string; case_id: string | null; position: string }>`
        SELECT d.id, d.endpoint_id, d.case_id, d.position FROM webhook_deliveries d
        JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled
        WHERE d.status = 'pending' AND d.next_attempt_at <= ${now}
          AND (d.leased_until IS NULL OR d.leased_until < ${now})
        ORDER BY d.next_attempt_at, d.position
        LIMIT ${limit * 4}`.execute(trx)
    ).rows;
    if (candidates.length === 0) return [];
    const withCase = candidates.filter((c) => c.case_id !== null);
    const heads = new Set<string>();
    if (withCase.length) {
      const pairs = sql.join(withCase.map((c) => sql`(${c.endpoint_id}::uuid, ${c.case_id}::uuid)`));
      const firsts = await sql<{ endpoint_id: string; case_id: string; first: string }>`
        SELECT p.endpoint_id, p.case_id, min(p.position)::text AS first FROM webhook_deliveries p
        WHERE p.status = 'pending' AND (p.endpoint_id, p.case_id) IN (${pairs})
        GROUP BY p.endpoint_id, p.case_id`.execute(trx);
      for (const f of firsts.rows) heads.add(`${f.endpoint_id}/${f.case_id}/${f.first}`);
    }
    const chosen = candidates
      .filter((c) => c.case_id === null || heads.has(`${c.endpoint_id}/${c.case_id}/${String(c.position)}`))
      .slice(0, limit)
      .map((c) => c.id);
    if (chosen.length === 0) return [];
    const due = await trx
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', 'in', chosen)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]))
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    await trx.updateTable('webhook_deliveries').set({ leased_until: new Date(now.getTime() + leaseMs) }).where('id', 'in', due.map((d) => d.id)).execute();
    return due;
  });
}
