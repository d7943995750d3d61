import type { Kysely } from 'kysely';
import { invoices, type CaseRow, type Database } from '@fordra/db';
import { asCurrency, money, outstandingAmount, sum, type Money } from '@fordra/domain';

/** The invoices plus the fees charged so far; payments join when the ledger arrives. */
export async function caseOutstanding(db: Kysely<Database>, row: CaseRow): Promise<Money> {
  const currency = asCurrency(row.currency);
  const [caseInvoices, charges] = await Promise.all([
    invoices.listInvoicesOfCases(db, row.creditor_id, [row.id]),
    db.selectFrom('case_charges').select(['amount_minor']).where('case_id', '=', row.id).execute(),
  ]);
  const principal = outstandingAmount(currency, caseInvoices.map((i) => ({ amountMinor: i.amount_minor })));
  return sum(currency, [principal, ...charges.map((c) => money(c.amount_minor, currency))]);
}
