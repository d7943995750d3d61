import type { Kysely } from 'kysely';
import { HANDOVER_PACKAGE_VERSION, type HandoverDocument, type HandoverPackage } from '@fordra/agency';
import { charges, invoices, payments, type CaseChargesTable, type Database, type InvoiceRow } from '@fordra/db';
import { asCurrency, dayOf, money, toJsonAmount } from '@fordra/domain';

type Q = Kysely<Database>;
type Ledger = HandoverPackage['ledger'];

/**
 * Everything an agency needs to take a case over, as it stands now: who owes whom, what, since
 * when, and everything tried so far. Read in the caller's transaction, so it is one consistent
 * picture of the case.
 */
export async function buildHandoverPackage(db: Q, creditorId: string, caseId: string, handoverId: string, now: Date): Promise<HandoverPackage> {
  const handover = await db.selectFrom('handovers').select(['id', 'created_at']).where('creditor_id', '=', creditorId).where('case_id', '=', caseId).where('id', '=', handoverId).executeTakeFirst();
  const row = await db.selectFrom('cases').selectAll().where('creditor_id', '=', creditorId).where('id', '=', caseId).executeTakeFirst();
  if (!handover || !row) throw new Error(`hand-over ${handoverId} of case ${caseId} not found`);
  const [creditor, debtor, caseInvoices, caseCharges, casePayments] = await Promise.all([
    db.selectFrom('creditors').selectAll().where('id', '=', creditorId).executeTakeFirstOrThrow(),
    db.selectFrom('debtors').selectAll().where('creditor_id', '=', creditorId).where('id', '=', row.debtor_id).executeTakeFirstOrThrow(),
    invoices.listInvoicesOfCases(db, creditorId, [caseId]),
    charges.listChargesOfCases(db, creditorId, [caseId]),
    payments.listPayments(db, creditorId, caseId),
  ]);
  const currency = asCurrency(row.currency);
  const amount = (v: bigint) => toJsonAmount(money(v, currency));
  const names = documentNames(caseInvoices);
  const principalTotal = caseInvoices.reduce((s, i) => s + i.amount_minor, 0n);
  const feesTotal = caseCharges.reduce((s, c) => s + c.amount_minor, 0n);
  const paid = casePayments.reduce((s, p) => s + p.amount_minor, 0n);
  const feeDay = (c: { created_at: Date }) => dayOf(c.created_at, creditor.time_zone);
  const activity = await db.selectFrom('case_activity').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', caseId).orderBy('id').execute();

  return {
    version: HANDOVER_PACKAGE_VERSION,
    handoverId,
    requestedAt: handover.created_at.toISOString(),
    builtAt: now.toISOString(),
    creditor: {
      id: creditor.id,
      name: creditor.name,
      organisationNumber: creditor.organisation_number,
      country: creditor.country,
      contactEmail: creditor.contact_email,
      contactPhone: creditor.contact_phone,
      addressLines: creditor.address_lines,
      bankgiro: creditor.bankgiro,
      iban: creditor.iban,
      bic: creditor.bic,
    },
    debtor: {
      id: debtor.id,
      kind: debtor.kind,
      name: debtor.name,
      identityNumber: debtor.identity_number,
      customerNumber: debtor.customer_number,
      email: debtor.email,
      phone: debtor.phone,
      address: { line1: debtor.address_line1, line2: debtor.address_line2, postalCode: debtor.postal_code, city: debtor.city, country: debtor.country },
      preferredLanguage: debtor.preferred_language,
    },
    case: {
      id: row.id,
      externalReference: row.external_reference,
      currency: row.currency,
      status: row.status,
      handler: row.handler,
      openedAt: row.created_at.toISOString(),
      collectionStartedAt: row.activated_at?.toISOString() ?? null,
    },
    claim: {
      principal: caseInvoices.map((i) => ({ invoiceId: i.id, number: i.number, amount: amount(i.amount_minor) })),
      fees: feesByKind(caseCharges).map(([kind, total]) => ({ kind, amount: amount(total) })),
      principalTotal: amount(principalTotal),
      feesTotal: amount(feesTotal),
      paid: amount(paid),
      outstanding: amount(principalTotal + feesTotal - paid),
    },
    invoices: caseInvoices.map((i) => ({
      id: i.id,
      number: i.number,
      issueDate: i.issue_date,
      dueDate: i.due_date,
      amount: amount(i.amount_minor),
      paymentTerms: i.payment_terms,
      document: names.get(i.id) ?? null,
    })),
    ledger: ledgerOf(
      [
        ...caseInvoices.map((i) => ({ date: i.issue_date, kind: 'invoice' as const, reference: i.number, delta: i.amount_minor })),
        ...caseCharges.map((c) => ({ date: feeDay(c), kind: 'fee' as const, reference: c.kind, delta: c.amount_minor })),
        ...casePayments.map((p) => ({ date: p.paid_on, kind: 'payment' as const, reference: p.payer_reference ?? p.method, delta: -p.amount_minor })),
      ],
      amount,
    ),
    attempts: await attemptsOf(db, creditorId, caseId),
    contacts: (await db.selectFrom('contacts').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', caseId).orderBy('occurred_at').orderBy('id').execute()).map((c) => ({
      id: c.id,
      channel: c.channel,
      direction: c.direction,
      reached: c.reached,
      outcome: c.outcome,
      lateReason: c.late_reason,
      notes: c.notes,
      occurredAt: c.occurred_at.toISOString(),
    })),
    agreements: await agreementsOf(db, creditorId, caseId, amount),
    disputes: activity
      .filter((a) => a.type === 'case.disputed' || a.type === 'case.dispute_resolved')
      .map((a) => ({ at: a.occurred_at.toISOString(), kind: a.type === 'case.disputed' ? ('raised' as const) : ('resolved' as const), note: noteOf(a.data) })),
    activity: activity.map((a) => ({ at: a.occurred_at.toISOString(), type: a.type, actor: { kind: a.actor_kind, id: a.actor_id }, data: a.data })),
  };
}

/** The original invoice PDFs of the case, named as the package's `invoices[].document` names them. */
export async function handoverDocuments(db: Q, creditorId: string, caseId: string): Promise<HandoverDocument[]> {
  const names = documentNames(await invoices.listInvoicesOfCases(db, creditorId, [caseId]));
  if (names.size === 0) return [];
  const rows = await db
    .selectFrom('invoice_documents')
    .select(['invoice_id', 'content'])
    .where('creditor_id', '=', creditorId)
    .where('invoice_id', 'in', [...names.keys()])
    .execute();
  const byInvoice = new Map(rows.map((r) => [r.invoice_id, r.content]));
  return [...names].flatMap(([invoiceId, fileName]) => {
    const pdf = byInvoice.get(invoiceId);
    return pdf ? [{ fileName, pdf: new Uint8Array(pdf) }] : [];
  });
}

/** One file name per invoice with a document, safe on any file system and unique within the package. */
function documentNames(list: (InvoiceRow & { document_size_bytes: number | null })[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const i of list) {
    if (i.document_size_bytes === null) continue;
    const base = `invoice-${i.number.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100)}`;
    let name = `${base}.pdf`;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}.pdf`;
    taken.add(name);
    names.set(i.id, name);
  }
  return names;
}

function feesByKind(list: { kind: CaseChargesTable['kind']; amount_minor: bigint }[]): [string, bigint][] {
  const totals = new Map<string, bigint>();
  for (const c of list) totals.set(c.kind, (totals.get(c.kind) ?? 0n) + c.amount_minor);
  return [...totals];
}

/** Oldest first; on one day the debt is shown before what was paid against it. */
function ledgerOf(entries: { date: string; kind: Ledger[number]['kind']; reference: string; delta: bigint }[], amount: (v: bigint) => number): Ledger {
  const order = { invoice: 0, fee: 1, payment: 2 };
  const sorted = entries.map((e, i) => ({ ...e, i })).sort((a, b) => a.date.localeCompare(b.date) || order[a.kind] - order[b.kind] || a.i - b.i);
  let balance = 0n;
  return sorted.map((e) => {
    balance += e.delta;
    return { date: e.date, kind: e.kind, reference: e.reference, amount: amount(e.delta), balance: amount(balance) };
  });
}

async function attemptsOf(db: Q, creditorId: string, caseId: string): Promise<HandoverPackage['attempts']> {
  const sent = await db
    .selectFrom('notifications')
    .select(['id', 'channel', 'template', 'language', 'status', 'created_at', 'sent_at', 'failure_reason'])
    .where('creditor_id', '=', creditorId)
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const log = sent.length
    ? await db.selectFrom('notification_attempts').selectAll().where('notification_id', 'in', sent.map((n) => n.id)).orderBy('id').execute()
    : [];
  return sent.map((n) => ({
    notificationId: n.id,
    channel: n.channel,
    template: n.template,
    language: n.language,
    status: n.status,
    createdAt: n.created_at.toISOString(),
    sentAt: n.sent_at?.toISOString() ?? null,
    failureReason: n.failure_reason,
    log: log.filter((a) => a.notification_id === n.id).map((a) => ({ at: a.attempted_at.toISOString(), outcome: a.outcome, detail: a.detail })),
  }));
}

async function agreementsOf(db: Q, creditorId: string, caseId: string, amount: (v: bigint) => number): Promise<HandoverPackage['agreements']> {
  const made = await db.selectFrom('agreements').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', caseId).orderBy('made_at').orderBy('id').execute();
  const instalments = made.length
    ? await db.selectFrom('agreement_instalments').selectAll().where('agreement_id', 'in', made.map((a) => a.id)).orderBy('seq').execute()
    : [];
  return made.map((a) => ({
    id: a.id,
    kind: a.kind,
    status: a.status,
    total: amount(a.total_minor),
    planFee: amount(a.plan_fee_minor),
    madeAt: a.made_at.toISOString(),
    confirmedAt: a.confirmed_at?.toISOString() ?? null,
    followUpDate: a.follow_up_date,
    endedAt: a.ended_at?.toISOString() ?? null,
    endReason: a.end_reason,
    fallback: a.fallback,
    instalments: instalments
      .filter((i) => i.agreement_id === a.id)
      .map((i) => ({ seq: i.seq, dueDate: i.due_date, amount: amount(i.amount_minor), status: i.status, checkedAt: i.checked_at?.toISOString() ?? null })),
  }));
}

function noteOf(data: unknown): string | null {
  const note = (data as { note?: unknown } | null)?.note;
  return typeof note === 'string' ? note : null;
}
