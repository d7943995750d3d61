import { describe, expect, it } from 'vitest';
import { accrue, INTEREST_DENOMINATOR, interestMinor, statutoryRates, statutoryRule } from './interest.js';
import { computeLedger, checkAllocationOrder, type LedgerInput } from './ledger.js';

// Riksbank reference rates as published for the half-years (basis points).
const RIKSBANK = [
  { validFrom: '2026-01-01', rateBp: 175 },
  { validFrom: '2026-07-01', rateBp: 150 },
];
const seRates = statutoryRates(statutoryRule('SE', 'business')!, RIKSBANK);

const base = (over: Partial<LedgerInput> = {}): LedgerInput => ({
  asOf: '2026-06-01',
  invoices: [{ id: 'a', number: 'F-1', dueDate: '2026-03-31', amountMinor: 1_000_000n }],
  charges: [],
  payments: [],
  adjustments: [],
  rates: seRates,
  order: ['costs', 'interest', 'principal'],
  ...over,
});

describe('statutory interest', () => {
  it('is the reference rate plus the legal margin', () => {
    expect(seRates).toEqual([
      { validFrom: '2026-01-01', rateBp: 975 },
      { validFrom: '2026-07-01', rateBp: 950 },
    ]);
    expect(statutoryRule('FI', 'consumer')).toEqual({ basis: 'ecb', marginBp: 700 });
    expect(statutoryRule('FI', 'business')).toEqual({ basis: 'ecb', marginBp: 800 });
    expect(statutoryRule('DE', 'business')).toBeNull();
  });

  it('accrues per day at the rate of each day, exact across a rate change', () => {
    // 10 000,00 SEK from 1 April to 1 June (61 days) at 9.75 %: 10 000 × 0.0975 × 61 / 365 = 162.95 SEK.
    expect(interestMinor(accrue(1_000_000n, '2026-04-01', '2026-06-01', seRates).numerator)).toBe(16_295n);
    // 20 days in June at 9.75 % and 10 in July at 9.50 %, computed as one sum before rounding.
    const split = accrue(1_000_000n, '2026-06-11', '2026-07-11', seRates).numerator;
    expect(split).toBe(1_000_000n * 975n * 20n + 1_000_000n * 950n * 10n);
    expect(interestMinor(split)).toBe(7_945n);
    // Days before the first known rate earn nothing and are reported.
    expect(accrue(1_000_000n, '2025-12-22', '2026-01-01', seRates)).toEqual({ numerator: 0n, uncovered: 10 });
  });

  it('rounds half up, once', () => {
    expect(interestMinor(INTEREST_DENOMINATOR / 2n)).toBe(1n);
    expect(interestMinor(INTEREST_DENOMINATOR / 2n - 1n)).toBe(0n);
  });
});

describe('the ledger', () => {
  it('runs interest from the day after the due date and stops it on the day of payment', () => {
    const ledger = computeLedger(base());
    // Due 31 March: interest from 1 April to the end of 31 May.
    expect(ledger.parts).toMatchObject({ principal: 1_000_000n, interest: 16_295n, outstanding: 1_016_295n });
    const paid = computeLedger(base({ payments: [{ id: 'p', amountMinor: 1_016_295n, paidOn: '2026-06-01' }], asOf: '2026-09-01' }));
    expect(paid.parts).toMatchObject({ principal: 0n, interest: 0n, outstanding: 0n, paid: 1_016_295n });
  });

  it('settles costs, then interest, then principal, oldest invoice first, and records an overpayment', () => {
    const ledger = computeLedger(
      base({
        invoices: [
          { id: 'new', number: 'F-2', dueDate: '2026-04-30', amountMinor: 50_000n },
          { id: 'old', number: 'F-1', dueDate: '2026-03-31', amountMinor: 100_000n },
        ],
        charges: [{ id: 'c', kind: 'reminder_fee', amountMinor: 6_000n, bookedOn: '2026-04-10' }],
        payments: [
          { id: 'p1', amountMinor: 60_000n, paidOn: '2026-05-01' },
          { id: 'p2', amountMinor: 200_000n, paidOn: '2026-05-02' },
        ],
        rates: [],
      }),
    );
    const [first, second] = ledger.entries.filter((e) => e.kind === 'payment');
    expect(first!.allocation).toEqual({ costs: 6_000n, interest: 0n, principal: 54_000n, overpaid: 0n });
    expect(second!.allocation).toEqual({ costs: 0n, interest: 0n, principal: 96_000n, overpaid: 104_000n });
    expect(ledger.invoices.find((i) => i.id === 'old')!.principal).toBe(0n);
    expect(ledger.parts).toMatchObject({ outstanding: -104_000n, overpaid: 104_000n });
  });

  it('follows the creditor’s order: principal before costs', () => {
    const ledger = computeLedger(
      base({ charges: [{ id: 'c', kind: 'reminder_fee', amountMinor: 6_000n, bookedOn: '2026-04-10' }], payments: [{ id: 'p', amountMinor: 1_000_000n, paidOn: '2026-04-11' }], rates: [], order: checkAllocationOrder(['principal', 'interest', 'costs']) }),
    );
    expect(ledger.entries.find((e) => e.kind === 'payment')!.allocation).toEqual({ costs: 0n, interest: 0n, principal: 1_000_000n, overpaid: 0n });
    expect(ledger.parts).toMatchObject({ principal: 0n, costs: 6_000n, outstanding: 6_000n });
    expect(() => checkAllocationOrder(['costs', 'costs', 'principal'])).toThrow(/each once/);
  });

  it('charges interest on principal only: unpaid interest earns nothing', () => {
    const long = computeLedger(base({ asOf: '2027-04-01' }));
    // A year at 9.75 % then 9.50 %: on 10 000,00 SEK whatever interest is already owed.
    const expected = interestMinor(accrue(1_000_000n, '2026-04-01', '2027-04-01', seRates).numerator);
    expect(long.parts.interest).toBe(expected);
  });

  it('takes credit notes off their invoice, writes off what is left, and refunds an overpayment', () => {
    const ledger = computeLedger(
      base({
        rates: [],
        payments: [{ id: 'p', amountMinor: 1_100_000n, paidOn: '2026-04-20' }],
        adjustments: [
          { id: 'cn', kind: 'credit_note', amountMinor: 200_000n, bookedOn: '2026-04-15', invoiceId: 'a' },
          { id: 'r', kind: 'refund', amountMinor: 300_000n, bookedOn: '2026-04-25' },
        ],
      }),
    );
    expect(ledger.parts).toMatchObject({ credited: 200_000n, paid: 1_100_000n, refunded: 300_000n, overpaid: 0n, outstanding: 0n });
    const writeOff = computeLedger(base({ rates: [], adjustments: [{ id: 'w', kind: 'write_off', amountMinor: 1_000_000n, bookedOn: '2026-04-15' }] }));
    expect(writeOff.parts).toMatchObject({ writtenOff: 1_000_000n, outstanding: 0n });
    expect(writeOff.entries.map((e) => [e.kind, e.balanceMinor])).toEqual([
      ['principal', 1_000_000n],
      ['write_off', 0n],
    ]);
  });
});
