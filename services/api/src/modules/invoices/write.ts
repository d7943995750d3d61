import type { Kysely } from 'kysely';
import { activity, invoices, outbox, type ActivityRow, type Database, type InvoiceRow } from '@fordra/db';
import { assertValidInvoices, event, type Actor, type Currency } from '@fordra/domain';
import type { InvoiceInputT } from './schemas.js';

type Q = Kysely<Database>;

/**
 * Adds invoices to a case with their activity entries and events, in the caller's transaction.
 * `pathPrefix` names where the invoices sat in the request, for error pointers.
 */
export async function addInvoices(
  db: Q,
  target: { creditorId: string; caseId: string; currency: Currency },
  input: readonly InvoiceInputT[],
  existingNumbers: readonly string[],
  actor: Actor,
  now: Date,
  pathPrefix: string,
  /** False when the invoices open a new case: `case.created` already announces them. */
  announce = true,
  /** An entry recorded just before the invoices' own, in the same insert (the case's creation). */
  precede?: activity.ActivityEntry,
): Promise<{ rows: InvoiceRow[]; activity: ActivityRow[] }> {
  const terms = input.map((i) => ({
    number: i.number,
    issueDate: i.issueDate,
    dueDate: i.dueDate,
    amountMinor: i.amount,
    currency: i.currency ?? target.currency,
  }));
  assertValidInvoices(target.currency, terms, existingNumbers, pathPrefix);
  const rows = await invoices.insertInvoices(
    db,
    input.map((i, n) => ({
      creditor_id: target.creditorId,
      case_id: target.caseId,
      number: i.number,
      issue_date: i.issueDate,
      due_date: i.dueDate,
      amount_minor: terms[n]!.amountMinor,
      currency: target.currency,
      payment_terms: i.paymentTerms ?? null,
      created_at: now,
    })),
  );
  const entries = await activity.appendActivity(
    db,
    [
      ...(precede ? [precede] : []),
      ...rows.map((r) => ({
      creditorId: target.creditorId,
      caseId: target.caseId,
      type: 'invoice.added',
      actor,
      data: { invoiceId: r.id, number: r.number, dueDate: r.due_date, amount: Number(r.amount_minor), currency: target.currency },
      })),
    ],
    now,
  );
  if (!announce) return { rows, activity: entries };
  await outbox.appendEvents(
    db,
    target.creditorId,
    rows.map((r) =>
      event('invoice.added', target.caseId, {
        caseId: target.caseId,
        invoiceId: r.id,
        number: r.number,
        dueDate: r.due_date,
        amount: Number(r.amount_minor),
        currency: target.currency,
      }),
    ),
    now,
  );
  return { rows, activity: entries };
}
