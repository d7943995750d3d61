import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../dates.js';
import { accrue, interestMinor, interestStart, type RatePeriod } from './interest.js';
import { ALLOCATION_PARTS, computeLedger, type LedgerInput } from './ledger.js';

const DAY0 = '2024-01-01';
const day = (offset: number) => addDays(DAY0, offset);
const amount = fc.bigInt({ min: 1n, max: 1_000_000_000n });

const rates: fc.Arbitrary<RatePeriod[]> = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 3000 })), { maxLength: 5 })
  .map((periods) => {
    const seen = new Set<number>();
    return periods
      .filter(([offset]) => !seen.has(offset) && seen.add(offset))
      .sort((a, b) => a[0] - b[0])
      .map(([offset, rateBp]) => ({ validFrom: day(offset), rateBp }));
  });

const ledgerInput: fc.Arbitrary<LedgerInput> = fc.record({
  asOf: fc.integer({ min: 0, max: 3650 }).map(day),
  invoices: fc.array(fc.record({ offset: fc.integer({ min: 0, max: 1000 }), amountMinor: amount }), { minLength: 1, maxLength: 4 }).map((list) =>
    list.map((i, n) => ({ id: `i${n}`, number: `F-${n}`, dueDate: day(i.offset), amountMinor: i.amountMinor })),
  ),
  charges: fc.array(fc.record({ offset: fc.integer({ min: 0, max: 2000 }), amountMinor: fc.bigInt({ min: 1n, max: 100_000n }) }), { maxLength: 3 }).map((list) =>
    list.map((c, n) => ({ id: `c${n}`, kind: 'reminder_fee', amountMinor: c.amountMinor, bookedOn: day(c.offset) })),
  ),
  payments: fc.array(fc.record({ offset: fc.integer({ min: 0, max: 3000 }), amountMinor: amount }), { maxLength: 5 }).map((list) =>
    list.map((p, n) => ({ id: `p${n}`, amountMinor: p.amountMinor, paidOn: day(p.offset) })),
  ),
  adjustments: fc.array(fc.record({ offset: fc.integer({ min: 0, max: 3000 }), amountMinor: amount, kind: fc.constantFrom('credit_note' as const, 'write_off' as const, 'refund' as const) }), { maxLength: 2 }).map((list) =>
    list.map((a, n) => ({ id: `a${n}`, kind: a.kind, amountMinor: a.amountMinor, bookedOn: day(a.offset), invoiceId: a.kind === 'credit_note' ? 'i0' : null })),
  ),
  rates,
  order: fc.shuffledSubarray([...ALLOCATION_PARTS], { minLength: 3, maxLength: 3 }),
});

describe('ledger properties', () => {
  it('its parts always add up to the outstanding amount, which is where the entries end', () => {
    fc.assert(
      fc.property(ledgerInput, (input) => {
        const { parts, entries } = computeLedger(input);
        expect(parts.outstanding).toBe(parts.principal + parts.costs + parts.interest - parts.overpaid);
        expect(entries.at(-1)!.balanceMinor).toBe(parts.outstanding);
        const moved = entries.reduce((s, e) => s + e.amountMinor, 0n);
        expect(moved).toBe(parts.outstanding);
      }),
      { numRuns: 500 },
    );
  });

  it('never makes a part negative, and a payment settles exactly its amount', () => {
    fc.assert(
      fc.property(ledgerInput, (input) => {
        const { parts, entries, invoices } = computeLedger(input);
        for (const v of [parts.principal, parts.costs, parts.interest, parts.overpaid]) expect(v).toBeGreaterThanOrEqual(0n);
        for (const i of invoices) expect(i.principal).toBeGreaterThanOrEqual(0n);
        for (const e of entries.filter((x) => x.kind === 'payment')) {
          const a = e.allocation!;
          for (const v of [a.costs, a.interest, a.principal, a.overpaid]) expect(v).toBeGreaterThanOrEqual(0n);
          expect(a.costs + a.interest + a.principal + a.overpaid).toBe(-e.amountMinor);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never charges interest on interest: unpaid, it is simple interest on the principal', () => {
    const unpaid = fc.record({
      principal: amount,
      dueOffset: fc.integer({ min: 0, max: 500 }),
      years: fc.integer({ min: 1, max: 10 }),
      rates,
    });
    fc.assert(
      fc.property(unpaid, ({ principal, dueOffset, years, rates: r }) => {
        const dueDate = day(dueOffset);
        const asOf = addDays(dueDate, 365 * years);
        const ledger = computeLedger({ asOf, invoices: [{ id: 'i', number: 'F', dueDate, amountMinor: principal }], charges: [], payments: [], adjustments: [], rates: r, order: ['costs', 'interest', 'principal'] });
        expect(ledger.parts.interest).toBe(interestMinor(accrue(principal, interestStart(dueDate), asOf, r).numerator));
      }),
      { numRuns: 300 },
    );
  });
});
