import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyCaseAction } from '@fordra/collection';
import { cases } from '@fordra/db';
import { SYSTEM_ACTOR } from '@fordra/domain';
import { enqueueHandovers } from '@fordra/jobs';
import { actOnTestCase, openTestCase, pollUntil, verifyTestCase } from '@fordra/testkit';
import { useHandoverDelivery } from './test-harness.js';

const delivery = useHandoverDelivery({ start: '2026-11-20T09:00:00Z', maxAttempts: 3 });
const { database, clock, agency } = delivery;
const db = () => database.db;

const INVOICE_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

/**
 * A case with a history worth handing over (a resolved dispute, a reminder, a fee, a call, a
 * part payment), escalated: its hand-over is pending. `connector` configures the creditor's agency.
 */
async function escalatedCase(options: { connector?: 'ok' | 'flaky' | 'bad' | 'down'; enqueue?: boolean; closeFirst?: boolean } = {}) {
  const now = clock.now();
  const { creditor, debtor, caseId } = await openTestCase(db(), { now, dueDate: '2026-10-30' });
  const invoice = await db().selectFrom('invoices').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
  await db().insertInto('invoice_documents').values({ invoice_id: invoice.id, creditor_id: creditor.id, content: INVOICE_PDF, size_bytes: INVOICE_PDF.length, sha256: 'test', filename: null, uploaded_at: now }).execute();
  await actOnTestCase(db(), creditor.id, caseId, 'dispute', now);
  await actOnTestCase(db(), creditor.id, caseId, 'resolve_dispute', now);
  await verifyTestCase(db(), creditor.id, caseId, now);
  const [notification] = await db()
    .insertInto('notifications')
    .values({ creditor_id: creditor.id, case_id: caseId, idempotency_key: `reminder-${caseId}`, channel: 'email', template: 'friendly_reminder', language: 'sv', recipient: '{}', status: 'sent', sent_at: now, created_at: now, updated_at: now })
    .returning('id')
    .execute();
  await db().insertInto('notification_attempts').values({ notification_id: notification!.id, creditor_id: creditor.id, attempted_at: now, outcome: 'sent', detail: '250 OK' }).execute();
  await db().insertInto('case_charges').values({ creditor_id: creditor.id, case_id: caseId, kind: 'reminder_fee', amount_minor: 6000n, currency: 'SEK', created_at: now }).execute();
  await db()
    .insertInto('contacts')
    .values({ creditor_id: creditor.id, case_id: caseId, channel: 'phone', direction: 'outbound', reached: 'debtor', outcome: 'refused_to_pay', occurred_at: now, actor_kind: 'system', created_at: now })
    .execute();
  await db()
    .insertInto('payments')
    .values({ creditor_id: creditor.id, case_id: caseId, amount_minor: 25_000n, currency: 'SEK', paid_on: '2026-11-15', method: 'bank_transfer', payer_reference: 'OCR 123', source: 'api', actor_kind: 'system', created_at: now })
    .execute();
  if (options.connector) {
    await db()
      .insertInto('agency_connectors')
      .values({ creditor_id: creditor.id, kind: 'http', agency_name: 'Inkasso AB', url: agency.url(options.connector), auth_header: 'Bearer agency-secret', updated_at: now })
      .execute();
  }
  const handoverId = await db().transaction().execute(async (trx) => {
    const row = await cases.getCaseForUpdate(trx, creditor.id, caseId);
    const escalated = await applyCaseAction(trx, row!, 'escalate', { note: 'final demand unanswered' }, SYSTEM_ACTOR, now);
    if (options.closeFirst) await applyCaseAction(trx, escalated.row, 'write_off', { note: 'debtor bankrupt' }, SYSTEM_ACTOR, now);
    return escalated.handoverId!;
  });
  if (options.enqueue !== false) await enqueueHandovers(delivery.queue, [handoverId]);
  return { creditor, debtor, caseId, invoice, handoverId };
}

const handled = (id: string) =>
  pollUntil(
    async () => {
      const h = await db().selectFrom('handovers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return h.status === 'pending' ? undefined : h;
    },
    { what: `hand-over ${id} to be handled`, timeoutMs: 20_000 },
  );
const activityOf = (caseId: string, type: string) => db().selectFrom('case_activity').select('data').where('case_id', '=', caseId).where('type', '=', type).execute();
const eventsOf = (caseId: string, type: string) => db().selectFrom('outbox').select('data').where('case_id', '=', caseId).where('type', '=', type).execute();

describe('hand-over to the default folder', () => {
  it('writes the package and the invoice PDF, then records the hand-over once', async () => {
    const { creditor, caseId, invoice, handoverId } = await escalatedCase();
    const h = await handled(handoverId);
    expect(h).toMatchObject({ status: 'delivered', connector: 'folder', attempts: 1, agency_reference: null, failure_reason: null });
    const folder = join(delivery.outboxDir, creditor.id, `${caseId}-${handoverId}`);
    expect((await readdir(folder)).sort()).toEqual(['handover.json', 'invoice-F-1.pdf']);
    expect((await readFile(join(folder, 'invoice-F-1.pdf'))).subarray(0, 4).toString()).toBe('%PDF');

    const pkg = JSON.parse(await readFile(join(folder, 'handover.json'), 'utf8'));
    expect(pkg).toMatchObject({
      version: 1,
      handoverId,
      creditor: { id: creditor.id, name: 'Acme AB', country: 'SE' },
      debtor: { name: 'Kund AB', email: 'ap@kund.example', address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm' } },
      case: { id: caseId, currency: 'SEK', status: 'escalated', handler: 'anna' },
      claim: { principal: [{ invoiceId: invoice.id, number: 'F-1', amount: 125_000 }], fees: [{ kind: 'reminder_fee', amount: 6000 }], principalTotal: 125_000, feesTotal: 6000, paid: 25_000, outstanding: 106_000 },
      invoices: [{ number: 'F-1', issueDate: '2026-09-01', dueDate: '2026-10-30', amount: 125_000, document: 'invoice-F-1.pdf' }],
      attempts: [{ channel: 'email', template: 'friendly_reminder', status: 'sent', log: [{ outcome: 'sent', detail: '250 OK' }] }],
      contacts: [{ channel: 'phone', reached: 'debtor', outcome: 'refused_to_pay' }],
      agreements: [],
      disputes: [
        { kind: 'raised', note: 'dispute' },
        { kind: 'resolved', note: 'resolve_dispute' },
      ],
    });
    expect(pkg.ledger).toEqual([
      { date: '2026-09-01', kind: 'invoice', reference: 'F-1', amount: 125_000, balance: 125_000 },
      { date: '2026-11-15', kind: 'payment', reference: 'OCR 123', amount: -25_000, balance: 100_000 },
      { date: '2026-11-20', kind: 'fee', reference: 'reminder_fee', amount: 6000, balance: 106_000 },
    ]);
    expect(pkg.activity.map((a: { type: string }) => a.type)).toEqual(['case.disputed', 'case.dispute_resolved', 'case.verified', 'case.escalated']);

    expect(await activityOf(caseId, 'case.handed_over')).toEqual([{ data: expect.objectContaining({ handoverId, connector: 'folder', documents: ['invoice-F-1.pdf'] }) }]);
    expect(await eventsOf(caseId, 'case.handed_over')).toEqual([{ data: { caseId, handoverId, connector: 'folder', agencyReference: null } }]);
    expect(await eventsOf(caseId, 'case.escalated')).toHaveLength(1);
  });

  it('delivers a hand-over whose job never reached Redis, through the reconciler', async () => {
    const { handoverId } = await escalatedCase({ enqueue: false });
    expect((await handled(handoverId)).status).toBe('delivered');
  });

  it('does not hand over a case that closed before the delivery', async () => {
    const { creditor, caseId, handoverId } = await escalatedCase({ closeFirst: true });
    const h = await handled(handoverId);
    expect(h).toMatchObject({ status: 'closed', failure_reason: 'not delivered: the case is closed (written_off)' });
    // Nothing was written for the creditor.
    expect(await readdir(delivery.outboxDir)).not.toContain(creditor.id);
    expect(await eventsOf(caseId, 'case.handed_over')).toEqual([]);
  });
});

describe('hand-over to an agency over HTTP', () => {
  it('posts the package with the agency’s credentials and keeps its reference', async () => {
    const { caseId, handoverId } = await escalatedCase({ connector: 'ok' });
    const h = await handled(handoverId);
    const [request] = agency.of(handoverId);
    expect(h).toMatchObject({ status: 'delivered', connector: 'http', agency_reference: expect.stringMatching(/^AG-\d+$/), attempts: 1 });
    expect(request!.headers).toMatchObject({ authorization: 'Bearer agency-secret', 'idempotency-key': `handover-${handoverId}` });
    expect(request!.body.package).toMatchObject({ handoverId, case: { id: caseId } });
    expect(request!.body.documents).toEqual([{ fileName: 'invoice-F-1.pdf', contentType: 'application/pdf', base64: INVOICE_PDF.toString('base64') }]);
    expect(await eventsOf(caseId, 'case.handed_over')).toEqual([{ data: { caseId, handoverId, connector: 'http', agencyReference: h.agency_reference } }]);
    expect(await activityOf(caseId, 'case.handed_over')).toEqual([{ data: expect.objectContaining({ agencyName: 'Inkasso AB', agencyReference: h.agency_reference }) }]);
  });

  it('tries again after the agency was unavailable, and delivers once', async () => {
    const { caseId, handoverId } = await escalatedCase({ connector: 'flaky' });
    const h = await handled(handoverId);
    expect(h).toMatchObject({ status: 'delivered', attempts: 2, failure_reason: null });
    expect(agency.of(handoverId).map((r) => r.status)).toEqual([503, 200]);
    expect(await activityOf(caseId, 'case.handed_over')).toHaveLength(1);
    expect(await eventsOf(caseId, 'case.handed_over')).toHaveLength(1);
  });

  it('fails at once when the agency refuses the package, and asks the handler to act today', async () => {
    const { creditor, caseId, handoverId } = await escalatedCase({ connector: 'bad' });
    const h = await handled(handoverId);
    expect(h).toMatchObject({ status: 'failed', attempts: 1, failure_reason: expect.stringMatching(/^the agency answered 400: .*no identity number/) });
    expect(agency.of(handoverId)).toHaveLength(1);
    const tasks = await db().selectFrom('tasks').selectAll().where('case_id', '=', caseId).where('status', '=', 'open').execute();
    expect(tasks).toEqual([expect.objectContaining({ creditor_id: creditor.id, kind: 'call', assignee: 'anna', due_date: '2026-11-20', note: expect.stringContaining('hand-over to the collection agency failed') })]);
    expect(await activityOf(caseId, 'handover.failed')).toEqual([{ data: expect.objectContaining({ handoverId, connector: 'http', taskId: tasks[0]!.id }) }]);
    expect(await eventsOf(caseId, 'task.created')).toHaveLength(1);
    expect(await eventsOf(caseId, 'case.handed_over')).toEqual([]);
  });

  it('gives up after the configured attempts when the agency stays down', async () => {
    const { caseId, handoverId } = await escalatedCase({ connector: 'down' });
    const h = await handled(handoverId);
    expect(h).toMatchObject({ status: 'failed', attempts: 3, failure_reason: expect.stringMatching(/^gave up after 3 attempts: the agency answered 503/) });
    expect(agency.of(handoverId)).toHaveLength(3);
    expect(await db().selectFrom('tasks').select('kind').where('case_id', '=', caseId).where('status', '=', 'open').execute()).toEqual([{ kind: 'call' }]);
  });
});
