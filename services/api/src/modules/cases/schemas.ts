import { z } from 'zod';
import { CASE_STATUSES, CLOSE_REASONS, earliestDueDate, money, toJsonAmount, asCurrency, type Ledger } from '@fordra/domain';
import type { CaseRow, InvoiceRow } from '@fordra/db';
import { CurrencyCode, Id, Instant, iso, isoOrNull, LocalDateString, MoneySchema, Text } from '../../http/schemas.js';
import { DebtorInput } from '../debtors/schemas.js';
import { InvoiceInput, InvoiceSchema, toInvoice } from '../invoices/schemas.js';
import { ActivitySchema } from '../activity/schemas.js';

const ContractualRate = z
  .number()
  .int()
  .min(0)
  .max(10_000)
  .nullable()
  .optional()
  .describe('A late-payment interest rate agreed in the contract, in basis points a year (1200: 12 %); it replaces the statutory rate for this case. Null: none.');

export const CreateCaseBody = z
  .object({
    debtorId: Id.optional().describe('An existing debtor. Give this or `debtor`, not both.'),
    // A new debtor, registered with the case (its description lives on DebtorInput).
    debtor: DebtorInput.optional(),
    currency: CurrencyCode.optional().describe("Defaults to the creditor's default currency."),
    handler: Text(200).nullish().describe('Who handles the case at the creditor (a name, email or user id).'),
    externalReference: Text(100).nullish().describe("The case's id in the creditor's system; unique per creditor."),
    paymentReference: z
      .string()
      .max(50)
      .nullish()
      .describe(
        "The reference the debtor quotes when paying, if the creditor's system already gave the invoice one: of the creditor's kind (Swedish OCR, Finnish reference number or RF creditor reference), checked, spaces allowed; unique per creditor. Left out: Fordra makes one.",
      ),
    policyId: Id.optional().describe("The collection policy to follow; defaults to the creditor's default policy."),
    contractualInterestBp: ContractualRate,
    reminderFeeAgreed: z
      .boolean()
      .default(false)
      .describe('Whether the debtor agreed to reminder fees when the debt arose (Swedish law allows the fee only then).'),
    invoices: z.array(InvoiceInput).min(1).max(100),
  })
  .refine((b) => (b.debtorId === undefined) !== (b.debtor === undefined), {
    message: 'give either debtorId or debtor',
    path: ['debtorId'],
  })
  .meta({ id: 'CreateCase' });

export const PatchCaseBody = z
  .object({
    handler: Text(200).nullable().optional(),
    externalReference: Text(100).nullable().optional(),
    contractualInterestBp: ContractualRate,
    policyId: Id.optional().describe('Move the case to another policy: a running case cancels its waiting steps and follows the new policy from today, leaving out steps it already went through.'),
  })
  .refine((p) => Object.keys(p).length > 0, 'name at least one field to change')
  .meta({ id: 'CasePatch' });

export const ListCasesQuery = z.object({
  status: z.enum(CASE_STATUSES).optional(),
  debtorId: Id.optional(),
  externalReference: z.string().max(100).optional(),
  overdueSince: LocalDateString.optional().describe('Only cases with an invoice due on or before this day.'),
});

const caseFields = {
  id: z.uuid(),
  status: z.enum(CASE_STATUSES),
  closeReason: z.enum(CLOSE_REASONS).nullable(),
  currency: CurrencyCode,
  debtorId: z.uuid(),
  handler: z.string().nullable(),
  externalReference: z.string().nullable(),
  paymentReference: z
    .string()
    .nullable()
    .describe("What the debtor quotes when paying, in its electronic form (no spaces): a Swedish OCR reference, a Finnish reference number or an RF creditor reference, as the creditor's setting says. Reminders and letters print it."),
  outstanding: MoneySchema,
  fees: MoneySchema.describe('Fees added by policy steps and agreements, part of the outstanding amount.'),
  paid: MoneySchema.describe('Payments received on the case, already taken off the outstanding amount (negative outstanding: overpaid).'),
  interest: MoneySchema.describe('Late-payment interest accrued and unpaid to the end of yesterday, part of the outstanding amount (see the ledger).'),
  policyId: z.uuid().nullable().describe('The policy the case follows (null: the default, fixed when collection starts).'),
  reminderFeeAgreed: z.boolean(),
  contractualInterestBp: z.number().int().nullable(),
  earliestDueDate: z.string().meta({ format: 'date' }).nullable(),
  createdAt: Instant,
  updatedAt: Instant,
  closedAt: Instant.nullable(),
};

export const CaseSummarySchema = z.object({ ...caseFields, invoiceCount: z.number().int() }).meta({ id: 'CaseSummary' });

export const CaseSchema = z
  .object({
    ...caseFields,
    invoices: z.array(InvoiceSchema),
    recentActivity: z.array(ActivitySchema).describe('The latest entries, newest first; the full record is at /activity.'),
  })
  .meta({ id: 'Case' });

/** The amounts come from the case's ledger: principal, fees and interest less what was paid or credited. */
function caseCore(row: CaseRow, invoices: InvoiceRow[], ledger: Ledger) {
  const currency = asCurrency(row.currency);
  const amount = (minor: bigint) => ({ amount: toJsonAmount(money(minor, currency)), currency });
  return {
    id: row.id,
    status: row.status,
    closeReason: row.close_reason,
    currency,
    debtorId: row.debtor_id,
    handler: row.handler,
    externalReference: row.external_reference,
    paymentReference: row.payment_reference,
    outstanding: amount(ledger.parts.outstanding),
    fees: amount(ledger.parts.costs),
    paid: amount(ledger.parts.paid),
    interest: amount(ledger.parts.interest),
    policyId: row.policy_id,
    reminderFeeAgreed: row.reminder_fee_agreed,
    contractualInterestBp: row.contractual_interest_bp,
    earliestDueDate: earliestDueDate(invoices.map((i) => ({ dueDate: i.due_date }))),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    closedAt: isoOrNull(row.closed_at),
  };
}

export function toCaseSummary(row: CaseRow, invoices: InvoiceRow[], ledger: Ledger) {
  return { ...caseCore(row, invoices, ledger), invoiceCount: invoices.length };
}

export function toCase(row: CaseRow, invoices: Parameters<typeof toInvoice>[0][], ledger: Ledger, recentActivity: z.infer<typeof ActivitySchema>[]) {
  // Oldest due first, as reminders list them.
  const ordered = [...invoices].sort((a, b) => a.due_date.localeCompare(b.due_date) || a.number.localeCompare(b.number));
  return { ...caseCore(row, invoices, ledger), invoices: ordered.map(toInvoice), recentActivity };
}
