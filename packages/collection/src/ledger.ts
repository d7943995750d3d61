import type { Kysely } from 'kysely';
import type { AdjustmentRow, CaseRow, Database, InvoiceRow, PaymentRow, ReferenceRateRow } from '@fordra/db';
import {
  checkAllocationOrder,
  computeLedger,
  dayOf,
  DEFAULT_ALLOCATION_ORDER,
  statutoryRates,
  statutoryRule,
  type Ledger,
  type RatePeriod,
} from '@fordra/domain';

/** Everything a case's ledger is derived from. */
export interface LedgerRows {
  invoices: Pick<InvoiceRow, 'id' | 'number' | 'due_date' | 'amount_minor'>[];
  charges: { id: string; kind: string; amount_minor: bigint; created_at: Date; invoice_id: string | null }[];
  payments: Pick<PaymentRow, 'id' | 'amount_minor' | 'paid_on'>[];
  adjustments: Pick<AdjustmentRow, 'id' | 'kind' | 'amount_minor' | 'booked_on' | 'invoice_id'>[];
  creditor: { country: string; time_zone: string; late_interest: 'none' | 'statutory'; allocation_order: string[] };
  debtorKind: 'business' | 'consumer';
  references: Pick<ReferenceRateRow, 'basis' | 'valid_from' | 'rate_bp'>[];
}

/** The late-payment rate of a case: its contractual rate, else the statutory one if the creditor charges it, else none. */
export function caseRates(row: Pick<CaseRow, 'contractual_interest_bp'>, rows: Pick<LedgerRows, 'creditor' | 'debtorKind' | 'references'>): RatePeriod[] {
  if (row.contractual_interest_bp !== null) return [{ validFrom: '1900-01-01', rateBp: row.contractual_interest_bp }];
  if (rows.creditor.late_interest !== 'statutory') return [];
  const rule = statutoryRule(rows.creditor.country, rows.debtorKind);
  if (!rule) return [];
  return statutoryRates(rule, rows.references.filter((r) => r.basis === rule.basis).map((r) => ({ validFrom: r.valid_from, rateBp: r.rate_bp })));
}

/** The ledger as of `now`'s day in the creditor's zone, from rows already read. */
export function ledgerFromRows(row: Pick<CaseRow, 'contractual_interest_bp'>, rows: LedgerRows, now: Date): Ledger {
  const zone = rows.creditor.time_zone;
  return computeLedger({
    asOf: dayOf(now, zone),
    invoices: rows.invoices.map((i) => ({ id: i.id, number: i.number, dueDate: i.due_date, amountMinor: BigInt(i.amount_minor) })),
    charges: rows.charges.map((c) => ({ id: c.id, kind: c.kind, amountMinor: BigInt(c.amount_minor), bookedOn: dayOf(c.created_at, zone), invoiceId: c.invoice_id })),
    payments: rows.payments.map((p) => ({ id: p.id, amountMinor: BigInt(p.amount_minor), paidOn: p.paid_on })),
    adjustments: rows.adjustments.map((a) => ({ id: a.id, kind: a.kind, amountMinor: BigInt(a.amount_minor), bookedOn: a.booked_on, invoiceId: a.invoice_id })),
    rates: caseRates(row, rows),
    order: safeOrder(rows.creditor.allocation_order),
  });
}

function safeOrder(order: string[]) {
  try {
    return checkAllocationOrder(order);
  } catch {
    return [...DEFAULT_ALLOCATION_ORDER];
  }
}

/** Reads what the ledgers of some cases of one creditor are derived from, in a fixed number of statements. */
export async function loadLedgerRows(db: Kysely<Database>, creditorId: string, cases: readonly Pick<CaseRow, 'id' | 'debtor_id'>[]): Promise<Map<string, LedgerRows>> {
  const ids = cases.map((c) => c.id);
  if (ids.length === 0) return new Map();
  const [creditor, invoices, charges, payments, adjustments, debtors, references] = await Promise.all([
    db.selectFrom('creditors').select(['country', 'time_zone', 'late_interest', 'allocation_order']).where('id', '=', creditorId).executeTakeFirstOrThrow(),
    db.selectFrom('invoices').select(['id', 'case_id', 'number', 'due_date', 'amount_minor']).where('creditor_id', '=', creditorId).where('case_id', 'in', ids).execute(),
    db.selectFrom('case_charges').select(['id', 'case_id', 'kind', 'amount_minor', 'created_at', 'invoice_id']).where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('created_at').execute(),
    db.selectFrom('payments').select(['id', 'case_id', 'amount_minor', 'paid_on']).where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('created_at').execute(),
    db.selectFrom('case_adjustments').select(['id', 'case_id', 'kind', 'amount_minor', 'booked_on', 'invoice_id']).where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('created_at').execute(),
    db.selectFrom('debtors').select(['id', 'kind']).where('creditor_id', '=', creditorId).where('id', 'in', [...new Set(cases.map((c) => c.debtor_id))]).execute(),
    db.selectFrom('reference_rates').select(['basis', 'valid_from', 'rate_bp']).orderBy('valid_from').execute(),
  ]);
  const kindOf = new Map(debtors.map((d) => [d.id, d.kind]));
  return new Map(
    cases.map((c) => [
      c.id,
      {
        invoices: invoices.filter((i) => i.case_id === c.id),
        charges: charges.filter((x) => x.case_id === c.id),
        payments: payments.filter((x) => x.case_id === c.id),
        adjustments: adjustments.filter((x) => x.case_id === c.id),
        creditor,
        debtorKind: kindOf.get(c.debtor_id) ?? 'business',
        references,
      },
    ]),
  );
}

/** One case's ledger today. */
export async function caseLedger(db: Kysely<Database>, row: CaseRow, now: Date): Promise<Ledger> {
  const rows = (await loadLedgerRows(db, row.creditor_id, [row])).get(row.id)!;
  return ledgerFromRows(row, rows, now);
}
