import type { Kysely } from 'kysely';
import { agreementContext, buildMessageContext, letterRecipient, letterSender, type LinkSettings } from '@fordra/collection';
import type { Database, NotificationRow } from '@fordra/db';
import type { Clock, Language } from '@fordra/domain';
import { renderLetter } from '@fordra/letters';
import { renderMessage, TEMPLATE_KINDS, TemplateError, type TemplateKind } from '@fordra/templates';
import { letterLabels } from './letter-labels.js';

export class RenderError extends Error {}

/** The invoice PDFs a message carries, oldest due first. */
export async function invoiceDocuments(db: Kysely<Database>, creditorId: string, caseId: string) {
  return db
    .selectFrom('invoice_documents')
    .innerJoin('invoices', 'invoices.id', 'invoice_documents.invoice_id')
    .select(['invoices.number', 'invoice_documents.content'])
    .where('invoices.creditor_id', '=', creditorId)
    .where('invoices.case_id', '=', caseId)
    .orderBy('invoices.due_date')
    .execute();
}

async function hasInvoiceDocument(db: Kysely<Database>, creditorId: string, caseId: string): Promise<boolean> {
  const row = await db
    .selectFrom('invoice_documents')
    .innerJoin('invoices', 'invoices.id', 'invoice_documents.invoice_id')
    .select('invoices.id')
    .where('invoices.creditor_id', '=', creditorId)
    .where('invoices.case_id', '=', caseId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Renders a notification once and stores the result on its row, so that every try sends the
 * same words and the same PDF, and the case record shows exactly what went out.
 */
export async function renderNotification(db: Kysely<Database>, clock: Clock, n: NotificationRow, links: LinkSettings): Promise<void> {
  if (n.rendered_at) return;
  if (!(TEMPLATE_KINDS as readonly string[]).includes(n.template)) throw new RenderError(`no message template named ${n.template}`);
  const kind = n.template as TemplateKind;
  const language = n.language as Language;
  const context = await buildMessageContext(db, { creditorId: n.creditor_id, caseId: n.case_id, language, now: clock.now() });
  if (!context) throw new RenderError('the case or its debtor no longer exists');
  if (n.agreement_id) {
    const { payBy, ...parts } = await agreementContext(db, { creditorId: n.creditor_id, agreementId: n.agreement_id, language, links });
    Object.assign(context, parts);
    // The follow-up's last day to pay is the agreement's, not the policy's.
    if (kind === 'agreement_follow_up') context.payment.payBy = payBy;
  }
  const override = await db
    .selectFrom('creditor_templates')
    .select(['subject', 'body_text as text', 'body_html as html'])
    .where('creditor_id', '=', n.creditor_id)
    .where('kind', '=', kind)
    .where('language', '=', language)
    .executeTakeFirst();
  // Say the invoice is attached only when there is one to attach (the PDFs are read only for letters).
  const documents = n.attach_invoice && n.channel === 'letter' ? await invoiceDocuments(db, n.creditor_id, n.case_id) : [];
  const attachable = n.channel === 'letter' ? documents.length > 0 : n.attach_invoice && (await hasInvoiceDocument(db, n.creditor_id, n.case_id));
  let message;
  try {
    message = await renderMessage(kind, { ...context, channel: n.channel, invoiceAttached: attachable }, override);
  } catch (err) {
    // A creditor's template that fails fails the same way on every try: give up at once.
    if (err instanceof TemplateError) throw new RenderError(err.message);
    throw err;
  }

  let pdf: Uint8Array | null = null;
  let pages: number | null = null;
  if (n.channel === 'letter') {
    const creditor = await db.selectFrom('creditors').selectAll().where('id', '=', n.creditor_id).executeTakeFirstOrThrow();
    const recipient = n.recipient as { name: string; line1: string | null; line2: string | null; postalCode: string | null; city: string | null; country: string | null };
    const attachments = documents.map((d) => new Uint8Array(d.content));
    const labels = letterLabels(language);
    const letter = await renderLetter(
      {
        language,
        sender: letterSender(creditor),
        recipient: letterRecipient(recipient, creditor.country),
        date: labels.formatDay(context.today),
        reference: context.caseReference,
        subject: message.subject,
        body: message.text,
        payment: labels.paymentRows(context),
      },
      attachments,
    );
    pdf = letter.pdf;
    pages = letter.pages;
  }
  await db
    .updateTable('notifications')
    .set({
      subject: message.subject,
      body_text: message.text,
      body_html: message.html,
      pdf: pdf ? Buffer.from(pdf) : null,
      pages,
      rendered_at: clock.now(),
      updated_at: clock.now(),
    })
    .where('id', '=', n.id)
    .where('rendered_at', 'is', null)
    .execute();
}
