import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { agreementToken } from '@fordra/collection';
import { pollUntil } from '@fordra/testkit';
import { invoice, problem, SAMPLE_PDF, useApi } from '../../test/harness.js';

const SECRET = 'test-agreement-link-secret-0123456789';
const api = useApi({ AGREEMENT_LINK_SECRET: SECRET });
const DAY = 24 * 60 * 60 * 1000;

/** Everything personal the test puts into Fordra about one debtor: none of it may survive erasure. */
const P = {
  name: 'Anna Erasable-Andersson',
  email: 'anna.erasable@kund.example',
  phone: '+46 70 999 88 77',
  line1: 'Raderingsgatan 7',
  line2: 'Lgh 1101 Erasable',
  postalCode: '999 88',
  city: 'Raderstad',
  customerNumber: 'CUST-ERASE-1',
  complaint: 'Anna says the sofa arrived broken',
  resolution: 'Anna accepted a discount',
  creditNote: 'Discount for the broken sofa of Anna',
  payerReference: 'ANNA-PAYREF-77',
  bankPayer: 'Anna Bankpayer',
  contactNotes: 'Anna gets her salary on the 25th',
  nextStepNote: 'Call Anna after five',
  agreementNotes: 'Anna prefers letters to calls',
  creditorWill: 'send Anna a new invoice copy',
  confirmName: 'Anna E. Confirmer',
  confirmComment: 'Thanks from Anna',
  agencyNote: 'Anna moved to Oslo',
  withdrawReason: 'Anna asked us to talk to her lawyer',
  subject: 'Reminder for Anna Erasable-Andersson',
  bounce: '550 mailbox anna.erasable@kund.example unavailable',
};

const checklist = { dueDateCorrect: true, specialTermsChecked: true, noComplaints: true, paymentMethodsWork: true };

const bankFile = (payer: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>ERASE-1</MsgId></GrpHdr><Ntfctn><Id>1</Id><Ntry><Amt Ccy="SEK">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt><AcctSvcrRef>ERASE-0</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>${payer}</Nm></Dbtr></RltdPties><RmtInf><Strd><CdtrRefInf><Ref>9999999999999999999999999</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;

/** Every row of every table of the test's database, as text. */
async function everyRow(): Promise<Map<string, string[]>> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_%'`.execute(api.database.db);
  const rows = new Map<string, string[]>();
  for (const { table_name } of tables.rows) {
    const result = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.table(table_name)} t`.execute(api.database.db);
    rows.set(table_name, result.rows.map((r) => r.row));
  }
  return rows;
}

function tablesHolding(rows: Map<string, string[]>, value: string): string[] {
  return [...rows].filter(([, list]) => list.some((r) => r.includes(value))).map(([table]) => table);
}

describe('a debtor’s personal data', () => {
  let auth: { authorization: string };
  let caseId: string;
  let debtorId: string;
  let invoiceId: string;
  let identityNumber: string;
  let queuedNotificationId: string;
  let sentNotificationId: string;
  let agreementId: string;
  let closedAt: Date;

  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    api.app.inject({ method, url, headers: { ...auth, ...headers }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  beforeAll(async () => {
    api.clock.set('2026-11-24T08:00:00Z');
    const creditor = await api.creditor('Erasing AB');
    auth = creditor.auth;
    const opened = await call(
      'POST',
      '/v1/cases',
      {
        debtor: {
          kind: 'consumer',
          name: P.name,
          identityNumber: '19121212-1212',
          email: P.email,
          phone: P.phone,
          address: { line1: P.line1, line2: P.line2, postalCode: P.postalCode, city: P.city, country: 'SE' },
          customerNumber: P.customerNumber,
        },
        invoices: [invoice({ number: 'F-ERASE-1' })],
      },
      { 'idempotency-key': 'erase-case-1' },
    );
    expect(opened.statusCode).toBe(201);
    caseId = opened.json().id;
    debtorId = opened.json().debtorId;
    invoiceId = opened.json().invoices[0].id;
    identityNumber = (await api.database.db.selectFrom('debtors').select('identity_number').where('id', '=', debtorId).executeTakeFirstOrThrow()).identity_number!;

    expect((await call('PUT', `/v1/cases/${caseId}/invoices/${invoiceId}/document`, SAMPLE_PDF, { 'content-type': 'application/pdf' })).statusCode).toBe(200);
    expect((await call('POST', `/v1/cases/${caseId}/verify`, checklist)).statusCode).toBe(200);
    expect((await call('POST', `/v1/cases/${caseId}/dispute`, { complaint: P.complaint })).statusCode).toBe(200);
    expect((await call('POST', `/v1/cases/${caseId}/resolve-dispute`, { resolution: P.resolution })).statusCode).toBe(200);
    expect((await call('POST', `/v1/cases/${caseId}/credit-notes`, { amount: 1_000, bookedOn: '2026-11-24', note: P.creditNote })).statusCode).toBe(201);
    expect((await call('POST', `/v1/cases/${caseId}/payments`, { amount: 5_000, currency: 'SEK', paidOn: '2026-11-20', method: 'bank_transfer', payerReference: P.payerReference })).statusCode).toBe(201);

    const imported = await call('POST', '/v1/payment-files', bankFile(P.bankPayer), { 'content-type': 'application/xml' });
    expect(imported.statusCode).toBe(201);
    const unmatchedId = imported.json().entries[0].unmatchedPaymentId as string;
    expect((await call('POST', `/v1/unmatched-payments/${unmatchedId}/match`, { caseId })).statusCode).toBeLessThan(300);

    const noAnswer = await call('POST', `/v1/cases/${caseId}/contacts`, {
      channel: 'phone',
      direction: 'outbound',
      reached: 'no_answer',
      outcome: 'no_contact',
      nextStep: { action: 'call_again', date: '2026-11-26', note: P.nextStepNote },
    });
    expect(noAnswer.statusCode).toBe(201);
    const promised = await call(
      'POST',
      `/v1/cases/${caseId}/contacts`,
      {
        channel: 'phone',
        direction: 'outbound',
        reached: 'debtor',
        outcome: 'agreement',
        lateReason: 'cannot_pay_now',
        notes: P.contactNotes,
        agreement: { kind: 'promise', instalments: [{ dueDate: '2026-12-10', amount: 1_000 }], followUpDate: '2026-12-11', fallback: { action: 'final_demand' }, notes: P.agreementNotes, creditorWill: P.creditorWill },
      },
      { 'idempotency-key': 'erase-contact-1' },
    );
    expect(promised.statusCode).toBe(201);
    agreementId = promised.json().agreement.id;
    queuedNotificationId = promised.json().agreement.notificationId;
    const token = agreementToken(SECRET, agreementId, new Date('2027-01-01T00:00:00Z'));
    const confirmed = await api.app.inject({ method: 'POST', url: `/v1/public/agreements/${token}`, headers: { 'user-agent': 'AnnaBrowser/1.0' }, payload: { name: P.confirmName, comment: P.confirmComment } });
    expect(confirmed.statusCode).toBe(200);

    // A reminder already sent, as the notifier leaves it, with a bounced first try.
    const now = api.clock.now();
    const sent = await api.database.db
      .insertInto('notifications')
      .values({
        creditor_id: creditor.id,
        case_id: caseId,
        deadline_id: null,
        idempotency_key: `erase-sent-${caseId}`,
        channel: 'letter',
        template: 'reminder_letter',
        language: 'sv',
        recipient: JSON.stringify({ name: P.name, line1: P.line1, line2: P.line2, postalCode: P.postalCode, city: P.city, country: 'SE' }),
        status: 'sent',
        subject: P.subject,
        body_text: `Dear ${P.name}, ${P.line1}`,
        body_html: `<p>Dear ${P.name}</p>`,
        pdf: Buffer.from(`%PDF-1.4 ${P.name} ${P.line1}`),
        pages: 1,
        rendered_at: now,
        sent_at: now,
        failure_reason: P.bounce,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    sentNotificationId = sent.id;
    await api.database.db.insertInto('notification_attempts').values({ notification_id: sent.id, creditor_id: creditor.id, attempted_at: now, outcome: 'temporary_failure', detail: P.bounce }).execute();
    const handover = await api.database.db
      .insertInto('handovers')
      .values({ creditor_id: creditor.id, case_id: caseId, status: 'delivered', connector: 'folder', agency_reference: 'AG-1', delivered_at: now, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await api.database.db.insertInto('agency_updates').values({ creditor_id: creditor.id, case_id: caseId, handover_id: handover.id, kind: 'received', agency_reference: 'AG-1', note: P.agencyNote, reported_at: now }).execute();

    // Reads of personal data, for the export's audit events.
    expect((await call('GET', `/v1/debtors/${debtorId}`)).statusCode).toBe(200);
  });

  it('is exported as one document holding everything about the debtor', async () => {
    await pollUntil(async () => (await api.database.db.selectFrom('audit_events').select('id').where('resource_id', '=', debtorId).where('action', '=', 'read_personal_data').executeTakeFirst()) ?? undefined);
    const res = await call('GET', `/v1/debtors/${debtorId}/export`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="debtor-${debtorId}.json"`);
    const doc = res.json();
    expect(doc.debtor).toMatchObject({ id: debtorId, name: P.name, identityNumber, email: P.email, phone: P.phone, customerNumber: P.customerNumber, address: { line1: P.line1, line2: P.line2, postalCode: P.postalCode, city: P.city }, erasedAt: null });
    expect(doc.cases).toHaveLength(1);
    const [c] = doc.cases;
    expect(c.invoices).toEqual([
      expect.objectContaining({
        id: invoiceId,
        number: 'F-ERASE-1',
        amount: { amount: 125_000, currency: 'SEK' },
        document: expect.objectContaining({ sizeBytes: SAMPLE_PDF.length, url: `/v1/cases/${caseId}/invoices/${invoiceId}/document` }),
      }),
    ]);
    // The PDFs are linked, not included.
    expect(res.body).not.toContain(SAMPLE_PDF.toString('base64').slice(0, 40));
    expect(c.activity.map((a: { type: string }) => a.type)).toEqual(expect.arrayContaining(['case.created', 'case.disputed', 'contact.logged', 'agreement.made', 'agreement.confirmed', 'payment.received']));
    expect(c.contacts.map((x: { notes: string | null }) => x.notes)).toContain(P.contactNotes);
    expect(c.agreements).toEqual([expect.objectContaining({ id: agreementId, notes: P.agreementNotes, instalments: [expect.objectContaining({ dueDate: '2026-12-10', amount: { amount: 1_000, currency: 'SEK' } })] })]);
    expect(c.payments.map((p: { payerReference: string | null }) => p.payerReference)).toContain(P.payerReference);
    expect(c.adjustments).toEqual([expect.objectContaining({ kind: 'credit_note', note: P.creditNote })]);
    expect(c.matchedBankCredits).toEqual([expect.objectContaining({ payerName: P.bankPayer, caseId })]);
    expect(c.notifications).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: sentNotificationId, subject: P.subject, text: `Dear ${P.name}, ${P.line1}`, pdfUrl: `/v1/notifications/${sentNotificationId}/pdf`, attemptLog: [expect.objectContaining({ detail: P.bounce })] }),
        expect.objectContaining({ id: queuedNotificationId, status: 'queued', recipient: expect.objectContaining({ email: P.email }) }),
      ]),
    );
    expect(c.tasks.map((t: { note: string | null }) => t.note)).toContain(P.nextStepNote);
    expect(c.handovers).toEqual([expect.objectContaining({ agencyReference: 'AG-1' })]);
    expect(c.agencyUpdates).toEqual([expect.objectContaining({ note: P.agencyNote })]);
    expect(doc.auditEvents).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'read_personal_data', resourceType: 'debtor', resourceId: debtorId })]));
    expect(doc.auditEvents).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'write', resourceType: 'case', resourceId: caseId, route: '/v1/cases/{id}/contacts' })]));
  });

  it('cannot be erased while a case is open', async () => {
    const refused = problem(await call('POST', `/v1/debtors/${debtorId}/erase`), 409);
    expect(refused.type).toBe('/problems/conflict');
    expect(refused.detail).toContain(caseId);
    expect(refused.detail).toContain('open case');
  });

  it('cannot be erased within the creditor’s retention period, and says from when it can', async () => {
    expect((await call('POST', `/v1/cases/${caseId}/withdraw`, { reason: P.withdrawReason })).statusCode).toBe(200);
    closedAt = (await api.database.db.selectFrom('cases').select('closed_at').where('id', '=', caseId).executeTakeFirstOrThrow()).closed_at!;
    const byDefault = problem(await call('POST', `/v1/debtors/${debtorId}/erase`), 409);
    expect(byDefault.detail).toContain(new Date(closedAt.getTime() + 730 * DAY).toISOString());

    const profile = await call('PATCH', '/v1/creditor', { personalDataRetentionDays: 30 });
    expect(profile.json().personalDataRetentionDays).toBe(30);
    problem(await call('PATCH', '/v1/creditor', { personalDataRetentionDays: 4000 }), 400);
    api.clock.set(new Date(closedAt.getTime() + 30 * DAY - 1000));
    const shorter = problem(await call('POST', `/v1/debtors/${debtorId}/erase`), 409);
    expect(shorter.detail).toContain(new Date(closedAt.getTime() + 30 * DAY).toISOString());
    expect((await call('GET', `/v1/debtors/${debtorId}`)).json().name).toBe(P.name);
  });

  it('is erased from every table once the period is over, and its queued messages are cancelled', async () => {
    const before = await everyRow();
    const values = [...Object.values(P), identityNumber];
    for (const value of values) expect(tablesHolding(before, value), `${value} was never stored`).not.toEqual([]);

    api.clock.set(new Date(closedAt.getTime() + 30 * DAY));
    const res = await call('POST', `/v1/debtors/${debtorId}/erase`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      debtor: { id: debtorId, name: 'Erased debtor', identityNumber: null, email: null, phone: null, address: null, customerNumber: null, erasedAt: api.clock.now().toISOString() },
      cancelledNotificationIds: [queuedNotificationId],
    });

    const after = await everyRow();
    for (const value of values) expect(tablesHolding(after, value), `${value} survived`).toEqual([]);

    const db = api.database.db;
    expect(await db.selectFrom('notifications').select(['status', 'recipient', 'subject', 'body_text', 'body_html', 'pdf']).where('id', '=', queuedNotificationId).executeTakeFirstOrThrow()).toEqual({
      status: 'cancelled',
      recipient: {},
      subject: null,
      body_text: null,
      body_html: null,
      pdf: null,
    });
    expect(await db.selectFrom('notifications').select(['status', 'pdf', 'failure_reason']).where('id', '=', sentNotificationId).executeTakeFirstOrThrow()).toEqual({ status: 'sent', pdf: null, failure_reason: null });
    expect(await db.selectFrom('invoice_documents').select('invoice_id').where('invoice_id', '=', invoiceId).execute()).toEqual([]);
    // The bookkeeping stays.
    expect(await db.selectFrom('invoices').select(['number', 'amount_minor']).where('id', '=', invoiceId).executeTakeFirstOrThrow()).toEqual({ number: 'F-ERASE-1', amount_minor: 125_000n });
    expect((await db.selectFrom('payments').select('amount_minor').where('case_id', '=', caseId).execute()).map((p) => p.amount_minor).sort()).toEqual([100n, 5_000n]);
    expect(await db.selectFrom('agreements').select(['notes', 'confirmation', 'confirmed_at']).where('id', '=', agreementId).executeTakeFirstOrThrow()).toMatchObject({ notes: null, confirmation: null, confirmed_at: expect.any(Date) });
    // The record keeps every entry, with the personal values blanked, and says what happened.
    const entries = await db.selectFrom('case_activity').select(['type', 'data']).where('case_id', '=', caseId).orderBy('id').execute();
    expect(entries.find((e) => e.type === 'case.disputed')?.data).toMatchObject({ note: null });
    expect(entries.find((e) => e.type === 'agreement.confirmed')?.data).toMatchObject({ agreementId, name: null, comment: null, userAgent: null });
    expect(entries.at(-1)).toMatchObject({ type: 'debtor.erased', data: { debtorId } });
    // A replay of the case's creation no longer holds its stored answer.
    expect(await db.selectFrom('idempotency_keys').select('key').where('key', 'in', ['erase-case-1', 'erase-contact-1']).execute()).toEqual([]);
  });

  it('still answers by its id, in its erased state, and erasing it again changes nothing', async () => {
    const debtor = await call('GET', `/v1/debtors/${debtorId}`);
    expect(debtor.statusCode).toBe(200);
    expect(debtor.json()).toMatchObject({ id: debtorId, kind: 'consumer', name: 'Erased debtor', identityNumber: null, email: null, phone: null, address: null, customerNumber: null });
    expect((await call('GET', `/v1/cases/${caseId}`)).json()).toMatchObject({ status: 'closed', debtorId });
    const exported = (await call('GET', `/v1/debtors/${debtorId}/export`)).json();
    expect(exported.debtor).toMatchObject({ name: 'Erased debtor', erasedAt: expect.any(String) });
    expect(exported.cases[0].invoices[0].document).toBeNull();
    const again = await call('POST', `/v1/debtors/${debtorId}/erase`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ debtor: { erasedAt: exported.debtor.erasedAt }, cancelledNotificationIds: [] });
  });

  it('takes no new case: one is opened for a new debtor record', async () => {
    const refused = await call('POST', '/v1/cases', { debtorId, invoices: [invoice({ number: 'F-after-erasure' })] });
    expect(problem(refused, 409).errors).toEqual([{ in: 'body', pointer: '/debtorId', detail: 'erased' }]);
    const opened = await api.database.db.selectFrom('invoices').select('id').where('number', '=', 'F-after-erasure').execute();
    expect(opened).toEqual([]);
  });

  it('records the export and the erasure in the audit log', async () => {
    const events = await pollUntil(async () => {
      const items = (await call('GET', `/v1/audit-events?resourceType=debtor&resourceId=${debtorId}&limit=200`)).json().items as { action: string; status: number }[];
      // Three refusals, the erasure and its repetition; two exports (each recorded just after its answer).
      return items.filter((e) => e.action === 'erase').length === 5 && items.filter((e) => e.action === 'export').length === 2 ? items : undefined;
    });
    expect(events.filter((e) => e.action === 'erase').map((e) => e.status)).toEqual([200, 200, 409, 409, 409]);
  });

  it('erases a debtor without cases at once', async () => {
    const created = await call('POST', '/v1/debtors', { kind: 'business', name: 'Lone AB', email: 'lone@kund.example' });
    const res = await call('POST', `/v1/debtors/${created.json().id}/erase`);
    expect(res.statusCode).toBe(200);
    expect(res.json().debtor).toMatchObject({ name: 'Erased debtor', email: null });
    problem(await call('POST', '/v1/debtors/00000000-0000-4000-8000-000000000000/erase'), 404);
    // Erased stays erased: no new personal data, no new case on the record.
    expect(problem(await call('PATCH', `/v1/debtors/${created.json().id}`, { email: 'back@kund.example' }), 409).detail).toMatch(/erased/);
    const again = problem(await call('POST', '/v1/cases', { debtorId: created.json().id, invoices: [{ number: 'F-9', issueDate: '2026-10-01', dueDate: '2026-10-31', amount: 1000 }] }), 409);
    expect(again.errors?.[0]?.pointer).toBe('/debtorId');
  });
});

describe('the activity record’s erasure exception', () => {
  it('lets nothing but blanking through, and only while erasing', async () => {
    const db = api.database.db;
    const entry = await db.selectFrom('case_activity').select(['id', 'data']).where('type', '=', 'contact.logged').orderBy('id').executeTakeFirstOrThrow();
    await expect(sql`UPDATE case_activity SET data = '{}' WHERE id = ${entry.id}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM case_activity WHERE id = ${entry.id}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('fordra.erasing', 'on', true)`.execute(trx);
        await sql`UPDATE case_activity SET data = data || '{"channel": "rewritten"}' WHERE id = ${entry.id}`.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('fordra.erasing', 'on', true)`.execute(trx);
        await sql`UPDATE case_activity SET data = data || '{"extra": null}' WHERE id = ${entry.id}`.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('fordra.erasing', 'on', true)`.execute(trx);
        await sql`UPDATE case_activity SET type = 'rewritten' WHERE id = ${entry.id}`.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
    await db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('fordra.erasing', 'on', true)`.execute(trx);
      await sql`UPDATE case_activity SET data = jsonb_set(data, '{channel}', 'null') WHERE id = ${entry.id}`.execute(trx);
    });
    // The setting ends with its transaction.
    await expect(sql`UPDATE case_activity SET data = data WHERE id = ${entry.id}`.execute(db)).rejects.toThrow(/append-only/);
  });
});
