import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { runDueStep } from '@fordra/collection';
import { deadlines } from '@fordra/db';
import { openTestCase, pollUntil, verifyTestCase } from '@fordra/testkit';
import { extractText } from '../test/pdf-text.js';
import { useRunningNotifier } from '../test/running-notifier.js';

const notifier = useRunningNotifier({ start: '2026-10-29T12:00:00Z', maxAttempts: 50 });
const { database, clock, smtp } = notifier;
const db = () => database.db;

async function invoicePdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(text, { x: 50, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

/** A verified case whose step `index` has just run: its notification is queued for the notifier. */
async function queuedStep(index: number, debtor?: Parameters<typeof openTestCase>[1]['debtor']) {
  clock.set('2026-10-29T12:00:00Z');
  const { creditor, caseId } = await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30', debtor });
  const invoice = await db().selectFrom('invoices').select(['id']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  const pdf = await invoicePdf('FAKTURA F-1 original');
  await db()
    .insertInto('invoice_documents')
    .values({ invoice_id: invoice.id, creditor_id: creditor.id, content: pdf, size_bytes: pdf.length, sha256: 'test', filename: null, uploaded_at: clock.now() })
    .execute();
  const planned = await verifyTestCase(db(), creditor.id, caseId, clock.now());
  // Earlier steps are marked done so that the step under test may run.
  for (const d of planned.slice(0, index)) await deadlines.finishDeadline(db(), d.id, 'done', {}, clock.now());
  clock.set(planned[index]!.due_at);
  const run = await runDueStep(db(), clock, planned[index]!.id);
  expect(run.notificationIds).toHaveLength(1);
  return { creditor, caseId, notificationId: run.notificationIds[0]!, pdf };
}

const notification = (id: string) => db().selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const settled = (id: string) =>
  pollUntil(async () => {
    const n = await notification(id);
    return n.status === 'queued' ? undefined : n;
  }, { what: `notification ${id} to be handled`, timeoutMs: 20_000 });

describe('email reminders', () => {
  it('sends the friendly reminder over SMTP in the debtor’s language, with the invoice attached, once', async () => {
    const { caseId, notificationId, pdf } = await queuedStep(0);
    const sent = await settled(notificationId);
    expect(sent).toMatchObject({ status: 'sent', channel: 'email', attempts: 1, provider: 'smtp' });
    const mail = smtp.received.find((m) => m.messageId === `<notification-${notificationId}@acme.example>`);
    expect(mail).toBeDefined();
    expect(mail!.to).toMatchObject({ value: [{ address: 'ap@kund.example' }] });
    expect(mail!.from?.value[0]).toMatchObject({ address: 'reminders@acme.example', name: 'Acme AB' });
    expect(mail!.headers.get('x-fordra-case-id')).toBe(caseId);
    expect(mail!.text).toContain('F-1');
    expect(mail!.text).toContain('30 oktober 2026');
    expect(mail!.html).toContain('F-1');
    expect(mail!.attachments.map((a) => [a.filename, a.contentType])).toEqual([['invoice-F-1.pdf', 'application/pdf']]);
    expect(Buffer.compare(mail!.attachments[0]!.content, pdf)).toBe(0);
    const events = await db().selectFrom('outbox').select('type').where('case_id', '=', caseId).where('type', '=', 'reminder.sent').execute();
    expect(events).toHaveLength(1);
    const attempts = await db().selectFrom('notification_attempts').select('outcome').where('notification_id', '=', notificationId).execute();
    expect(attempts).toEqual([{ outcome: 'sent' }]);
  });

  it('turns an email the server refuses for good into a letter', async () => {
    const { caseId, notificationId } = await queuedStep(0, { email: 'bounce@kund.example' });
    const failed = await settled(notificationId);
    expect(failed.status).toBe('failed');
    expect(failed.failure_reason).toMatch(/mailbox unavailable/);
    const letter = await pollUntil(async () => {
      const row = await db().selectFrom('notifications').selectAll().where('fallback_of', '=', notificationId).executeTakeFirst();
      return row?.status === 'sent' ? row : undefined;
    }, { what: 'the fallback letter', timeoutMs: 20_000 });
    expect(letter.channel).toBe('letter');
    const event = await db().selectFrom('outbox').select('data').where('case_id', '=', caseId).where('type', '=', 'notification.failed').executeTakeFirstOrThrow();
    expect(event.data).toMatchObject({ notificationId, channel: 'email', fallbackNotificationId: letter.id });
  });

  it('waits out an SMTP outage and then sends each reminder once', async () => {
    await smtp.stop();
    const queued = [await queuedStep(0), await queuedStep(0), await queuedStep(0)];
    await pollUntil(async () => {
      const rows = await Promise.all(queued.map((q) => notification(q.notificationId)));
      return rows.every((r) => r.attempts >= 2) ? true : undefined;
    }, { what: 'several failed attempts during the outage', timeoutMs: 20_000 });
    await smtp.start();
    for (const q of queued) expect((await settled(q.notificationId)).status).toBe('sent');
    for (const q of queued) {
      expect(smtp.received.filter((m) => m.messageId === `<notification-${q.notificationId}@acme.example>`)).toHaveLength(1);
      const attempts = await db().selectFrom('notification_attempts').select('outcome').where('notification_id', '=', q.notificationId).orderBy('id').execute();
      expect(attempts.at(-1)).toEqual({ outcome: 'sent' });
      expect(attempts.slice(0, -1).every((a) => a.outcome === 'temporary_failure')).toBe(true);
    }
  });

  it('does not send a reminder for a case that closed while it waited', async () => {
    const { creditor, caseId, notificationId } = await queuedStep(0);
    await db().updateTable('cases').set({ status: 'closed', close_reason: 'paid', closed_at: clock.now() }).where('id', '=', caseId).where('creditor_id', '=', creditor.id).execute();
    // The notifier may already have sent it before the case closed; if not, it must cancel it.
    const n = await settled(notificationId);
    expect(['sent', 'cancelled']).toContain(n.status);
    if (n.status === 'cancelled') expect(smtp.received.some((m) => m.messageId === `<notification-${notificationId}@acme.example>`)).toBe(false);
  });
});

describe('letters', () => {
  it('drops a PDF letter in the debtor’s language with the invoice appended, and its manifest', async () => {
    const { notificationId } = await queuedStep(1, { name: 'Äänekosken Kauppa Oy', preferredLanguage: 'fi' });
    const sent = await settled(notificationId);
    expect(sent).toMatchObject({ status: 'sent', channel: 'letter', provider: 'letter-folder' });
    const manifest = JSON.parse(await readFile(join(notifier.letterDir, `${sent.idempotency_key}.json`), 'utf8'));
    expect(manifest).toMatchObject({ idempotencyKey: sent.idempotency_key, recipient: { name: 'Äänekosken Kauppa Oy' }, mailClass: 'first_class' });
    const pdf = await readFile(join(notifier.letterDir, `${sent.idempotency_key}.pdf`));
    const pages = await extractText(pdf);
    expect(pages.length).toBe(manifest.pages);
    expect(pages[0]).toContain('Äänekosken Kauppa Oy');
    expect(pages[0]).toContain('F-1');
    expect(pages.at(-1)).toContain('FAKTURA F-1 original');
    expect(Buffer.compare(pdf, sent.pdf!)).toBe(0);
  });
});
