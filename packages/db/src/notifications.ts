import type { Insertable, Kysely } from 'kysely';
import type { Database, NotificationsTable } from './types.js';

/**
 * Queues a message once: its idempotency key makes asking again (a retry, a second worker) a
 * no-op. Answers the new message's id, or null when it had been asked for before.
 */
export async function queueNotification(db: Kysely<Database>, values: Insertable<NotificationsTable>): Promise<string | null> {
  const inserted = await db
    .insertInto('notifications')
    .values(values)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}
