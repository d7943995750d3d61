import { compareDates, type LocalDate } from '../dates.js';
import { DomainError } from '../errors.js';
import { accrue, INTEREST_DENOMINATOR, interestMinor, interestStart, type RatePeriod } from './interest.js';

/** The parts a payment settles, in the creditor's order. */
export const ALLOCATION_PARTS = ['costs', 'interest', 'principal'] as const;
export type AllocationPart = (typeof ALLOCATION_PARTS)[number];
export const DEFAULT_ALLOCATION_ORDER: readonly AllocationPart[] = ['costs', 'interest', 'principal'];

export function checkAllocationOrder(order: readonly string[]): AllocationPart[] {
  const valid = order.length === ALLOCATION_PARTS.length && ALLOCATION_PARTS.every((p) => order.includes(p));
  if (!valid) throw new DomainError('invalid_payment', 'the allocation order names costs, interest and principal, each once', [{ path: 'allocationOrder', message: 'a permutation of costs, interest, principal' }]);
  return order as AllocationPart[];
}

export interface LedgerInput {
  /** Up to and including this day: interest accrues to the end of the day before it. */
  asOf: LocalDate;
  invoices: readonly { id: string; number: string; dueDate: LocalDate; amountMinor: bigint }[];
  /** Fees: reminder fees, the business compensation, the collection and plan fees. */
  charges: readonly { id: string; kind: string; amountMinor: bigint; bookedOn: LocalDate; invoiceId?: string | null }[];
  payments: readonly { id: string; amountMinor: bigint; paidOn: LocalDate }[];
  adjustments: readonly { id: string; kind: 'credit_note' | 'write_off' | 'refund'; amountMinor: bigint; bookedOn: LocalDate; invoiceId?: string | null }[];
  /** The annual late-payment rate over time; empty: no interest. */
  rates: readonly RatePeriod[];
  order: readonly AllocationPart[];
}

export type LedgerEntryKind = 'principal' | 'charge' | 'interest' | 'payment' | 'credit_note' | 'write_off' | 'refund';

export interface LedgerEntry {
  date: LocalDate;
  kind: LedgerEntryKind;
  /** The charge's kind for charges (reminder_fee, late_compensation, ...). */
  detail: string | null;
  /** Positive adds to what is owed, negative takes from it. */
  amountMinor: bigint;
  invoiceId: string | null;
  sourceId: string | null;
  /** What the case owes after this entry (negative: overpaid). */
  balanceMinor: bigint;
  /** Payments and write-offs: what they settled. */
  allocation?: Allocation;
}

export interface Allocation {
  costs: bigint;
  interest: bigint;
  principal: bigint;
  /** More than was owed: kept for refund. */
  overpaid: bigint;
}

export interface LedgerParts {
  principal: bigint;
  costs: bigint;
  costsByKind: Record<string, bigint>;
  /** Accrued and unpaid, to the end of the day before asOf. */
  interest: bigint;
  overpaid: bigint;
  /** principal + costs + interest − overpaid. */
  outstanding: bigint;
  paid: bigint;
  credited: bigint;
  writtenOff: bigint;
  refunded: bigint;
  interestCharged: bigint;
  /** Days for which no reference rate was known: the interest shown is then a floor. */
  interestUncoveredDays: number;
}

export interface Ledger {
  entries: LedgerEntry[];
  parts: LedgerParts;
  invoices: { id: string; number: string; principal: bigint; interest: bigint }[];
}

interface InvoiceState {
  id: string;
  number: string;
  dueDate: LocalDate;
  principal: bigint;
  /** Accrued interest, as a numerator over INTEREST_DENOMINATOR. */
  interest: bigint;
  interestCharged: bigint;
  /** Accrued up to (not including) this day. */
  accruedTo: LocalDate;
}

type Event =
  | { date: LocalDate; rank: number; kind: 'charge'; item: LedgerInput['charges'][number] }
  | { date: LocalDate; rank: number; kind: 'adjustment'; item: LedgerInput['adjustments'][number] }
  | { date: LocalDate; rank: number; kind: 'payment'; item: LedgerInput['payments'][number] };

/**
 * A case's ledger, derived from its rows: the invoices' principal, the fees, interest accrued day
 * by day on unpaid principal only, and the payments, credit notes and write-offs, each settling
 * the parts in the creditor's order (oldest cost first, then the oldest invoice's interest and
 * principal first). Pure and exact: integers only, rounding only where money changes hands.
 */
export function computeLedger(input: LedgerInput): Ledger {
  const byDue = [...input.invoices].sort((a, b) => compareDates(a.dueDate, b.dueDate) || a.number.localeCompare(b.number));
  const invoices: InvoiceState[] = byDue.map((i) => ({ id: i.id, number: i.number, dueDate: i.dueDate, principal: i.amountMinor, interest: 0n, interestCharged: 0n, accruedTo: interestStart(i.dueDate) }));
  const costs: { kind: string; amount: bigint }[] = [];
  const entries: LedgerEntry[] = [];
  const totals = { paid: 0n, credited: 0n, writtenOff: 0n, refunded: 0n, overpaid: 0n, uncovered: 0 };
  const balance = () => invoices.reduce((s, i) => s + i.principal + interestMinor(i.interest), 0n) + costs.reduce((s, c) => s + c.amount, 0n) - totals.overpaid;

  const accrueTo = (day: LocalDate) => {
    for (const inv of invoices) {
      if (compareDates(inv.accruedTo, day) >= 0) continue;
      const { numerator, uncovered } = accrue(inv.principal, inv.accruedTo, day, input.rates);
      inv.interest += numerator;
      inv.interestCharged += numerator;
      totals.uncovered += uncovered;
      inv.accruedTo = day;
    }
  };

  const events: Event[] = [
    ...input.charges.map((item) => ({ date: item.bookedOn, rank: 0, kind: 'charge' as const, item })),
    ...input.adjustments.map((item) => ({ date: item.bookedOn, rank: item.kind === 'refund' ? 3 : 1, kind: 'adjustment' as const, item })),
    ...input.payments.map((item) => ({ date: item.paidOn, rank: 2, kind: 'payment' as const, item })),
  ].sort((a, b) => compareDates(a.date, b.date) || a.rank - b.rank);

  let running = byDue.reduce((s, i) => s + i.amountMinor, 0n);
  let principalRunning = 0n;
  for (const inv of byDue) {
    principalRunning += inv.amountMinor;
    entries.push({ date: inv.dueDate, kind: 'principal', detail: inv.number, amountMinor: inv.amountMinor, invoiceId: inv.id, sourceId: inv.id, balanceMinor: principalRunning });
  }

  for (const event of events) {
    // Interest up to the end of the day before the event: a payment on a day stops that day's interest.
    accrueTo(event.date);
    const interestBefore = balance();
    const interestNow = interestBefore - running;
    if (interestNow !== 0n) {
      running = interestBefore;
      entries.push({ date: event.date, kind: 'interest', detail: null, amountMinor: interestNow, invoiceId: null, sourceId: null, balanceMinor: running });
    }
    if (event.kind === 'charge') {
      costs.push({ kind: event.item.kind, amount: event.item.amountMinor });
      running = balance();
      entries.push({ date: event.date, kind: 'charge', detail: event.item.kind, amountMinor: event.item.amountMinor, invoiceId: event.item.invoiceId ?? null, sourceId: event.item.id, balanceMinor: running });
      continue;
    }
    if (event.kind === 'payment') {
      totals.paid += event.item.amountMinor;
      const allocation = settle(event.item.amountMinor, invoices, costs, input.order, null);
      totals.overpaid += allocation.overpaid;
      running = balance();
      entries.push({ date: event.date, kind: 'payment', detail: null, amountMinor: -event.item.amountMinor, invoiceId: null, sourceId: event.item.id, balanceMinor: running, allocation });
      continue;
    }
    const adj = event.item;
    if (adj.kind === 'refund') {
      const refund = adj.amountMinor < totals.overpaid ? adj.amountMinor : totals.overpaid;
      totals.overpaid -= refund;
      totals.refunded += refund;
      running = balance();
      entries.push({ date: event.date, kind: 'refund', detail: null, amountMinor: refund, invoiceId: null, sourceId: adj.id, balanceMinor: running });
      continue;
    }
    // A credit note takes from its invoice's principal; a write-off settles like a payment but never overpays.
    const allocation = adj.kind === 'credit_note' ? settle(adj.amountMinor, invoices, [], ['principal'], adj.invoiceId ?? null) : settle(adj.amountMinor, invoices, costs, input.order, null);
    const applied = adj.amountMinor - allocation.overpaid;
    if (adj.kind === 'credit_note') totals.credited += applied;
    else totals.writtenOff += applied;
    running = balance();
    entries.push({ date: event.date, kind: adj.kind, detail: null, amountMinor: -applied, invoiceId: adj.invoiceId ?? null, sourceId: adj.id, balanceMinor: running, allocation: { ...allocation, overpaid: 0n } });
  }

  // Interest to the end of the day before asOf.
  accrueTo(input.asOf);
  const closing = balance();
  if (closing !== running) entries.push({ date: input.asOf, kind: 'interest', detail: null, amountMinor: closing - running, invoiceId: null, sourceId: null, balanceMinor: closing });

  const costsByKind: Record<string, bigint> = {};
  for (const c of costs) if (c.amount > 0n) costsByKind[c.kind] = (costsByKind[c.kind] ?? 0n) + c.amount;
  const parts = {
    principal: invoices.reduce((s, i) => s + i.principal, 0n),
    costs: costs.reduce((s, c) => s + c.amount, 0n),
    costsByKind,
    interest: invoices.reduce((s, i) => s + interestMinor(i.interest), 0n),
    overpaid: totals.overpaid,
    outstanding: closing,
    paid: totals.paid,
    credited: totals.credited,
    writtenOff: totals.writtenOff,
    refunded: totals.refunded,
    interestCharged: invoices.reduce((s, i) => s + interestMinor(i.interestCharged), 0n),
    interestUncoveredDays: totals.uncovered,
  };
  return { entries, parts, invoices: invoices.map((i) => ({ id: i.id, number: i.number, principal: i.principal, interest: interestMinor(i.interest) })) };
}

/** Settles `amount` against the parts in order; what is left over is overpaid. */
function settle(amount: bigint, invoices: InvoiceState[], costs: { amount: bigint }[], order: readonly AllocationPart[], onlyInvoice: string | null): Allocation {
  let left = amount;
  const out: Allocation = { costs: 0n, interest: 0n, principal: 0n, overpaid: 0n };
  const take = (available: bigint) => (left < available ? left : available);
  // A credit note belongs to its invoice: what exceeds that invoice is not applied.
  const targets = onlyInvoice ? invoices.filter((i) => i.id === onlyInvoice) : invoices;
  for (const part of order) {
    if (part === 'costs') {
      for (const c of costs) {
        const t = take(c.amount);
        c.amount -= t;
        left -= t;
        out.costs += t;
      }
    } else if (part === 'interest') {
      for (const inv of targets) {
        const due = interestMinor(inv.interest);
        const t = take(due);
        // Part-paid interest leaves the numerator exactly; paid in full, the sub-unit remainder goes too.
        inv.interest = t === due ? 0n : inv.interest - t * INTEREST_DENOMINATOR;
        left -= t;
        out.interest += t;
      }
    } else {
      for (const inv of targets) {
        const t = take(inv.principal);
        inv.principal -= t;
        left -= t;
        out.principal += t;
      }
    }
  }
  out.overpaid = left;
  return out;
}
