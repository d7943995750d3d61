import { z } from 'zod';
import type { InvoiceRow } from '@fordra/db';
import { AmountMinor, CurrencyCode, Instant, iso, LocalDateString, Text } from '../../http/schemas.js';

export const InvoiceInput = z
  .object({
    number: Text(64).describe("The creditor's invoice number, as printed on the invoice."),
    issueDate: LocalDateString,
    dueDate: LocalDateString.describe('The due date as agreed, after any special payment terms.'),
    amount: AmountMinor,
    currency: CurrencyCode.optional().describe('Must be the case currency; defaults to it.'),
    paymentTerms: Text(200).nullish().describe('The agreed terms, e.g. "30 days net".'),
  })
  .meta({ id: 'NewInvoice' });

export type InvoiceInputT = z.infer<typeof InvoiceInput>;

export const InvoiceSchema = z
  .object({
    id: z.uuid(),
    number: z.string(),
    issueDate: z.string().meta({ format: 'date' }),
    dueDate: z.string().meta({ format: 'date' }),
    amount: z.number().int(),
    currency: CurrencyCode,
    paymentTerms: z.string().nullable(),
    document: z
      .object({ sizeBytes: z.number().int(), uploadedAt: Instant })
      .nullable()
      .describe('The original invoice PDF, attached to reminders; null until uploaded.'),
    createdAt: Instant,
  })
  .meta({ id: 'Invoice' });

type InvoiceWithDocument = InvoiceRow & { document_size_bytes?: number | null; document_uploaded_at?: Date | null };

export function toInvoice(row: InvoiceWithDocument) {
  return {
    id: row.id,
    number: row.number,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    amount: Number(row.amount_minor),
    currency: row.currency as z.infer<typeof CurrencyCode>,
    paymentTerms: row.payment_terms,
    document:
      row.document_size_bytes != null && row.document_uploaded_at
        ? { sizeBytes: row.document_size_bytes, uploadedAt: iso(row.document_uploaded_at) }
        : null,
    createdAt: iso(row.created_at),
  };
}
