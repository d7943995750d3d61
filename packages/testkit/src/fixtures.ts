import { applyCaseAction, choosePaymentReference, ensureDefaultPolicy, makeAgreement, type AgreementRequest } from '@fordra/collection';
import { cases, creditors, debtors, invoices, policies, type Db } from '@fordra/db';
import { PolicyStepsSchema, SYSTEM_ACTOR, type PolicyStepInput } from '@fordra/domain';

/** A creditor, a debtor reachable by email and post, and an open case with one invoice, written through the repositories. */
export async function openTestCase(
  db: Db,
  options: {
    now: Date;
    country?: string;
    timeZone?: string;
    dueDate: string;
    steps?: PolicyStepInput[];
    reminderFeeAgreed?: boolean;
    debtor?: { name?: string; email?: string | null; preferredLanguage?: 'sv' | 'en' | 'fi' };
  },
) {
  const { now } = options;
  const creditor = await creditors.insertCreditor(
    db,
    { name: 'Acme AB', country: options.country ?? 'SE', defaultCurrency: 'SEK', timeZone: options.timeZone ?? 'Europe/Stockholm' },
    now,
  );
  await ensureDefaultPolicy(db, creditor.id, now);
  const policyId = options.steps
    ? (await policies.insertPolicy(db, { creditorId: creditor.id, name: 'Test', isDefault: false, steps: PolicyStepsSchema.parse(options.steps) }, now)).policy.id
    : null;
  const debtor = await debtors.insertDebtor(db, {
    creditor_id: creditor.id,
    kind: 'business',
    name: options.debtor?.name ?? 'Kund AB',
    identity_number: null,
    email: options.debtor?.email === undefined ? 'ap@kund.example' : options.debtor.email,
    phone: null,
    address_line1: 'Storgatan 1',
    address_line2: null,
    postal_code: '111 22',
    city: 'Stockholm',
    country: 'SE',
    preferred_language: options.debtor?.preferredLanguage ?? 'sv',
    customer_number: null,
    created_at: now,
    updated_at: now,
  });
  // A new case gets its payment reference as the API gives it: the next one of the creditor's kind.
  const reference = await choosePaymentReference(db, creditor.id);
  if (!reference.ok) throw new Error(reference.detail);
  const row = await cases.insertCase(db, {
    creditor_id: creditor.id,
    debtor_id: debtor.id,
    status: 'verification',
    close_reason: null,
    currency: 'SEK',
    handler: 'anna',
    external_reference: null,
    payment_reference: reference.reference,
    policy_id: policyId,
    reminder_fee_agreed: options.reminderFeeAgreed ?? false,
    created_at: now,
    updated_at: now,
  });
  await invoices.insertInvoices(db, [
    { creditor_id: creditor.id, case_id: row.id, number: 'F-1', issue_date: '2026-09-01', due_date: options.dueDate, amount_minor: 125_000n, currency: 'SEK', payment_terms: null, created_at: now },
  ]);
  return { creditor, debtor, caseId: row.id };
}

/** Verifies the case (starting collection) as a handler would; returns the planned deadlines. */
export async function verifyTestCase(db: Db, creditorId: string, caseId: string, now: Date) {
  return db.transaction().execute(async (trx) => {
    const row = await cases.getCaseForUpdate(trx, creditorId, caseId);
    return (await applyCaseAction(trx, row!, 'verify', { note: 'checked' }, SYSTEM_ACTOR, now)).deadlines;
  });
}

export async function actOnTestCase(db: Db, creditorId: string, caseId: string, action: 'pause' | 'resume' | 'dispute' | 'resolve_dispute' | 'withdraw', now: Date) {
  return db.transaction().execute(async (trx) => {
    const row = await cases.getCaseForUpdate(trx, creditorId, caseId);
    return applyCaseAction(trx, row!, action, { note: action }, SYSTEM_ACTOR, now);
  });
}

/** Makes an agreement on the case as a handler would after a call. */
export async function agreeOnTestCase(db: Db, creditorId: string, caseId: string, request: AgreementRequest, now: Date) {
  return db.transaction().execute(async (trx) => {
    const row = await cases.getCaseForUpdate(trx, creditorId, caseId);
    return makeAgreement(trx, row!, request, { kind: 'api_key', id: null }, now);
  });
}
