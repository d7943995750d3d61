import { z } from 'zod';
import { AGREEMENT_KINDS, asCurrency, FALLBACK_ACTIONS, MAX_INSTALMENTS } from '@fordra/domain';
import type { AgreementRow, InstalmentRow } from '@fordra/db';
import { AmountMinor, Instant, iso, isoOrNull, LocalDateString, MoneySchema, Text } from '../../http/schemas.js';

export const FallbackSchema = z
  .object({
    action: z
      .enum(FALLBACK_ACTIONS)
      .describe('What happens the morning a promised payment is found missing: offer an instalment plan (a message and a call task), send the final demand (the policy continues from its final demand step, or one is sent on its own), hand the case to the agency, or continue the policy from `stepKey`.'),
    stepKey: z.string().max(40).nullish().describe('continue_policy only: the policy step to continue from.'),
  })
  .meta({ id: 'AgreementFallback' });

export const AgreementBody = z
  .object({
    kind: z.enum(AGREEMENT_KINDS).describe('A promise to pay (one amount by one date) or an instalment plan.'),
    instalments: z
      .array(z.object({ dueDate: LocalDateString, amount: AmountMinor }))
      .min(1)
      .max(MAX_INSTALMENTS)
      .describe('A promise: one entry, at most what is owed. A plan: two or more on increasing dates, adding up exactly to what is owed plus the plan fee (see the creditor settings).'),
    followUpDate: LocalDateString.describe('When the creditor follows up; told to the debtor, and a follow-up task opens that day while the agreement runs.'),
    fallback: FallbackSchema,
    channel: z.enum(['email', 'letter']).nullish().describe("How the written follow-up goes out; the creditor's setting when omitted."),
    creditorWill: Text(500).nullish().describe("What the creditor will do, in the creditor's words, added to the standard sentence."),
    notes: Text(2000).nullish().describe('Internal notes; never sent to the debtor.'),
  })
  .meta({ id: 'AgreementRequest' });

export const AgreementSchema = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    kind: z.enum(AGREEMENT_KINDS),
    status: z.enum(['active', 'kept', 'broken', 'cancelled']),
    amount: MoneySchema.describe('What the debtor committed to pay, the plan fee included.'),
    planFee: MoneySchema,
    followUpDate: LocalDateString,
    fallback: FallbackSchema,
    fallbackRevealed: z.boolean().describe('Whether the follow-up told the debtor the fallback (it does once earlier agreements were broken).'),
    graceDays: z.number().int(),
    channel: z.enum(['email', 'letter']),
    creditorWill: z.string().nullable(),
    notes: z.string().nullable(),
    instalments: z.array(
      z.object({
        seq: z.number().int(),
        dueDate: LocalDateString,
        amount: MoneySchema,
        checkAt: Instant.describe('When the payments are checked: the morning after the due date plus the grace days.'),
        status: z.enum(['pending', 'kept', 'broken', 'cancelled']),
        checkedAt: Instant.nullable(),
      }),
    ),
    notificationId: z.uuid().nullable().describe('The written follow-up sent to the debtor.'),
    contactId: z.uuid().nullable(),
    confirmedAt: Instant.nullable().describe('When the debtor confirmed the agreement through the link in the follow-up.'),
    madeAt: Instant,
    endedAt: Instant.nullable(),
    endReason: z.string().nullable(),
  })
  .meta({ id: 'Agreement' });

export function toAgreement(a: AgreementRow, instalments: InstalmentRow[]) {
  const currency = asCurrency(a.currency);
  const fallback = a.fallback as { action: (typeof FALLBACK_ACTIONS)[number]; stepKey?: string | null };
  return {
    id: a.id,
    caseId: a.case_id,
    kind: a.kind,
    status: a.status,
    amount: { amount: Number(a.total_minor), currency },
    planFee: { amount: Number(a.plan_fee_minor), currency },
    followUpDate: a.follow_up_date,
    fallback: { action: fallback.action, stepKey: fallback.stepKey ?? null },
    fallbackRevealed: a.fallback_revealed,
    graceDays: a.grace_days,
    channel: a.channel,
    creditorWill: a.creditor_will,
    notes: a.notes,
    instalments: instalments
      .filter((i) => i.agreement_id === a.id)
      .map((i) => ({ seq: i.seq, dueDate: i.due_date, amount: { amount: Number(i.amount_minor), currency }, checkAt: iso(i.check_at), status: i.status, checkedAt: isoOrNull(i.checked_at) })),
    notificationId: a.notification_id,
    contactId: a.contact_id,
    confirmedAt: isoOrNull(a.confirmed_at),
    madeAt: iso(a.made_at),
    endedAt: isoOrNull(a.ended_at),
    endReason: a.end_reason,
  };
}

/** The request's amounts, in the names the collection workflows use. */
export function agreementRequest(body: z.infer<typeof AgreementBody>) {
  return {
    kind: body.kind,
    instalments: body.instalments.map((i) => ({ dueDate: i.dueDate, amountMinor: i.amount })),
    followUpDate: body.followUpDate,
    fallback: body.fallback,
    channel: body.channel ?? null,
    creditorWill: body.creditorWill ?? null,
    notes: body.notes ?? null,
  };
}
