import { describe, expect, it } from 'vitest';
import { assertValidInvoices, earliestDueDate, outstandingAmount, type InvoiceTerms } from './invoice.js';
import { DomainError } from './errors.js';

const invoice = (over: Partial<InvoiceTerms> = {}): InvoiceTerms => ({
  number: 'INV-1',
  issueDate: '2026-10-01',
  dueDate: '2026-10-31',
  amountMinor: 125_000,
  currency: 'SEK',
  ...over,
});

function issuesOf(fn: () => void) {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return { kind: err.kind, paths: err.issues.map((i) => i.path) };
    throw err;
  }
  return null;
}

describe('invoice checks', () => {
  it('accepts a sound invoice', () => {
    expect(issuesOf(() => assertValidInvoices('SEK', [invoice()]))).toBeNull();
  });

  it('names every field that is wrong', () => {
    const result = issuesOf(() =>
      assertValidInvoices('SEK', [invoice({ dueDate: '2026-09-01', amountMinor: 0 }), invoice({ number: 'INV-2', currency: 'EUR' })]),
    );
    expect(result).toEqual({ kind: 'invalid_invoice', paths: ['invoices.0.dueDate', 'invoices.0.amount', 'invoices.1.currency'] });
  });

  it('calls a wrong currency alone a currency mismatch', () => {
    expect(issuesOf(() => assertValidInvoices('SEK', [invoice({ currency: 'EUR' })]))?.kind).toBe('currency_mismatch');
  });

  it('refuses an invoice number twice on one case', () => {
    expect(issuesOf(() => assertValidInvoices('SEK', [invoice(), invoice()]))?.paths).toEqual(['invoices.1.number']);
    expect(issuesOf(() => assertValidInvoices('SEK', [invoice()], ['INV-1']))?.paths).toEqual(['invoices.0.number']);
  });

  it('sums the outstanding amount and finds the earliest due date', () => {
    const all = [
      { amountMinor: 100n, dueDate: '2026-10-31' },
      { amountMinor: 250n, dueDate: '2026-09-30' },
    ];
    expect(outstandingAmount('SEK', all)).toEqual({ amountMinor: 350n, currency: 'SEK' });
    expect(earliestDueDate(all)).toBe('2026-09-30');
    expect(earliestDueDate([])).toBeNull();
  });
});
