import { describe, expect, it } from 'vitest';
import { countCases, daysLate, outstandingByCurrency, paymentBehaviour, unpaidInvoices, type HistoryCase } from './figures.js';

const TZ = 'Europe/Stockholm';

const paidCase = (over: Partial<HistoryCase>): HistoryCase => ({
  status: 'closed',
  closeReason: 'paid',
  holdReason: null,
  currency: 'SEK',
  closedAt: new Date('2026-11-01T12:00:00Z'),
  earliestDueDate: '2026-10-31',
  invoicedMinor: 100n,
  feesMinor: 0n,
  paidMinor: 100n,
  lastPaidOn: null,
  ...over,
});

describe('the debtor history figures', () => {
  it('dates a payment by the last payment, else by the closing day in the creditor’s time zone', () => {
    expect(daysLate(paidCase({ lastPaidOn: '2026-11-03', closedAt: new Date('2026-11-20T12:00:00Z') }), TZ)).toBe(3);
    // 23:30 UTC on the 5th is already the 6th in Stockholm.
    expect(daysLate(paidCase({ closedAt: new Date('2026-11-05T23:30:00Z') }), TZ)).toBe(6);
    expect(daysLate(paidCase({ closedAt: new Date('2026-11-05T23:30:00Z') }), 'UTC')).toBe(5);
    expect(daysLate(paidCase({ lastPaidOn: '2026-10-01' }), TZ)).toBe(0);
    expect(daysLate(paidCase({ closeReason: 'written_off' }), TZ)).toBeNull();
    expect(daysLate(paidCase({ status: 'active', closeReason: null, closedAt: null }), TZ)).toBeNull();
  });

  it('averages the days late over the cases paid late only, to one decimal', () => {
    const cases = [
      paidCase({ lastPaidOn: '2026-10-31' }),
      paidCase({ lastPaidOn: '2026-11-01' }),
      paidCase({ lastPaidOn: '2026-11-02' }),
      paidCase({ lastPaidOn: '2026-11-02' }),
      paidCase({ closeReason: 'withdrawn', lastPaidOn: '2026-12-31' }),
    ];
    expect(paymentBehaviour(cases, TZ)).toEqual({ paidOnTime: 1, paidLate: 3, averageDaysLate: 1.7, maxDaysLate: 2 });
    expect(countCases(cases)).toEqual({ total: 5, open: 0, closed: 5, paid: 4, withdrawn: 1, writtenOff: 0 });
  });

  it('adds up what open cases owe per currency and leaves closed cases out', () => {
    const open = (currency: string, invoicedMinor: bigint, feesMinor: bigint, paidMinor: bigint): HistoryCase =>
      paidCase({ status: 'active', closeReason: null, closedAt: null, currency, invoicedMinor, feesMinor, paidMinor });
    expect(outstandingByCurrency([open('SEK', 1000n, 60n, 500n), open('EUR', 300n, 0n, 0n), open('SEK', 200n, 0n, 0n), paidCase({ invoicedMinor: 999n, paidMinor: 0n })])).toEqual([
      { currency: 'EUR', amountMinor: 300n },
      { currency: 'SEK', amountMinor: 760n },
    ]);
  });
});

describe('the unpaid invoices', () => {
  const invoices = [
    { id: 'b', number: 'F-2', issueDate: '2026-10-01', dueDate: '2026-11-10', amountMinor: 500n },
    { id: 'c', number: 'F-10', issueDate: '2026-10-01', dueDate: '2026-12-31', amountMinor: 300n },
    { id: 'a', number: 'F-1', issueDate: '2026-10-01', dueDate: '2026-11-10', amountMinor: 200n },
  ];

  it('applies payments oldest due first, then by number, and counts days overdue to today', () => {
    expect(unpaidInvoices(invoices, 300n, '2026-11-24').map((i) => [i.number, i.unpaidMinor, i.daysOverdue])).toEqual([
      ['F-2', 400n, 14],
      ['F-10', 300n, 0],
    ]);
    expect(unpaidInvoices(invoices, 0n, '2026-11-10').map((i) => [i.number, i.unpaidMinor, i.daysOverdue])).toEqual([
      ['F-1', 200n, 0],
      ['F-2', 500n, 0],
      ['F-10', 300n, 0],
    ]);
  });

  it('lists nothing once the payments cover every invoice', () => {
    expect(unpaidInvoices(invoices, 1000n, '2026-11-24')).toEqual([]);
    expect(unpaidInvoices(invoices, 5000n, '2026-11-24')).toEqual([]);
  });
});
