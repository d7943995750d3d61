import { compareDates, type LocalDate } from './dates.js';
import { DomainError, type FieldIssue } from './errors.js';
import { MAX_AMOUNT_MINOR, money, sum, type Currency, type Money } from './money.js';

export interface InvoiceTerms {
  readonly number: string;
  readonly issueDate: LocalDate;
  readonly dueDate: LocalDate;
  readonly amountMinor: number;
  readonly currency: Currency;
}

/**
 * The checks an invoice must pass before anyone is reminded of it: a reminder about an invoice
 * with a wrong due date or amount damages the relationship the process is meant to keep.
 */
export function invoiceIssues(caseCurrency: Currency, invoice: InvoiceTerms, path = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (invoice.currency !== caseCurrency) {
    issues.push({ path: `${path}currency`, message: `must be the case currency ${caseCurrency}` });
  }
  if (compareDates(invoice.dueDate, invoice.issueDate) < 0) {
    issues.push({ path: `${path}dueDate`, message: 'must not be before the issue date' });
  }
  if (!Number.isSafeInteger(invoice.amountMinor) || invoice.amountMinor <= 0 || invoice.amountMinor > MAX_AMOUNT_MINOR) {
    issues.push({ path: `${path}amount`, message: `must be a positive whole number of minor units up to ${MAX_AMOUNT_MINOR}` });
  }
  return issues;
}

/** Validates the invoices a case is opened or extended with; numbers must be unique on the case. */
export function assertValidInvoices(
  caseCurrency: Currency,
  invoices: readonly InvoiceTerms[],
  numbersAlreadyOnCase: readonly string[] = [],
  pathPrefix = 'invoices',
): void {
  const seen = new Set(numbersAlreadyOnCase);
  const issues: FieldIssue[] = [];
  invoices.forEach((invoice, i) => {
    const path = invoices.length === 1 && pathPrefix === '' ? '' : `${pathPrefix}.${i}.`;
    issues.push(...invoiceIssues(caseCurrency, invoice, path));
    if (seen.has(invoice.number)) {
      issues.push({ path: `${path}number`, message: `invoice ${invoice.number} is already on this case` });
    }
    seen.add(invoice.number);
  });
  if (issues.length > 0) {
    const kind = issues.every((i) => i.path.endsWith('currency')) ? 'currency_mismatch' : 'invalid_invoice';
    throw new DomainError(kind, 'the invoices are not valid', issues);
  }
}

/**
 * What the debtor still owes on the case. Until payments are ledgered this is the sum of the
 * invoice amounts; the ledger issue replaces the inputs, not this signature.
 */
export function outstandingAmount(currency: Currency, invoices: readonly { amountMinor: bigint | number }[]): Money {
  return sum(currency, invoices.map((i) => money(BigInt(i.amountMinor), currency)));
}

/** The earliest due date among the invoices, from which the collection clock runs. */
export function earliestDueDate(invoices: readonly { dueDate: LocalDate }[]): LocalDate | null {
  return invoices.reduce<LocalDate | null>((min, i) => (min === null || i.dueDate < min ? i.dueDate : min), null);
}
