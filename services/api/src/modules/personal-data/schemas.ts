import { z } from 'zod';
import { asCurrency, type Currency } from '@fordra/domain';
import type { DebtorRow } from '@fordra/db';
import { Instant, iso, isoOrNull, LocalDateString, MoneySchema } from '../../http/schemas.js';
import { ActivitySchema, toActivity } from '../activity/schemas.js';
import { AgencyUpdateSchema, HandoverSchema, toAgencyUpdate, toHandover } from '../agency/schemas.js';
import { AgreementSchema, toAgreement } from '../agreements/schemas.js';
import { AuditEventSchema, toAuditEvent } from '../audit/routes.js';
import { ContactSchema, NextStepSchema, toContact } from '../contacts/schemas.js';
import { DebtorSchema, toDebtor } from '../debtors/schemas.js';
import { toUnmatched, UnmatchedPaymentSchema } from '../payment-files/schemas.js';
import type { DebtorExportRows } from './export.js';

export const ErasableDebtorSchema = DebtorSchema.extend({
  erasedAt: Instant.nullable().describe('When the debtor’s personal data was erased; null while it is kept.'),
}).meta({ id: 'DebtorWithErasure' });

export const toErasableDebtor = (row: DebtorRow) => ({ ...toDebtor(row), erasedAt: isoOrNull(row.erased_at) });

const money = (minor: bigint | number, currency: Currency) => ({ amount: Number(minor), currency });

const ExportInvoice = z.object({
  id: z.uuid(),
  number: z.string(),
  issueDate: LocalDateString,
  dueDate: LocalDateString,
  amount: MoneySchema,
  paymentTerms: z.string().nullable(),
  createdAt: Instant,
  document: z
    .object({ sizeBytes: z.number().int(), sha256: z.string(), filename: z.string().nullable(), uploadedAt: Instant, url: z.string().describe('Where the PDF itself is read.') })
    .nullable()
    .describe('The original invoice PDF: its description and address, not its bytes.'),
});

const ExportNotification = z.object({
  id: z.uuid(),
  channel: z.enum(['email', 'letter']),
  template: z.string(),
  language: z.string(),
  recipient: z.record(z.string(), z.unknown()),
  status: z.enum(['queued', 'sent', 'failed', 'cancelled']),
  subject: z.string().nullable(),
  text: z.string().nullable(),
  html: z.string().nullable(),
  pages: z.number().int().nullable(),
  pdfUrl: z.string().nullable().describe('Letters: where the PDF as sent is read.'),
  sentAt: Instant.nullable(),
  failureReason: z.string().nullable(),
  fallbackOf: z.uuid().nullable(),
  agreementId: z.uuid().nullable(),
  createdAt: Instant,
  attemptLog: z.array(z.object({ at: Instant, outcome: z.enum(['sent', 'temporary_failure', 'permanent_failure']), detail: z.string().nullable() })),
});

const ExportPayment = z.object({
  id: z.uuid(),
  amount: MoneySchema,
  paidOn: LocalDateString,
  method: z.string(),
  payerReference: z.string().nullable(),
  source: z.enum(['api', 'agency', 'bank_file']),
  createdAt: Instant,
});

const ExportAdjustment = z.object({
  id: z.uuid(),
  kind: z.enum(['credit_note', 'write_off', 'refund']),
  invoiceId: z.uuid().nullable(),
  amount: MoneySchema,
  bookedOn: LocalDateString,
  note: z.string().nullable(),
  createdAt: Instant,
});

const ExportTask = z.object({
  id: z.uuid(),
  kind: z.enum(['call', 'meeting', 'verification', 'follow_up']),
  status: z.enum(['open', 'done', 'cancelled']),
  assignee: z.string().nullable(),
  dueDate: LocalDateString,
  note: z.string().nullable(),
  agreementId: z.uuid().nullable(),
  contactId: z.uuid().nullable(),
  outcome: z.string().nullable(),
  nextStep: NextStepSchema.nullable(),
  createdAt: Instant,
  completedAt: Instant.nullable(),
});

const ExportCase = z.object({
  id: z.uuid(),
  status: z.enum(['verification', 'active', 'on_hold', 'escalated', 'closed']),
  closeReason: z.enum(['paid', 'withdrawn', 'written_off']).nullable(),
  currency: z.string(),
  handler: z.string().nullable(),
  externalReference: z.string().nullable(),
  paymentReference: z.string().nullable(),
  createdAt: Instant,
  updatedAt: Instant,
  closedAt: Instant.nullable(),
  invoices: z.array(ExportInvoice),
  activity: z.array(ActivitySchema).describe('The whole activity record, oldest first.'),
  contacts: z.array(ContactSchema),
  agreements: z.array(AgreementSchema).describe('With their instalments.'),
  payments: z.array(ExportPayment),
  adjustments: z.array(ExportAdjustment).describe('Credit notes, write-offs and refunds.'),
  matchedBankCredits: z.array(UnmatchedPaymentSchema).describe('Bank credits first left unmatched and then put on this case by hand, with the payer’s name.'),
  notifications: z.array(ExportNotification).describe('Every email and letter, with what it said.'),
  tasks: z.array(ExportTask),
  handovers: z.array(HandoverSchema).describe('Hand-overs to the collection agency.'),
  agencyUpdates: z.array(AgencyUpdateSchema).describe('What the agency reported.'),
});

export const DebtorExportSchema = z
  .object({
    exportedAt: Instant,
    debtor: ErasableDebtorSchema,
    cases: z.array(ExportCase).describe('Every case of the debtor, oldest first.'),
    auditEvents: z.array(AuditEventSchema).describe('Every recorded request about the debtor, its cases, agreements, notifications and tasks, oldest first.'),
  })
  .meta({ id: 'DebtorExport', description: 'Everything Fordra keeps about a debtor, as one document.' });

export function toDebtorExport(rows: DebtorExportRows, now: Date): z.infer<typeof DebtorExportSchema> {
  const ofCase = <T extends { case_id: string }>(list: T[], caseId: string) => list.filter((r) => r.case_id === caseId);
  return {
    exportedAt: iso(now),
    debtor: toErasableDebtor(rows.debtor),
    cases: rows.cases.map((c) => {
      const currency = asCurrency(c.currency);
      return {
        id: c.id,
        status: c.status,
        closeReason: c.close_reason,
        currency,
        handler: c.handler,
        externalReference: c.external_reference,
        paymentReference: c.payment_reference,
        createdAt: iso(c.created_at),
        updatedAt: iso(c.updated_at),
        closedAt: isoOrNull(c.closed_at),
        invoices: ofCase(rows.invoices, c.id).map((i) => ({
          id: i.id,
          number: i.number,
          issueDate: i.issue_date,
          dueDate: i.due_date,
          amount: money(i.amount_minor, currency),
          paymentTerms: i.payment_terms,
          createdAt: iso(i.created_at),
          document:
            i.size_bytes !== null && i.sha256 !== null && i.uploaded_at !== null
              ? { sizeBytes: i.size_bytes, sha256: i.sha256, filename: i.filename, uploadedAt: iso(i.uploaded_at), url: `/v1/cases/${c.id}/invoices/${i.id}/document` }
              : null,
        })),
        activity: ofCase(rows.activity, c.id).map(toActivity),
        contacts: ofCase(rows.contacts, c.id).map(toContact),
        agreements: ofCase(rows.agreements, c.id).map((a) => toAgreement(a, rows.instalments)),
        payments: ofCase(rows.payments, c.id).map((p) => ({
          id: p.id,
          amount: money(p.amount_minor, currency),
          paidOn: p.paid_on,
          method: p.method,
          payerReference: p.payer_reference,
          source: p.source,
          createdAt: iso(p.created_at),
        })),
        adjustments: ofCase(rows.adjustments, c.id).map((a) => ({
          id: a.id,
          kind: a.kind,
          invoiceId: a.invoice_id,
          amount: money(a.amount_minor, currency),
          bookedOn: a.booked_on,
          note: a.note,
          createdAt: iso(a.created_at),
        })),
        matchedBankCredits: rows.unmatched.filter((u) => u.case_id === c.id).map(toUnmatched),
        notifications: ofCase(rows.notifications, c.id).map((n) => ({
          id: n.id,
          channel: n.channel,
          template: n.template,
          language: n.language,
          recipient: (n.recipient ?? {}) as Record<string, unknown>,
          status: n.status,
          subject: n.subject,
          text: n.body_text,
          html: n.body_html,
          pages: n.pages,
          pdfUrl: n.has_pdf ? `/v1/notifications/${n.id}/pdf` : null,
          sentAt: isoOrNull(n.sent_at),
          failureReason: n.failure_reason,
          fallbackOf: n.fallback_of,
          agreementId: n.agreement_id,
          createdAt: iso(n.created_at),
          attemptLog: rows.attempts.filter((a) => a.notification_id === n.id).map((a) => ({ at: iso(a.attempted_at), outcome: a.outcome, detail: a.detail })),
        })),
        tasks: ofCase(rows.tasks, c.id).map((t) => ({
          id: t.id,
          kind: t.kind,
          status: t.status,
          assignee: t.assignee,
          dueDate: t.due_date,
          note: t.note,
          agreementId: t.agreement_id,
          contactId: t.contact_id,
          outcome: t.outcome,
          nextStep: (t.next_step as z.infer<typeof NextStepSchema> | null) ?? null,
          createdAt: iso(t.created_at),
          completedAt: isoOrNull(t.completed_at),
        })),
        handovers: ofCase(rows.handovers, c.id).map(toHandover),
        agencyUpdates: ofCase(rows.agencyUpdates, c.id).map((u) => toAgencyUpdate(u, c.currency)),
      };
    }),
    auditEvents: rows.auditEvents.map(toAuditEvent),
  };
}

export const ErasureSchema = z
  .object({
    debtor: ErasableDebtorSchema.describe('The debtor as it is kept from now on: its id, kind, country and language, nothing personal.'),
    cancelledNotificationIds: z.array(z.uuid()).describe('Messages that were still waiting to go out and never will.'),
  })
  .meta({ id: 'DebtorErasure' });
