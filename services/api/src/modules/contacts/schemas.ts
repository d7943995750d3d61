import { z } from 'zod';
import { CONTACT_CHANNELS, CONTACT_DIRECTIONS, CONTACT_OUTCOMES, CONTACT_REACHED, LATE_REASON_CODES, lateReasonGroup, NEXT_STEP_ACTIONS, type LateReason } from '@fordra/domain';
import type { ContactRow } from '@fordra/db';
import { Instant, iso, LocalDateString, Text } from '../../http/schemas.js';
import { AgreementBody, AgreementSchema } from '../agreements/schemas.js';

export const NextStepSchema = z
  .object({
    action: z
      .enum(NEXT_STEP_ACTIONS)
      .describe('follow_agreement (after an agreement), call_again and meeting (open a task on `date`), solve_problem, handle_dispute, continue_policy (also ends a verification item\'s hold), hand_over, close.'),
    date: LocalDateString.describe('When the next step happens; today or later.'),
    note: Text(500).nullish(),
  })
  .meta({ id: 'NextStep' });

export const ContactBody = z
  .object({
    channel: z.enum(CONTACT_CHANNELS),
    direction: z.enum(CONTACT_DIRECTIONS),
    reached: z.enum(CONTACT_REACHED).describe('Who answered: only the debtor or its representative can agree anything.'),
    outcome: z
      .enum(CONTACT_OUTCOMES)
      .describe('agreement (send it in `agreement`), claims_paid, problem_found (a small problem: opens a verification item and holds the reminders), dispute (with openDispute), call_back, refused, no_contact.'),
    lateReason: z
      .enum(LATE_REASON_CODES)
      .nullish()
      .describe('Why the debtor has not paid, when learnt. Small problems: invoice_wrong, payment_method_problem, missing_information, invoice_not_received. Large ones: unhappy_with_goods, cannot_pay_now, other.'),
    notes: Text(4000).nullish(),
    nextStep: NextStepSchema.nullish().describe('Required when the contact answers a task; derived from the agreement when one is made.'),
    taskId: z.uuid().nullish().describe('The open call, meeting, verification or follow-up task this contact answers; it closes with this outcome and next step.'),
    openDispute: z.boolean().default(false).describe('The debtor is unhappy with the goods or services and disputes the claim: the case goes on hold as disputed.'),
    occurredAt: Instant.nullish().describe('When the contact took place; now when omitted.'),
    agreement: AgreementBody.nullish().describe('The agreement made in this contact.'),
  })
  .meta({ id: 'ContactRequest' });

export const ContactSchema = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    channel: z.enum(CONTACT_CHANNELS),
    direction: z.enum(CONTACT_DIRECTIONS),
    reached: z.enum(CONTACT_REACHED),
    outcome: z.enum(CONTACT_OUTCOMES),
    lateReason: z.enum(LATE_REASON_CODES).nullable(),
    lateReasonGroup: z.enum(['small', 'large']).nullable(),
    notes: z.string().nullable(),
    nextStep: NextStepSchema.nullable(),
    taskId: z.uuid().nullable(),
    agreementId: z.uuid().nullable(),
    occurredAt: Instant,
    createdAt: Instant,
  })
  .meta({ id: 'Contact' });

export const LoggedContactSchema = ContactSchema.extend({
  agreement: AgreementSchema.nullable().describe('The agreement made in the contact.'),
  openedTaskIds: z.array(z.uuid()).describe('Tasks the contact opened: the next call or meeting, a verification item.'),
}).meta({ id: 'LoggedContact' });

export function toContact(c: ContactRow) {
  const reason = c.late_reason as LateReason | null;
  return {
    id: c.id,
    caseId: c.case_id,
    channel: c.channel,
    direction: c.direction,
    reached: c.reached,
    outcome: c.outcome as (typeof CONTACT_OUTCOMES)[number],
    lateReason: reason,
    lateReasonGroup: reason ? lateReasonGroup(reason) : null,
    notes: c.notes,
    nextStep: (c.next_step as z.infer<typeof NextStepSchema> | null) ?? null,
    taskId: c.task_id,
    agreementId: c.agreement_id,
    occurredAt: iso(c.occurred_at),
    createdAt: iso(c.created_at),
  };
}
