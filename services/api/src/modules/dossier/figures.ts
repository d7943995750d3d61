/**
 * The dossier's figures, computed from rows already read: pure functions, no I/O, so the rules
 * (what counts as paid late, which invoices are still unpaid) are stated once and tested alone.
 */
import { compareDates, dayOf, daysBetween, type LocalDate } from '@fordra/domain';

/** One of the debtor's cases with the sums the history needs. */
export interface HistoryCase {
  readonly status: 'verification' | 'active' | 'on_hold' | 'escalated' | 'closed';
  readonly closeReason: 'paid' | 'withdrawn' | 'written_off' | null;
  readonly holdReason: string | null;
  readonly currency: string;
  readonly closedAt: Date | null;
  /** The earliest due date of the case's invoices (null only for a case without invoices). */
  readonly earliestDueDate: LocalDate | null;
  readonly invoicedMinor: bigint;
  readonly feesMinor: bigint;
  readonly paidMinor: bigint;
  /** The day of the case's latest payment, if any. */
  readonly lastPaidOn: LocalDate | null;
}

export interface CaseCounts {
  total: number;
  open: number;
  closed: number;
  paid: number;
  withdrawn: number;
  writtenOff: number;
}

export interface PaymentBehaviour {
  paidOnTime: number;
  paidLate: number;
  /** Mean days late over the cases paid late, to one decimal; null when none was late. */
  averageDaysLate: number | null;
  /** The most days late of any case paid late; null when none was late. */
  maxDaysLate: number | null;
}

export function countCases(cases: readonly HistoryCase[]): CaseCounts {
  const closed = cases.filter((c) => c.status === 'closed');
  return {
    total: cases.length,
    open: cases.length - closed.length,
    closed: closed.length,
    paid: closed.filter((c) => c.closeReason === 'paid').length,
    withdrawn: closed.filter((c) => c.closeReason === 'withdrawn').length,
    writtenOff: closed.filter((c) => c.closeReason === 'written_off').length,
  };
}

/**
 * The day a case closed as paid was paid: its latest payment's day, or, for a case closed as paid
 * without payments recorded in Fordra, the day it closed in the creditor's time zone.
 */
export function paidDay(c: HistoryCase, timeZone: string): LocalDate | null {
  if (c.status !== 'closed' || c.closeReason !== 'paid') return null;
  if (c.lastPaidOn) return c.lastPaidOn;
  return c.closedAt ? dayOf(c.closedAt, timeZone) : null;
}

/** Calendar days from the earliest due date to the paid day; 0 when paid on or before the due date. */
export function daysLate(c: HistoryCase, timeZone: string): number | null {
  const paid = paidDay(c, timeZone);
  if (!paid || !c.earliestDueDate) return null;
  return Math.max(0, daysBetween(c.earliestDueDate, paid));
}

export function paymentBehaviour(cases: readonly HistoryCase[], timeZone: string): PaymentBehaviour {
  const late: number[] = [];
  let onTime = 0;
  for (const c of cases) {
    const days = daysLate(c, timeZone);
    if (days === null) continue;
    if (days > 0) late.push(days);
    else onTime += 1;
  }
  const total = late.reduce((a, b) => a + b, 0);
  return {
    paidOnTime: onTime,
    paidLate: late.length,
    averageDaysLate: late.length ? Math.round((total / late.length) * 10) / 10 : null,
    maxDaysLate: late.length ? Math.max(...late) : null,
  };
}

/** What the debtor owes on its open cases (invoices + fees − payments), per currency, by currency code. */
export function outstandingByCurrency(cases: readonly HistoryCase[]): { currency: string; amountMinor: bigint }[] {
  const totals = new Map<string, bigint>();
  for (const c of cases) {
    if (c.status === 'closed') continue;
    totals.set(c.currency, (totals.get(c.currency) ?? 0n) + c.invoicedMinor + c.feesMinor - c.paidMinor);
  }
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amountMinor]) => ({ currency, amountMinor }));
}

export interface InvoiceDue {
  readonly id: string;
  readonly number: string;
  readonly issueDate: LocalDate;
  readonly dueDate: LocalDate;
  readonly amountMinor: bigint;
}

export interface UnpaidInvoice extends InvoiceDue {
  readonly unpaidMinor: bigint;
  readonly daysOverdue: number;
}

/**
 * The invoices still unpaid. Payments are recorded on the case, not on an invoice, so they are
 * applied to the invoices oldest due date first (then by number), before fees; an invoice is
 * unpaid while any of it is left. Days overdue count calendar days after the due date up to
 * today (0 when not yet due).
 */
export function unpaidInvoices(invoices: readonly InvoiceDue[], paidMinor: bigint, today: LocalDate): UnpaidInvoice[] {
  const ordered = [...invoices].sort((a, b) => compareDates(a.dueDate, b.dueDate) || a.number.localeCompare(b.number));
  let left = paidMinor > 0n ? paidMinor : 0n;
  const unpaid: UnpaidInvoice[] = [];
  for (const invoice of ordered) {
    const applied = left < invoice.amountMinor ? left : invoice.amountMinor;
    left -= applied;
    const unpaidMinor = invoice.amountMinor - applied;
    if (unpaidMinor > 0n) unpaid.push({ ...invoice, unpaidMinor, daysOverdue: Math.max(0, daysBetween(invoice.dueDate, today)) });
  }
  return unpaid;
}
