import { z } from 'zod';
import type { Currency, Ledger } from '@fordra/domain';
import { LocalDateString, MoneySchema } from '../../http/schemas.js';

const AllocationSchema = z
  .object({ costs: z.number().int(), interest: z.number().int(), principal: z.number().int(), overpaid: z.number().int() })
  .meta({ id: 'Allocation' });

export const LedgerSchema = z
  .object({
    caseId: z.uuid(),
    asOf: LocalDateString.describe('The day the figures are for: interest is accrued to the end of the day before.'),
    currency: z.string(),
    entries: z
      .array(
        z.object({
          date: LocalDateString,
          kind: z.enum(['principal', 'charge', 'interest', 'payment', 'credit_note', 'write_off', 'refund']),
          detail: z.string().nullable().describe('principal: the invoice number; charge: the fee kind (reminder_fee, late_compensation, collection_fee, ...).'),
          amount: z.number().int().describe('Positive adds to what is owed, negative takes from it.'),
          invoiceId: z.uuid().nullable(),
          sourceId: z.string().nullable().describe('The invoice, charge, payment or adjustment the entry comes from; null for interest.'),
          balance: z.number().int().describe('What is owed after the entry; negative: overpaid.'),
          allocation: AllocationSchema.optional().describe('Payments and write-offs: what they settled.'),
        }),
      )
      .describe('In date order. Interest is shown accrued up to each event.'),
    parts: z.object({
      principal: MoneySchema,
      costs: MoneySchema,
      costsByKind: z.record(z.string(), z.number().int()),
      interest: MoneySchema.describe('Accrued and unpaid.'),
      overpaid: MoneySchema.describe('Received beyond what was owed, to be refunded.'),
      outstanding: MoneySchema.describe('principal + costs + interest − overpaid: exactly what the parts add up to.'),
      paid: MoneySchema,
      credited: MoneySchema,
      writtenOff: MoneySchema,
      refunded: MoneySchema,
      interestCharged: MoneySchema.describe('All interest accrued so far, paid or not.'),
    }),
    invoices: z.array(z.object({ id: z.uuid(), number: z.string(), principal: z.number().int(), interest: z.number().int() })).describe('What is left of each invoice.'),
    interestIncompleteDays: z.number().int().describe('Days for which no reference rate was on file: interest for them is missing, add the rate at /v1/admin/reference-rates.'),
  })
  .meta({ id: 'Ledger' });

const n = (v: bigint) => Number(v);

export function toLedger(caseId: string, asOf: string, currency: Currency, ledger: Ledger): z.infer<typeof LedgerSchema> {
  const money = (v: bigint) => ({ amount: n(v), currency });
  const p = ledger.parts;
  return {
    caseId,
    asOf,
    currency,
    entries: ledger.entries.map((e) => ({
      date: e.date,
      kind: e.kind,
      detail: e.detail,
      amount: n(e.amountMinor),
      invoiceId: e.invoiceId,
      sourceId: e.sourceId,
      balance: n(e.balanceMinor),
      ...(e.allocation && { allocation: { costs: n(e.allocation.costs), interest: n(e.allocation.interest), principal: n(e.allocation.principal), overpaid: n(e.allocation.overpaid) } }),
    })),
    parts: {
      principal: money(p.principal),
      costs: money(p.costs),
      costsByKind: Object.fromEntries(Object.entries(p.costsByKind).map(([k, v]) => [k, n(v)])),
      interest: money(p.interest),
      overpaid: money(p.overpaid),
      outstanding: money(p.outstanding),
      paid: money(p.paid),
      credited: money(p.credited),
      writtenOff: money(p.writtenOff),
      refunded: money(p.refunded),
      interestCharged: money(p.interestCharged),
    },
    invoices: ledger.invoices.map((i) => ({ id: i.id, number: i.number, principal: n(i.principal), interest: n(i.interest) })),
    interestIncompleteDays: p.interestUncoveredDays,
  };
}
