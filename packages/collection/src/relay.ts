import { sql, type Kysely } from 'kysely';
import type { Database } from '@fordra/db';
import type { Clock } from '@fordra/domain';

export interface RelayPass {
  /** Outbox rows published (numbered for the feed). */
  published: number;
  /** Webhook deliveries created for them. */
  deliveries: number;
}

/**
 * Publishes a batch of outbox rows: numbers them for the feed and creates a delivery for each
 * enabled endpoint that wants the event, in one transaction. The transaction holds the single
 * counter row from the start, so relays run one batch at a time and numbers become visible in
 * increasing order: the feed never passes a number that commits later, and the events of a case
 * keep their order. Rows are claimed with SKIP LOCKED, never by a "last seen" id, so a row that
 * commits late is simply taken by the next pass.
 */
export async function relayOutbox(db: Kysely<Database>, clock: Clock, batch: number): Promise<RelayPass> {
  return db.transaction().execute(async (trx) => {
    const counter = await trx.selectFrom('outbox_position').select('last').forUpdate().executeTakeFirstOrThrow();
    const rows = await trx
      .selectFrom('outbox')
      .select(['id', 'seq', 'creditor_id', 'case_id', 'type', 'data'])
      .where('published_at', 'is', null)
      .orderBy('seq')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) return { published: 0, deliveries: 0 };
    const now = clock.now();
    const first = BigInt(counter.last) + 1n;
    const numbered = rows.map((r, i) => ({ ...r, position: first + BigInt(i) }));
    const values = sql.join(numbered.map((r) => sql`(${r.id}::uuid, ${r.position}::bigint)`));
    await sql`UPDATE outbox o SET published_at = ${now}, position = v.position FROM (VALUES ${values}) AS v(id, position) WHERE o.id = v.id`.execute(trx);
    await trx.updateTable('outbox_position').set({ last: first + BigInt(rows.length) - 1n }).execute();

    const creditorIds = [...new Set(rows.map((r) => r.creditor_id))];
    const endpoints = await trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'creditor_id', 'event_types'])
      .where('creditor_id', 'in', creditorIds)
      .where('enabled', '=', true)
      .execute();
    const deliveries = numbered.flatMap((r) =>
      endpoints
        .filter((e) => e.creditor_id === r.creditor_id && wants(e, r.type, r.data))
        .map((e) => ({
          creditor_id: r.creditor_id,
          endpoint_id: e.id,
          outbox_id: r.id,
          position: r.position,
          case_id: r.case_id,
          status: 'pending' as const,
          next_attempt_at: now,
          created_at: now,
        })),
    );
    if (deliveries.length) await trx.insertInto('webhook_deliveries').values(deliveries).onConflict((oc) => oc.columns(['endpoint_id', 'outbox_id']).doNothing()).execute();
    return { published: rows.length, deliveries: deliveries.length };
  });
}

/** A test event goes only to the endpoint it names; others go where their type is wanted. */
function wants(endpoint: { id: string; event_types: string[] }, type: string, data: unknown): boolean {
  if (type === 'webhook.test') return (data as { endpointId?: string }).endpointId === endpoint.id;
  return endpoint.event_types.length === 0 || endpoint.event_types.includes(type);
}
