import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { activity, cases, debtors, outbox, policies, together, type ActivityRow, type CaseRow, type Database, type DeadlineRow, type InvoiceRow } from '@fordra/db';
import { applyCaseAction, movePolicy, planPaymentReference } from '@fordra/collection';
import { event, type Actor, type Currency } from '@fordra/domain';
import type { CreditorAuth } from '../../http/auth.js';
import { HttpProblem } from '../../http/problems.js';
import { createDebtor } from '../debtors/write.js';
import { invoiceStatements } from '../invoices/write.js';
import type { z } from 'zod';
import type { CreateCaseBody, PatchCaseBody } from './schemas.js';

type Q = Kysely<Database>;

async function assertExternalReferenceFree(db: Q, creditorId: string, reference: string | null | undefined, selfId?: string) {
  if (!reference) return;
  externalReferenceMustBeFree(reference, await cases.findCaseByExternalReference(db, creditorId, reference), selfId);
}

function externalReferenceMustBeFree(reference: string, holder: { id: string } | undefined, selfId?: string) {
  if (holder && holder.id !== selfId) {
    throw new HttpProblem('conflict', `external reference ${reference} is already used by another case`, { existingId: holder.id });
  }
}

/** The new case's payment reference, from the plan's answer: the integrator's own, or the next one of the creditor's kind. */
async function assignedPaymentReference(plan: ReturnType<typeof planPaymentReference>, answer: unknown): Promise<string> {
  const choice = await plan.finish(answer);
  if (choice.ok) return choice.reference;
  if (choice.problem === 'taken') throw new HttpProblem('conflict', choice.detail, { existingId: choice.existingId });
  throw new HttpProblem('unprocessable', `the payment reference is not valid for this creditor (${choice.kind})`, {
    errors: [{ in: 'body', pointer: '/paymentReference', detail: choice.detail }],
  });
}

/**
 * Opens a case in verification: the invoices are checked before anyone is reminded, unless the
 * creditor verifies automatically, in which case collection starts at once.
 *
 * Postgres is asked twice, not once per statement: first every check at once (the policy, the
 * external and payment references, the debtor), then, the case's and its invoices' ids minted
 * here, every row at once. Only a drawn payment reference needs a look of its own in between.
 */
export async function openCase(
  db: Q,
  creditor: CreditorAuth,
  body: z.infer<typeof CreateCaseBody>,
  actor: Actor,
  now: Date,
): Promise<{ row: CaseRow; invoices: InvoiceRow[]; activity: ActivityRow[]; deadlines: DeadlineRow[]; changedSince: boolean }> {
  const { creditorId } = creditor;
  const currency: Currency = body.currency ?? creditor.defaultCurrency;
  const reference = planPaymentReference(db, creditorId, creditor.paymentReferenceKind, body.paymentReference);
  const [policy, externalHolder, referenceAnswer, debtor] = await together(db, [
    body.policyId ? policies.policyLookup(db, creditorId, body.policyId) : null,
    body.externalReference ? cases.externalReferenceHolder(db, creditorId, body.externalReference) : null,
    reference.first,
    body.debtorId ? debtors.erasedAtLookup(db, creditorId, body.debtorId) : null,
  ]);
  if (body.policyId && !policy) {
    throw new HttpProblem('not-found', 'no such policy', { errors: [{ in: 'body', pointer: '/policyId', detail: 'no such policy' }] });
  }
  if (body.externalReference) externalReferenceMustBeFree(body.externalReference, externalHolder);
  const paymentReference = await assignedPaymentReference(reference, referenceAnswer);
  // An existing debtor is checked by the foreign key (creditor, debtor): another creditor's debtor
  // fails it exactly like one that does not exist. An erased debtor takes no new case.
  if (debtor?.erased_at) throw new HttpProblem('conflict', 'the debtor was erased: open the case for a new debtor record', { errors: [{ in: 'body', pointer: '/debtorId', detail: 'erased' }] });
  const debtorId = body.debtorId ?? (await createDebtor(db, creditor, body.debtor!, now)).id;

  const caseId = randomUUID();
  const created = { creditorId, caseId, type: 'case.created', actor, data: { debtorId, currency, status: 'verification', paymentReference } };
  const added = invoiceStatements(db, { creditorId, caseId, currency }, body.invoices, [], actor, now, 'invoices', false, created);
  const caseRow = {
    id: caseId,
    creditor_id: creditorId,
    debtor_id: debtorId,
    status: 'verification' as const,
    close_reason: null,
    currency,
    handler: body.handler ?? null,
    external_reference: body.externalReference ?? null,
    payment_reference: paymentReference,
    policy_id: body.policyId ?? null,
    reminder_fee_agreed: body.reminderFeeAgreed,
    contractual_interest_bp: body.contractualInterestBp ?? null,
    created_at: now,
    updated_at: now,
  };
  const caseCreated = event('case.created', caseId, {
    caseId,
    debtorId,
    status: caseRow.status,
    currency,
    externalReference: caseRow.external_reference,
    invoiceIds: added.ids,
  });
  const [row, invoiceRows, activityRows] = await together(db, [
    cases.newCaseInsert(db, caseRow),
    added.invoices,
    added.activity,
    outbox.eventsInsert(db, creditorId, [caseCreated], now),
  ]).catch((err: unknown) => {
    // The case's row goes first: a broken foreign key there is the debtor's (the rows after it fail only because it did).
    const failure = err as { code?: string; table?: string; constraint?: string };
    if (failure.code === '23503' && failure.table === 'cases') {
      throw new HttpProblem('not-found', 'no such debtor', { errors: [{ in: 'body', pointer: '/debtorId', detail: 'no such debtor' }] });
    }
    // Another request took the reference between the checks above and this write.
    if (failure.code === '23505' && failure.constraint === 'cases_external_reference') {
      throw new HttpProblem('conflict', `external reference ${caseRow.external_reference} is already used by another case`);
    }
    if (failure.code === '23505' && failure.constraint === 'cases_payment_reference') {
      throw new HttpProblem('conflict', `payment reference ${paymentReference} is already used by another case`);
    }
    throw err;
  });
  const opened = { row, invoices: invoiceRows, activity: activityRows };
  if (!creditor.autoVerify) return { ...opened, deadlines: [], changedSince: false };
  const verified = await applyCaseAction(db, row, 'verify', { note: 'verified automatically (creditor setting)' }, actor, now);
  return { ...opened, deadlines: verified.deadlines, changedSince: true };
}

export async function changeCase(
  db: Q,
  creditor: CreditorAuth,
  caseId: string,
  patch: z.infer<typeof PatchCaseBody>,
  actor: Actor,
  now: Date,
): Promise<{ found: boolean; deadlines: DeadlineRow[] }> {
  const current = await cases.getCaseForUpdate(db, creditor.creditorId, caseId);
  if (!current) return { found: false, deadlines: [] };
  let planned: DeadlineRow[] = [];
  if (patch.policyId !== undefined && patch.policyId !== current.policy_id) {
    if (current.status === 'closed' || current.status === 'escalated') {
      throw new HttpProblem('illegal-transition', `a ${current.status} case follows no policy any more`);
    }
    const moved = await movePolicy(db, current, patch.policyId, actor, now);
    if (moved === null) throw new HttpProblem('not-found', 'no such policy', { errors: [{ in: 'body', pointer: '/policyId', detail: 'no such policy' }] });
    planned = moved;
  }
  if (patch.externalReference !== undefined) await assertExternalReferenceFree(db, creditor.creditorId, patch.externalReference, caseId);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (patch.handler !== undefined && patch.handler !== current.handler) changes.handler = { from: current.handler, to: patch.handler };
  if (patch.externalReference !== undefined && patch.externalReference !== current.external_reference) {
    changes.externalReference = { from: current.external_reference, to: patch.externalReference };
  }
  if (patch.contractualInterestBp !== undefined && patch.contractualInterestBp !== current.contractual_interest_bp) {
    changes.contractualInterestBp = { from: current.contractual_interest_bp, to: patch.contractualInterestBp };
  }
  // Nothing else changed: no new history, no event.
  if (Object.keys(changes).length === 0) return { found: true, deadlines: planned };
  await cases.updateCase(db, creditor.creditorId, caseId, {
    ...(changes.handler && { handler: patch.handler ?? null }),
    ...(changes.externalReference && { external_reference: patch.externalReference ?? null }),
    ...(changes.contractualInterestBp && { contractual_interest_bp: patch.contractualInterestBp ?? null }),
    updated_at: now,
  });
  await activity.appendActivity(db, [{ creditorId: creditor.creditorId, caseId, type: 'case.updated', actor, data: { changes } }], now);
  await outbox.appendEvents(db, creditor.creditorId, [event('case.updated', caseId, { caseId, fields: Object.keys(changes) })], now);
  return { found: true, deadlines: planned };
}
