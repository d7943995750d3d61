import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { activity, invoices, outbox, together, type ActivityRow, type Database, type InvoiceRow, type Statement } from '@fordra/db';
import { assertValidInvoices, event, type Actor, type Currency } from '@fordra/domain';
import type { InvoiceInputT } from './schemas.js';

type Q = Kysely<Database>;

/**
 * The statements that add invoices to a case with their activity entries and events, none of
 * which needs another's answer: the invoices' ids are minted here. `pathPrefix` names where the
 * invoices sat in the request, for error pointers.
 */
export function invoiceStatements(
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
): { ids: string[]; invoices: Statement<InvoiceRow[]>; activity: Statement<ActivityRow[]>; events: Statement<string[]> | null } {
  const terms = input.map((i) => ({
    number: i.number,
    issueDate: i.issueDate,
    dueDate: i.dueDate,
    amountMinor: i.amount,
    currency: i.currency ?? target.currency,
  }));
  assertValidInvoices(target.currency, terms, existingNumbers, pathPrefix);
  const added = input.map((i, n) => ({ id: randomUUID(), number: i.number, dueDate: i.dueDate, amount: terms[n]!.amountMinor, paymentTerms: i.paymentTerms ?? null, issueDate: i.issueDate }));
  const rows = added.map((i) => ({
    id: i.id,
    creditor_id: target.creditorId,
    case_id: target.caseId,
    number: i.number,
    issue_date: i.issueDate,
    due_date: i.dueDate,
    amount_minor: i.amount,
    currency: target.currency,
    payment_terms: i.paymentTerms,
    created_at: now,
  }));
  const facts = (i: (typeof added)[number]) => ({ invoiceId: i.id, number: i.number, dueDate: i.dueDate, amount: i.amount, currency: target.currency });
  const entries = [
    ...(precede ? [precede] : []),
    ...added.map((i) => ({ creditorId: target.creditorId, caseId: target.caseId, type: 'invoice.added', actor, data: facts(i) })),
  ];
  return {
    ids: added.map((i) => i.id),
    invoices: invoices.invoicesInsert(db, rows),
    activity: activity.activityInsert(db, entries, now),
    events: announce ? outbox.eventsInsert(db, target.creditorId, added.map((i) => event('invoice.added', target.caseId, { caseId: target.caseId, ...facts(i) })), now) : null,
  };
}

/** Adds invoices to a case with their activity entries and events, in the caller's transaction. */
export async function addInvoices(...args: Parameters<typeof invoiceStatements>): Promise<{ rows: InvoiceRow[]; activity: ActivityRow[] }> {
  const statements = invoiceStatements(...args);
  const [rows, entries] = await together(args[0], [statements.invoices, statements.activity, statements.events]);
  return { rows, activity: entries };
}
