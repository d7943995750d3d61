import { z } from 'zod';
import {
  AGREEMENT_KINDS,
  asCurrency,
  CASE_STATUSES,
  CLOSE_REASONS,
  CONTACT_CHANNELS,
  CONTACT_DIRECTIONS,
  CONTACT_OUTCOMES,
  CONTACT_REACHED,
  earliestDueDate,
  LATE_REASON_CODES,
  NEXT_STEP_ACTIONS,
  type LocalDate,
} from '@fordra/domain';
import type { ContactRow } from '@fordra/db';
import { CurrencyCode, Instant, iso, isoOrNull, MoneySchema } from '../../http/schemas.js';
import { DebtorSchema, toDebtor } from '../debtors/schemas.js';
import { countCases, outstandingByCurrency, paymentBehaviour, unpaidInvoices } from './figures.js';
import type { DossierRows, HistoryRows } from './read.js';

const Day = z.string().meta({ format: 'date', example: '2026-11-24' });
const Count = z.number().int().nonnegative();

const NextStepSchema = z
  .object({
    action: z.string().describe(`What happens next: usually one of ${NEXT_STEP_ACTIONS.join(', ')}.`),
    date: Day.describe('The day it is to happen.'),
    note: z.string().nullable(),
  })
  .meta({ id: 'DossierContactNextStep' });

const ContactFields = {
  id: z.uuid(),
  caseId: z.uuid(),
  channel: z.enum(CONTACT_CHANNELS).describe('How it happened: a call, a meeting, an email or letter written by hand, or a message from the debtor.'),
  direction: z.enum(CONTACT_DIRECTIONS).describe('outbound: the creditor reached out; inbound: the debtor did.'),
  reached: z.enum(CONTACT_REACHED).describe('Who was reached; only the debtor or its representative can agree anything.'),
  outcome: z.string().describe(`What came of it: usually one of ${CONTACT_OUTCOMES.join(', ')}.`),
  lateReason: z.string().nullable().describe(`Why the debtor has not paid, as the debtor said: usually one of ${LATE_REASON_CODES.join(', ')}.`),
  notes: z.string().nullable(),
  nextStep: NextStepSchema.nullable().describe('What was decided to happen next, and when.'),
  agreementId: z.uuid().nullable().describe('The agreement made in this contact, if any.'),
  occurredAt: Instant,
};

export const LastContactSchema = z.object(ContactFields).meta({ id: 'DossierLastContact', description: "The debtor's most recent contact on any of its cases." });

export const DebtorHistorySchema = z
  .object({
    debtorId: z.uuid(),
    cases: z
      .object({
        total: Count,
        open: Count.describe('Not closed: in verification, active, on hold or handed over.'),
        closed: Count,
        paid: Count.describe('Closed as paid.'),
        withdrawn: Count.describe('Closed as withdrawn by the creditor.'),
        writtenOff: Count.describe('Closed as written off.'),
      })
      .describe("All of this creditor's cases of the debtor, the one being looked at included."),
    payments: z
      .object({
        paidOnTime: Count.describe('Cases paid on or before their due date.'),
        paidLate: Count.describe('Cases paid after their due date.'),
        averageDaysLate: z.number().nonnegative().nullable().describe('The mean of days late over the cases paid late, to one decimal; null when none was paid late.'),
        maxDaysLate: Count.nullable().describe('The most days late of any case paid late; null when none was paid late.'),
      })
      .describe(
        'How the debtor paid its cases closed as paid. A case\'s paid day is the day (paidOn) of its latest payment, or, when it closed as paid without payments recorded in Fordra, ' +
          "the day it closed in the creditor's time zone. Its due date is the earliest due date of its invoices. Days late are the calendar days from the due date to the paid day; " +
          'a case is paid late when they are more than 0, otherwise on time. Cases closed as withdrawn or written off, and open cases, are not counted here.',
      ),
    outstanding: z
      .array(MoneySchema)
      .describe('What the debtor owes now on its open cases (invoices + fees − payments), one entry per currency, by currency code; empty when no case is open. Closed cases count nothing.'),
    agreements: z
      .object({
        made: Count.describe('Every agreement ever made, whatever became of it.'),
        kept: Count,
        broken: Count,
        active: Count.describe('Being kept now: their dates are still to come.'),
        cancelled: Count.describe('Ended without being kept or broken: replaced by a new agreement, or the case closed or was handed over.'),
      })
      .describe('Promises to pay and instalment plans on any of the debtor\'s cases.'),
    disputes: z
      .object({
        opened: Count.describe('Disputes ever opened (each time a case was disputed).'),
        open: Count.describe('Cases on hold for a dispute now.'),
      })
      .describe("Disputes on any of the debtor's cases."),
    lastContact: LastContactSchema.nullable(),
  })
  .meta({ id: 'DebtorHistory', description: "The debtor's record with this creditor, over all of its cases." });

const NotificationAttemptSchema = z
  .object({
    kind: z.literal('notification'),
    at: Instant.describe('When it was sent, or, until it is, when it was queued.'),
    id: z.uuid().describe('The notification: GET /v1/notifications/{id} shows it as sent.'),
    channel: z.enum(['email', 'letter']),
    template: z.string().describe('The kind of message: friendly_reminder, reminder_letter, final_demand, …'),
    language: z.string(),
    status: z.enum(['queued', 'sent', 'failed', 'cancelled']).describe('queued: waiting to be sent; sent; failed: given up (see failureReason); cancelled: not sent because the case closed.'),
    sentAt: Instant.nullable(),
    failureReason: z.string().nullable(),
    tries: Count.describe('Attempts at sending so far.'),
    stepKey: z.string().nullable().describe('The policy step that sent it (null for messages not sent by a step).'),
    fallbackOf: z.uuid().nullable().describe('The notification this one replaces on the other channel, after that one failed.'),
    agreementId: z.uuid().nullable().describe('The agreement this message confirms.'),
  })
  .meta({ id: 'DossierNotificationAttempt', description: 'An email or letter to the debtor.' });

const ContactAttemptSchema = z
  .object({ kind: z.literal('contact'), at: Instant.describe('When the contact happened.'), ...ContactFields })
  .meta({ id: 'DossierContactAttempt', description: 'A call, meeting, hand-written message or message from the debtor, as the handler recorded it.' });

const StepAttemptSchema = z
  .object({
    kind: z.literal('step'),
    at: Instant.describe('When the step ran (or was skipped).'),
    key: z.string(),
    action: z.string().describe('email_reminder, letter_reminder, call_task, meeting_task, final_demand or escalate_to_agency.'),
    status: z.enum(['done', 'skipped']),
    day: Day.nullable().describe('The business day it was planned for.'),
    dueAt: Instant,
    outcome: z.record(z.string(), z.unknown()).nullable().describe('What the step did, or why it was skipped.'),
  })
  .meta({ id: 'DossierStepAttempt', description: 'A policy step that ran or was skipped.' });

const AttemptSchema = z.discriminatedUnion('kind', [NotificationAttemptSchema, ContactAttemptSchema, StepAttemptSchema]);

const InstalmentSchema = z
  .object({
    seq: z.number().int().describe('1 for the first payment promised.'),
    dueDate: Day,
    amount: MoneySchema,
    status: z.enum(['pending', 'kept', 'broken', 'cancelled']),
    kept: z.boolean().nullable().describe('true: paid in time; false: not paid in time (the agreement broke); null: still to come, or cancelled.'),
    checkedAt: Instant.nullable().describe('When it was checked against the payments received.'),
  })
  .meta({ id: 'DossierInstalment' });

const AgreementSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(AGREEMENT_KINDS).describe('promise: one payment on a day; instalment_plan: several.'),
    status: z.enum(['active', 'kept', 'broken', 'cancelled']),
    kept: z.boolean().nullable().describe('true: kept; false: broken; null: still active, or cancelled (replaced, or the case closed).'),
    total: MoneySchema.describe('What the debtor promised to pay in all, a plan fee included.'),
    planFee: MoneySchema,
    followUpDate: Day.describe('The day the agreement is followed up.'),
    fallback: z.record(z.string(), z.unknown()).describe('What happens when it is broken (action, and stepKey for continue_policy).'),
    contactId: z.uuid().nullable().describe('The contact in which it was made.'),
    confirmationId: z.uuid().nullable().describe('The notification that confirmed it in writing to the debtor.'),
    notes: z.string().nullable(),
    madeAt: Instant,
    endedAt: Instant.nullable(),
    endReason: z.string().nullable(),
    instalments: z.array(InstalmentSchema).describe('The payments promised, in order.'),
  })
  .meta({ id: 'DossierAgreement' });

const DisputeSchema = z
  .object({
    caseId: z.uuid().describe('The disputed case: this one or another of the debtor’s cases.'),
    openedAt: Instant.nullable(),
    complaint: z.string().nullable().describe('The debtor’s complaint as recorded when the dispute was opened.'),
  })
  .meta({ id: 'DossierDispute' });

const TaskSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['call', 'meeting', 'verification', 'follow_up']),
    assignee: z.string().nullable(),
    dueDate: Day,
    note: z.string().nullable(),
    agreementId: z.uuid().nullable(),
    createdAt: Instant,
  })
  .meta({ id: 'DossierTask' });

const NextScheduledStepSchema = z
  .object({
    key: z.string(),
    action: z.string().describe('email_reminder, letter_reminder, call_task, meeting_task, final_demand or escalate_to_agency.'),
    day: Day.nullable().describe('The business day it falls on (null for steps timed in hours).'),
    dueAt: Instant.describe('While the case is on hold the step waits; on resume it moves by the length of the hold.'),
  })
  .meta({ id: 'DossierNextStep' });

const UnpaidInvoiceSchema = z
  .object({
    id: z.uuid(),
    number: z.string(),
    issueDate: Day,
    dueDate: Day,
    amount: MoneySchema.describe('The invoice amount.'),
    unpaid: MoneySchema.describe('What is left of it after the payments applied to it.'),
    daysOverdue: Count.describe("Calendar days from the due date to today in the creditor's time zone; 0 when not yet due."),
  })
  .meta({ id: 'DossierUnpaidInvoice' });

export const DossierSchema = z
  .object({
    today: Day.describe("Today in the creditor's time zone: the day overdue days are counted to."),
    case: z
      .object({
        id: z.uuid(),
        status: z.enum(CASE_STATUSES),
        holdReason: z.string().nullable().describe('Why an on-hold case waits: dispute, pause, agreement or problem.'),
        closeReason: z.enum(CLOSE_REASONS).nullable(),
        handler: z.string().nullable(),
        externalReference: z.string().nullable(),
        currency: CurrencyCode,
        outstanding: MoneySchema.describe('principal + fees − paid; negative when overpaid.'),
        principal: MoneySchema.describe("The case's invoices in all."),
        fees: MoneySchema.describe('Fees added by policy steps and agreements.'),
        paid: MoneySchema.describe('Payments received on the case.'),
        earliestDueDate: Day.nullable(),
        createdAt: Instant,
        closedAt: Instant.nullable(),
      })
      .meta({ id: 'DossierCase' }),
    unpaidInvoices: z
      .array(UnpaidInvoiceSchema)
      .describe(
        'The invoices not yet paid in full, oldest due first. Payments are recorded on the case, not on an invoice; here they are applied to the invoices oldest due date first (then by number), before fees.',
      ),
    debtor: DebtorSchema,
    history: DebtorHistorySchema,
    attempts: z
      .array(AttemptSchema)
      .describe('Every collection attempt on this case, oldest first: emails and letters, contacts, and the policy steps done or skipped.'),
    agreements: z.array(AgreementSchema).describe("This case's agreements, oldest first, with their instalments."),
    openDisputes: z.array(DisputeSchema).describe("Disputes open now on any of the debtor's cases (a case on hold for a dispute)."),
    openTasks: z.array(TaskSchema).describe("This case's open tasks, soonest due first."),
    nextStep: NextScheduledStepSchema.nullable().describe('The earliest scheduled policy step of the case; null when none is scheduled.'),
  })
  .meta({ id: 'CaseDossier', description: 'Everything a handler should know before contacting the debtor about a case.' });

type Attempt = z.infer<typeof AttemptSchema>;

const moneyOf = (amountMinor: bigint | number, currency: string) => ({ amount: Number(amountMinor), currency: asCurrency(currency) });

function toNextStep(value: unknown): z.infer<typeof NextStepSchema> | null {
  if (!value || typeof value !== 'object') return null;
  const step = value as { action?: unknown; date?: unknown; note?: unknown };
  if (typeof step.action !== 'string' || typeof step.date !== 'string') return null;
  return { action: step.action, date: step.date, note: typeof step.note === 'string' ? step.note : null };
}

function toContact(c: ContactRow) {
  return {
    id: c.id,
    caseId: c.case_id,
    channel: c.channel,
    direction: c.direction,
    reached: c.reached,
    outcome: c.outcome,
    lateReason: c.late_reason,
    notes: c.notes,
    nextStep: toNextStep(c.next_step),
    agreementId: c.agreement_id,
    occurredAt: iso(c.occurred_at),
  };
}

export function toDebtorHistory(rows: HistoryRows, timeZone: string): z.infer<typeof DebtorHistorySchema> {
  const a = rows.agreements;
  return {
    debtorId: rows.debtor.id,
    cases: countCases(rows.cases),
    payments: paymentBehaviour(rows.cases, timeZone),
    outstanding: outstandingByCurrency(rows.cases).map((o) => moneyOf(o.amountMinor, o.currency)),
    agreements: {
      made: (a.active ?? 0) + (a.kept ?? 0) + (a.broken ?? 0) + (a.cancelled ?? 0),
      kept: a.kept ?? 0,
      broken: a.broken ?? 0,
      active: a.active ?? 0,
      cancelled: a.cancelled ?? 0,
    },
    disputes: { opened: rows.disputesOpened, open: rows.cases.filter((c) => c.status === 'on_hold' && c.holdReason === 'dispute').length },
    lastContact: rows.lastContact ? toContact(rows.lastContact) : null,
  };
}

const keptOf = (status: string) => (status === 'kept' ? true : status === 'broken' ? false : null);
const KIND_ORDER: Record<Attempt['kind'], number> = { step: 0, notification: 1, contact: 2 };

export function toDossier(rows: DossierRows, timeZone: string, today: LocalDate): z.infer<typeof DossierSchema> {
  const { row } = rows;
  const currency = row.currency;
  const own = rows.history.cases.find((c) => c.id === row.id);
  const principal = rows.invoices.reduce((s, i) => s + i.amount_minor, 0n);
  const fees = own?.feesMinor ?? 0n;
  const paid = own?.paidMinor ?? 0n;

  const attempts: Attempt[] = [
    ...rows.steps
      .filter((d) => d.status === 'done' || d.status === 'skipped')
      .map((d) => ({
        kind: 'step' as const,
        at: iso(d.completed_at ?? d.due_at),
        key: d.step_key,
        action: d.action,
        status: d.status as 'done' | 'skipped',
        day: d.day,
        dueAt: iso(d.due_at),
        outcome: (d.outcome as Record<string, unknown> | null) ?? null,
      })),
    ...rows.notifications.map((n) => ({
      kind: 'notification' as const,
      at: iso(n.sent_at ?? n.created_at),
      id: n.id,
      channel: n.channel,
      template: n.template,
      language: n.language,
      status: n.status,
      sentAt: isoOrNull(n.sent_at),
      failureReason: n.failure_reason,
      tries: n.attempts,
      stepKey: n.step_key ?? null,
      fallbackOf: n.fallback_of,
      agreementId: n.agreement_id,
    })),
    ...rows.contacts.map((c) => ({ kind: 'contact' as const, at: iso(c.occurred_at), ...toContact(c) })),
  ];
  // ISO instants in UTC sort as text; a step comes before the message it sent.
  attempts.sort((x, y) => x.at.localeCompare(y.at) || KIND_ORDER[x.kind] - KIND_ORDER[y.kind]);

  const next = rows.steps.filter((d) => d.status === 'scheduled').sort((x, y) => x.due_at.getTime() - y.due_at.getTime())[0];

  return {
    today,
    case: {
      id: row.id,
      status: row.status,
      holdReason: row.hold_reason,
      closeReason: row.close_reason,
      handler: row.handler,
      externalReference: row.external_reference,
      currency: asCurrency(currency),
      outstanding: moneyOf(principal + fees - paid, currency),
      principal: moneyOf(principal, currency),
      fees: moneyOf(fees, currency),
      paid: moneyOf(paid, currency),
      earliestDueDate: earliestDueDate(rows.invoices.map((i) => ({ dueDate: i.due_date }))),
      createdAt: iso(row.created_at),
      closedAt: isoOrNull(row.closed_at),
    },
    unpaidInvoices: unpaidInvoices(
      rows.invoices.map((i) => ({ id: i.id, number: i.number, issueDate: i.issue_date, dueDate: i.due_date, amountMinor: i.amount_minor })),
      paid,
      today,
    ).map((i) => ({
      id: i.id,
      number: i.number,
      issueDate: i.issueDate,
      dueDate: i.dueDate,
      amount: moneyOf(i.amountMinor, currency),
      unpaid: moneyOf(i.unpaidMinor, currency),
      daysOverdue: i.daysOverdue,
    })),
    debtor: toDebtor(rows.history.debtor),
    history: toDebtorHistory(rows.history, timeZone),
    attempts,
    agreements: rows.agreements.map((a) => ({
      id: a.id,
      kind: a.kind,
      status: a.status,
      kept: keptOf(a.status),
      total: moneyOf(a.total_minor, a.currency),
      planFee: moneyOf(a.plan_fee_minor, a.currency),
      followUpDate: a.follow_up_date,
      fallback: (a.fallback as Record<string, unknown> | null) ?? {},
      contactId: a.contact_id,
      confirmationId: a.notification_id,
      notes: a.notes,
      madeAt: iso(a.made_at),
      endedAt: isoOrNull(a.ended_at),
      endReason: a.end_reason,
      instalments: rows.instalments
        .filter((i) => i.agreement_id === a.id)
        .map((i) => ({
          seq: i.seq,
          dueDate: i.due_date,
          amount: moneyOf(i.amount_minor, a.currency),
          status: i.status,
          kept: keptOf(i.status),
          checkedAt: isoOrNull(i.checked_at),
        })),
    })),
    openDisputes: rows.disputes.map((d) => {
      const data = (d.data as Record<string, unknown> | null) ?? {};
      return {
        caseId: d.case_id,
        openedAt: isoOrNull(d.occurred_at ?? d.held_since),
        complaint: typeof data.note === 'string' ? data.note : null,
      };
    }),
    openTasks: rows.tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      assignee: t.assignee,
      dueDate: t.due_date,
      note: t.note,
      agreementId: t.agreement_id,
      createdAt: iso(t.created_at),
    })),
    nextStep: next ? { key: next.step_key, action: next.action, day: next.day, dueAt: iso(next.due_at) } : null,
  };
}
