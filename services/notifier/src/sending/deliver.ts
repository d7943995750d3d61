import type { Kysely } from 'kysely';
import { activity, notifications, outbox, type Database, type NotificationRow } from '@fordra/db';
import { event, SYSTEM_ACTOR, type Clock } from '@fordra/domain';
import { recipientFor, type LinkSettings } from '@fordra/collection';
import type { Mailer, SendResult } from '../email/mailer.js';
import type { LetterProvider } from '../letters/provider.js';
import { invoiceDocuments, RenderError, renderNotification } from './render.js';
import { notificationOutcomes } from '../metrics.js';

export interface DeliveryDeps {
  db: Kysely<Database>;
  clock: Clock;
  mailer: Mailer;
  letters: LetterProvider;
  mailFrom: string;
  maxAttempts: number;
  /** For the confirmation links in agreement follow-ups. */
  links: LinkSettings;
}

export type Delivery =
  | { state: 'sent' | 'failed' | 'cancelled' | 'not_queued'; fallbackId?: string | null }
  | { state: 'retry'; detail: string };

type Recipient = { name: string; email?: string | null; line1?: string | null; line2?: string | null; postalCode?: string | null; city?: string | null; country?: string | null };

/**
 * Sends one queued notification, once. Rendering is a separate, earlier step. The send happens
 * while the row is locked, and its result is committed with the row: a second notifier skips the
 * row while it is locked and finds it sent afterwards. The one window left is a crash after the
 * provider accepted the message and before the commit: the message is then sent again, with the
 * same Message-ID (or letter idempotency key) so that the receiving side can recognise it.
 */
export async function deliver(deps: DeliveryDeps, notificationId: string, onCase?: (caseId: string) => void): Promise<Delivery> {
  const { db, clock } = deps;
  const queued = await db.selectFrom('notifications').selectAll().where('id', '=', notificationId).executeTakeFirst();
  if (queued) onCase?.(queued.case_id);
  if (!queued || queued.status !== 'queued') return { state: 'not_queued' };
  try {
    await renderNotification(db, clock, queued, deps.links);
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    return counted(queued.channel, await db.transaction().execute((trx) => fail(deps, trx, queued, `could not render: ${err.message}`, false)));
  }

  const delivery = await db.transaction().execute(async (trx): Promise<Delivery> => {
    const n = await trx.selectFrom('notifications').selectAll().where('id', '=', notificationId).where('status', '=', 'queued').forUpdate().skipLocked().executeTakeFirst();
    if (!n) return { state: 'not_queued' } as const;
    const caseRow = await trx.selectFrom('cases').select(['status']).where('id', '=', n.case_id).executeTakeFirstOrThrow();
    if (caseRow.status === 'closed') {
      await trx.updateTable('notifications').set({ status: 'cancelled', failure_reason: 'the case closed first', updated_at: clock.now() }).where('id', '=', n.id).execute();
      await record(trx, n, 'notification.cancelled', { notificationId: n.id, reason: 'the case closed before it was sent' }, clock.now());
      return { state: 'cancelled' } as const;
    }
    const result = await send(deps, trx, n);
    const now = clock.now();
    await trx.insertInto('notification_attempts').values({ notification_id: n.id, creditor_id: n.creditor_id, attempted_at: now, outcome: result.outcome, detail: result.detail }).execute();
    if (result.outcome === 'sent') {
      await trx
        .updateTable('notifications')
        .set({ status: 'sent', attempts: n.attempts + 1, provider: n.channel === 'email' ? deps.mailer.name : deps.letters.name, provider_message_id: result.providerMessageId, sent_at: now, updated_at: now })
        .where('id', '=', n.id)
        .execute();
      await record(trx, n, 'notification.sent', { notificationId: n.id, channel: n.channel, template: n.template }, now);
      const sentEvent =
        n.channel === 'email'
          ? event('reminder.sent', n.case_id, { caseId: n.case_id, notificationId: n.id, template: n.template, language: n.language })
          : event('letter.sent', n.case_id, { caseId: n.case_id, notificationId: n.id, template: n.template, language: n.language, pages: n.pages ?? 0 });
      await outbox.appendEvents(trx, n.creditor_id, [sentEvent], now);
      return { state: 'sent' } as const;
    }
    const attempts = n.attempts + 1;
    if (result.outcome === 'temporary_failure' && attempts < deps.maxAttempts) {
      await trx.updateTable('notifications').set({ attempts, failure_reason: result.detail, updated_at: now }).where('id', '=', n.id).execute();
      return { state: 'retry', detail: result.detail } as const;
    }
    const reason = result.outcome === 'temporary_failure' ? `gave up after ${attempts} attempts: ${result.detail}` : result.detail;
    return fail(deps, trx, { ...n, attempts }, reason, true);
  });
  return counted(queued.channel, delivery);
}

/** Counts a committed outcome for the metrics (`fordra_notifications_total`). */
function counted(channel: string, delivery: Delivery): Delivery {
  if (delivery.state !== 'not_queued') notificationOutcomes.inc({ channel, outcome: delivery.state });
  return delivery;
}

async function send(deps: DeliveryDeps, db: Kysely<Database>, n: NotificationRow): Promise<SendResult> {
  const recipient = n.recipient as Recipient;
  if (n.channel === 'letter') {
    if (!n.pdf) return { outcome: 'permanent_failure', detail: 'the letter was not rendered' };
    const addressLines = [recipient.line1, recipient.line2, [recipient.postalCode, recipient.city].filter(Boolean).join(' ')].filter((l): l is string => Boolean(l));
    return deps.letters.send({ idempotencyKey: n.idempotency_key, pdf: n.pdf, pages: n.pages ?? 1, recipient: { name: recipient.name, addressLines }, mailClass: 'first_class' });
  }
  if (!recipient.email) return { outcome: 'permanent_failure', detail: 'the debtor has no email address' };
  const creditor = await db.selectFrom('creditors').select(['name', 'sender_name', 'reply_to', 'contact_email']).where('id', '=', n.creditor_id).executeTakeFirstOrThrow();
  const domain = deps.mailFrom.split('@')[1] ?? 'fordra.invalid';
  const documents = n.attach_invoice ? await invoiceDocuments(db, n.creditor_id, n.case_id) : [];
  return deps.mailer.send({
    messageId: `<notification-${n.id}@${domain}>`,
    from: { name: creditor.sender_name ?? creditor.name, address: deps.mailFrom },
    replyTo: creditor.reply_to ?? creditor.contact_email,
    to: { name: recipient.name, address: recipient.email },
    subject: n.subject ?? '',
    text: n.body_text ?? '',
    html: n.body_html ?? '',
    headers: { 'X-Fordra-Case-Id': n.case_id, 'X-Fordra-Notification-Id': n.id },
    attachments: documents.map((d) => ({ filename: `invoice-${d.number.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf`, content: d.content, contentType: 'application/pdf' })),
  });
}

/** Marks the notification failed for good, tells the case and integrators, and tries the fallback channel. */
async function fail(deps: DeliveryDeps, db: Kysely<Database>, n: NotificationRow, reason: string, attempted: boolean): Promise<Delivery> {
  const now = deps.clock.now();
  await db.updateTable('notifications').set({ status: 'failed', failure_reason: reason, updated_at: now, ...(attempted ? { attempts: n.attempts } : {}) }).where('id', '=', n.id).execute();
  const fallbackId = await fallback(db, n, now);
  await record(db, n, 'notification.failed', { notificationId: n.id, channel: n.channel, reason, fallbackNotificationId: fallbackId }, now);
  await outbox.appendEvents(
    db,
    n.creditor_id,
    [event('notification.failed', n.case_id, { caseId: n.case_id, notificationId: n.id, channel: n.channel, reason, fallbackNotificationId: fallbackId })],
    now,
  );
  return { state: 'failed', fallbackId };
}

async function fallback(db: Kysely<Database>, n: NotificationRow, now: Date): Promise<string | null> {
  if (!n.fallback_channel) return null;
  const caseRow = await db.selectFrom('cases').select('debtor_id').where('id', '=', n.case_id).executeTakeFirstOrThrow();
  const d = await db.selectFrom('debtors').selectAll().where('id', '=', caseRow.debtor_id).executeTakeFirstOrThrow();
  const recipient = recipientFor(d, n.fallback_channel);
  if (!recipient) return null;
  return notifications.queueNotification(db, {
    creditor_id: n.creditor_id,
    case_id: n.case_id,
    deadline_id: n.deadline_id,
    idempotency_key: `${n.idempotency_key}-fallback`,
    channel: n.fallback_channel,
    template: n.template,
    language: n.language,
    recipient: JSON.stringify(recipient),
    attach_invoice: n.attach_invoice,
    fallback_of: n.id,
    status: 'queued',
    created_at: now,
    updated_at: now,
  });
}

async function record(db: Kysely<Database>, n: NotificationRow, type: string, data: Record<string, unknown>, now: Date) {
  await activity.appendActivity(db, [{ creditorId: n.creditor_id, caseId: n.case_id, type, actor: SYSTEM_ACTOR, data }], now);
}
