import type { Kysely } from 'kysely';
import { cases, charges, creditors, deadlines, debtors, invoices, type Database } from '@fordra/db';
import { addBusinessDays, dayOf, type Language } from '@fordra/domain';
import type { MessageContext } from '@fordra/templates';

/**
 * Everything a message about a case may say, read from Postgres at the moment of rendering:
 * the unpaid invoices and their parts, how to pay, and, for a final demand, the last day to
 * pay and the day of the hand-over that the schedule holds.
 */
export async function buildMessageContext(
  db: Kysely<Database>,
  params: { creditorId: string; caseId: string; language: Language; now: Date },
): Promise<MessageContext | undefined> {
  const row = await cases.getCase(db, params.creditorId, params.caseId);
  if (!row) return undefined;
  const [creditor, debtor, invoiceRows, chargeRows, steps] = await Promise.all([
    creditors.getCreditor(db, params.creditorId),
    debtors.getDebtor(db, params.creditorId, row.debtor_id),
    invoices.listInvoicesOfCases(db, params.creditorId, [row.id]),
    charges.listChargesOfCases(db, params.creditorId, [row.id]),
    deadlines.listCaseDeadlines(db, params.creditorId, row.id),
  ]);
  if (!creditor || !debtor) return undefined;
  const handOver = steps.find((d) => d.action === 'escalate_to_agency' && d.status === 'scheduled');
  const handOverDate = handOver ? (handOver.day ?? dayOf(handOver.due_at, creditor.time_zone)) : null;
  const principal = invoiceRows.reduce((sum, i) => sum + Number(i.amount_minor), 0);
  const fees = chargeRows.reduce((sum, c) => sum + Number(c.amount_minor), 0);
  return {
    language: params.language,
    today: dayOf(params.now, creditor.time_zone),
    creditor: {
      name: creditor.sender_name ?? creditor.name,
      email: creditor.contact_email,
      phone: creditor.contact_phone,
      website: creditor.website,
    },
    debtor: { name: debtor.name, kind: debtor.kind },
    caseReference: row.external_reference ?? row.id.slice(0, 8).toUpperCase(),
    invoices: invoiceRows.map((i) => ({
      number: i.number,
      issueDate: i.issue_date,
      dueDate: i.due_date,
      amountMinor: Number(i.amount_minor),
      currency: row.currency,
    })),
    feesMinor: fees,
    outstandingMinor: principal + fees,
    currency: row.currency,
    payment: {
      reference: null,
      bankgiro: creditor.bankgiro,
      iban: creditor.iban,
      bic: creditor.bic,
      // The last day to pay is the business day before the hand-over.
      payBy: handOverDate ? addBusinessDays(creditor.country, handOverDate, -1) : null,
    },
    handOverDate,
    agreement: null,
    payment_received: null,
  };
}
