import { z } from 'zod';
import type { UnmatchedPaymentRow } from '@fordra/db';
import { Instant, iso, isoOrNull, LocalDateString } from '../../http/schemas.js';

/** Why a credit was not put on a case. Part of the contract: add reasons, never rename one. */
export const UNMATCHED_REASONS = ['no_reference', 'unknown_reference', 'invalid_reference', 'case_closed', 'currency_mismatch', 'payment_refused'] as const;
export type UnmatchedReason = (typeof UNMATCHED_REASONS)[number];

export const UnmatchedReasonSchema = z
  .enum(UNMATCHED_REASONS)
  .describe(
    'no_reference: the payer gave no reference; unknown_reference: a valid reference no case of the creditor has; invalid_reference: the check digits are wrong (a typo); case_closed: the case is closed; currency_mismatch: the credit is in another currency than the case; payment_refused: the case refused the payment (for instance a booking day after today).',
  );

/** Bank files may bring any ISO 4217 currency, not only the ones cases are opened in. */
export const BankAmountSchema = z
  .object({ amount: z.number().int().describe('Integer minor units.'), currency: z.string().length(3).describe('ISO 4217 currency code.') })
  .meta({ id: 'BankAmount' });

export const ImportedEntrySchema = z
  .object({
    entryRef: z.string().describe("The credit's reference at the bank: the account servicer's reference of the transaction, else of the entry (with /n for the n-th transaction of a batch), else `pos:` and a hash of the message id and the credit's position in the file."),
    bookingDate: LocalDateString,
    amount: BankAmountSchema,
    reference: z.string().nullable().describe('The payment reference the payer gave (structured, or an unstructured line that is a valid reference), else the unstructured message.'),
    payerName: z.string().nullable(),
    outcome: z.enum(['matched', 'unmatched', 'duplicate']).describe('matched: recorded on a case; unmatched: in the unmatched list; duplicate: an earlier file (or an earlier line of this one) already brought this credit, and nothing changed.'),
    caseId: z.uuid().nullable().describe('The case the payment went to (for an unmatched payment: the case it was matched to by hand, if it was).'),
    paymentId: z.uuid().nullable().describe('The payment recorded (for a duplicate: the one recorded before, if any).'),
    unmatchedPaymentId: z.uuid().nullable().describe('The unmatched payment (for a duplicate: the one listed before, if any).'),
    reason: UnmatchedReasonSchema.nullable(),
    detail: z.string().nullable().describe('Why the case refused the payment, in words; only in the answer of the import that tried.'),
  })
  .meta({ id: 'ImportedBankEntry' });

export const PaymentFileSchema = z
  .object({
    id: z.uuid(),
    format: z.string().describe('The message and its version, e.g. camt.054.001.08.'),
    messageId: z.string().nullable().describe("The bank's message id (GrpHdr/MsgId)."),
    importedAt: Instant,
    counts: z.object({
      entries: z.number().int().describe('Booked credits in the file.'),
      matched: z.number().int(),
      unmatched: z.number().int(),
      duplicates: z.number().int(),
    }),
    skipped: z
      .object({ debits: z.number().int(), reversals: z.number().int(), notBooked: z.number().int(), zeroAmount: z.number().int() })
      .nullable()
      .describe('Transactions of the file that are not credits to import; known when the file itself is at hand (answers to POST), null on GET.'),
    entries: z
      .array(ImportedEntrySchema)
      .describe('Each credit and what became of it. Answers to POST list every credit in file order; GET lists the payments and unmatched payments the import made (duplicates only count).'),
  })
  .meta({ id: 'PaymentFileImport' });

export type PaymentFileSummary = z.infer<typeof PaymentFileSchema>;
export type ImportedEntry = z.infer<typeof ImportedEntrySchema>;

export const UnmatchedPaymentSchema = z
  .object({
    id: z.uuid(),
    paymentFileId: z.uuid(),
    entryRef: z.string(),
    amount: BankAmountSchema,
    bookedOn: LocalDateString,
    reference: z.string().nullable().describe('The reference or message the payer gave.'),
    payerName: z.string().nullable(),
    reason: UnmatchedReasonSchema,
    status: z.enum(['open', 'matched']),
    caseId: z.uuid().nullable().describe('The case it was matched to by hand.'),
    paymentId: z.uuid().nullable(),
    createdAt: Instant,
    matchedAt: Instant.nullable(),
  })
  .meta({ id: 'UnmatchedPayment' });

export function toUnmatched(row: UnmatchedPaymentRow) {
  return {
    id: row.id,
    paymentFileId: row.payment_file_id,
    entryRef: row.bank_entry_ref,
    amount: { amount: Number(row.amount_minor), currency: row.currency },
    bookedOn: row.booked_on,
    reference: row.reference,
    payerName: row.payer_name,
    reason: (UNMATCHED_REASONS as readonly string[]).includes(row.reason) ? (row.reason as UnmatchedReason) : 'payment_refused',
    status: row.status,
    caseId: row.case_id,
    paymentId: row.payment_id,
    createdAt: iso(row.created_at),
    matchedAt: isoOrNull(row.matched_at),
  };
}
