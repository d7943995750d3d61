import type { Kysely } from 'kysely';
import { outbox, type Database, type WebhookEndpointRow } from '@fordra/db';
import { event, WEBHOOK_DISABLE_AFTER_MS } from '@fordra/domain';

/**
 * After a failed try: an endpoint that answers 410 Gone is disabled at once, one that has not
 * succeeded for days is disabled too, and the creditor learns of it by an event. Returns the
 * reason when the endpoint was disabled now.
 */
export async function afterFailure(db: Kysely<Database>, endpoint: WebhookEndpointRow, statusCode: number | null, now: Date): Promise<string | null> {
  const failingSince = endpoint.failing_since ?? now;
  let reason: string | null = null;
  if (statusCode === 410) reason = 'the endpoint answered 410 Gone';
  else if (now.getTime() - failingSince.getTime() >= WEBHOOK_DISABLE_AFTER_MS) reason = `no successful delivery since ${failingSince.toISOString()}`;
  if (!reason) {
    if (!endpoint.failing_since) await db.updateTable('webhook_endpoints').set({ failing_since: now }).where('id', '=', endpoint.id).where('failing_since', 'is', null).execute();
    return null;
  }
  const disabled = await db
    .updateTable('webhook_endpoints')
    .set({ enabled: false, disabled_reason: reason, disabled_at: now, failing_since: failingSince, updated_at: now })
    .where('id', '=', endpoint.id)
    .where('enabled', '=', true)
    .returning('id')
    .executeTakeFirst();
  if (!disabled) return null;
  await outbox.appendEvents(db, endpoint.creditor_id, [event('webhook_endpoint.disabled', null, { endpointId: endpoint.id, url: endpoint.url, reason })], now);
  return reason;
}
