import type { Kysely } from 'kysely';
import { cases, creditors, deadlines, debtors, invoices, type Database } from '@fordra/db';
import { addBusinessDays, dayOf, formatReference, kindOfReference, referenceKindFor, type Language, type PaymentReferenceKind } from '@fordra/domain';
import type { MessageContext } from '@fordra/templates';
import { caseLedger } from './ledger.js';

/** The case's payment reference formatted for print, in the kind it was made in (the creditor may have changed kinds since). */
function printedReference(reference: string | null, creditorKind: PaymentReferenceKind): string | null {
  if (!reference) return null;
  return formatReference(kindOfReference(reference, creditorKind) ?? creditorKind, reference);
}

/**
 * Everything a message about a case may say, read from Postgres at the moment of rendering:
 * the unpaid invoices and their parts (from the case's ledger), how to pay, and, for a final demand, the last day to
 * pay and the day of the hand-over that the schedule holds.
 */
export async function buildMessageContext(
  db: Kysely<Database>,
  params: { creditorId: string; caseId: string; language: Language; now: Date },
): Promise<MessageContext | undefined> {
  const row = await cases.getCase(db, params.creditorId, params.caseId);
  if (!row) return undefined;
  const [creditor, debtor, invoiceRows, steps, ledger] = await Promise.all([
    creditors.getCreditor(db, params.creditorId),
    debtors.getDebtor(db, params.creditorId, row.debtor_id),
    invoices.listInvoicesOfCases(db, params.creditorId, [row.id]),
    deadlines.listCaseDeadlines(db, params.creditorId, row.id),
    caseLedger(db, row, params.now),
  ]);
  if (!creditor || !debtor) return undefined;
  const handOver = steps.find((d) => d.action === 'escalate_to_agency' && d.status === 'scheduled');
  const handOverDate = handOver ? (handOver.day ?? dayOf(handOver.due_at, creditor.time_zone)) : null;
  // What is left of each invoice: a part-paid or credited invoice shows its remaining amount.
  const left = new Map(ledger.invoices.map((i) => [i.id, Number(i.principal)]));
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
    invoices: invoiceRows
      .filter((i) => (left.get(i.id) ?? 0) > 0)
      .map((i) => ({
        number: i.number,
        issueDate: i.issue_date,
        dueDate: i.due_date,
        amountMinor: left.get(i.id) ?? 0,
        currency: row.currency,
      })),
    feesMinor: Number(ledger.parts.costs),
    interestMinor: Number(ledger.parts.interest),
    outstandingMinor: Number(ledger.parts.outstanding),
    currency: row.currency,
    payment: {
      // Printed as the debtor types it into the bank: OCR in one run, Finnish in fives, RF in fours.
      reference: printedReference(row.payment_reference, referenceKindFor(creditor.country, creditor.payment_reference_kind)),
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
