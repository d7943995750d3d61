import type { Kysely } from 'kysely';
import type { Database } from '@fordra/db';
import type { Logger } from '@fordra/runtime';
import type { Mailer } from '../email/mailer.js';

/**
 * The creditor learns that its endpoint was disabled by email too (besides the event), since a
 * broken integration may be exactly why it sees no events. Best effort: the event is the record.
 */
export async function tellCreditor(deps: { db: Kysely<Database>; mailer: Mailer; mailFrom: string; logger: Logger }, endpointId: string, reason: string): Promise<void> {
  const row = await deps.db
    .selectFrom('webhook_endpoints')
    .innerJoin('creditors', 'creditors.id', 'webhook_endpoints.creditor_id')
    .select(['webhook_endpoints.url', 'webhook_endpoints.disabled_at', 'creditors.name', 'creditors.contact_email'])
    .where('webhook_endpoints.id', '=', endpointId)
    .executeTakeFirst();
  if (!row?.contact_email) {
    deps.logger.warn({ endpointId }, 'the creditor has no contact email to tell of the disabled endpoint');
    return;
  }
  const text = [
    `Hello ${row.name},`,
    `Fordra has stopped sending events to your webhook endpoint ${row.url}: ${reason}.`,
    'Events keep being recorded and can be read from GET /v1/events. Once the endpoint works again, enable it (PATCH /v1/webhook-endpoints/{id} with enabled: true) and the waiting events are delivered; earlier ones can be sent again with POST /v1/webhook-endpoints/{id}/replay.',
  ].join('\n\n');
  const result = await deps.mailer.send({
    messageId: `<endpoint-disabled-${endpointId}-${row.disabled_at?.getTime() ?? 0}@${deps.mailFrom.split('@')[1] ?? 'fordra.invalid'}>`,
    from: { name: 'Fordra', address: deps.mailFrom },
    replyTo: null,
    to: { name: row.name, address: row.contact_email },
    subject: `Webhook endpoint disabled: ${row.url}`,
    text,
    html: `<p>${text.split('\n\n').map(escape).join('</p><p>')}</p>`,
    headers: { 'X-Fordra-Webhook-Endpoint-Id': endpointId },
    attachments: [],
  });
  if (result.outcome !== 'sent') deps.logger.warn({ endpointId, detail: result.detail }, 'could not email the creditor about the disabled endpoint');
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
