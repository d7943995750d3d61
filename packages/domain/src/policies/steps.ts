import { z } from 'zod';
import { CURRENCY_CODES, MAX_AMOUNT_MINOR } from '../money.js';
import { isDuration } from '../calendar/index.js';

/** What a policy step does when its day comes. */
export const STEP_ACTIONS = ['email_reminder', 'letter_reminder', 'call_task', 'meeting_task', 'final_demand', 'escalate_to_agency'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** Actions that send the debtor something through the notifier. */
export const SENDING_ACTIONS: readonly StepAction[] = ['email_reminder', 'letter_reminder', 'final_demand'];
/** Actions that may carry a fee: reminders and the final demand. */
export const FEE_ACTIONS: readonly StepAction[] = ['email_reminder', 'letter_reminder', 'final_demand'];

/** The template a step uses unless it names one. */
export const DEFAULT_TEMPLATES: Record<StepAction, string> = {
  email_reminder: 'friendly_reminder',
  letter_reminder: 'reminder_letter',
  call_task: 'call_script',
  meeting_task: 'meeting_notes',
  final_demand: 'final_demand',
  escalate_to_agency: 'agency_handover',
};

const MoneyAmount = z.object({
  amount: z.number().int().positive().max(MAX_AMOUNT_MINOR),
  currency: z.enum(CURRENCY_CODES),
});

export const PolicyStepSchema = z.object({
  key: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, _ and -, at most 40')
    .describe('Names the step within the policy; stable across versions.'),
  after: z
    .string()
    .refine(isDuration, 'must be an ISO 8601 duration such as P10D, P1M or PT30S')
    .describe('How long after `from` the step runs (ISO 8601 duration).'),
  from: z
    .enum(['due_date', 'previous_step'])
    .default('previous_step')
    .describe("Counted from the earliest unpaid invoice's due date, or from the previous step."),
  action: z.enum(STEP_ACTIONS),
  template: z.string().regex(/^[a-z0-9_]{1,60}$/).optional().describe('Defaults to the action\'s own template.'),
  attachInvoice: z.boolean().optional().describe('Attach the original invoice PDF (sending actions; default for reminders).'),
  fee: MoneyAmount.optional().describe('A fee the step adds to the case (reminders and the final demand only).'),
  lateCompensation: z
    .boolean()
    .optional()
    .describe("Charge a business debtor the statutory late-payment compensation (Sweden 450 SEK, Finland 40 EUR), once per invoice, with this step."),
  recommendDeliveryBlock: z
    .boolean()
    .optional()
    .describe("Emit debtor.delivery_block_recommended when this step runs, so the creditor's ERP can hold deliveries while the debt is unpaid."),
  fallback: z
    .enum(['letter', 'email', 'none'])
    .optional()
    .describe('The channel to try when this one fails for good. Defaults: an email reminder falls back to a letter, a reminder letter to email, a final demand to nothing (it must be a letter).'),
  conditions: z
    .object({
      minOutstanding: MoneyAmount.optional().describe('Run only while at least this much is unpaid.'),
      debtorKind: z.enum(['business', 'consumer']).optional().describe('Run only for this kind of debtor.'),
    })
    .optional(),
});

export type PolicyStep = z.output<typeof PolicyStepSchema>;

export function fallbackChannel(step: PolicyStep): 'letter' | 'email' | null {
  const chosen = step.fallback ?? (step.action === 'email_reminder' ? 'letter' : step.action === 'letter_reminder' ? 'email' : 'none');
  return chosen === 'none' ? null : chosen;
}
export type PolicyStepInput = z.input<typeof PolicyStepSchema>;

export const PolicyStepsSchema = z.array(PolicyStepSchema).min(1).max(30);
