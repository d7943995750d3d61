import type { PolicyStep } from './steps.js';

/**
 * The policy every new creditor starts with, after good practice: a friendly email with the
 * invoice the day after the due date, a letter about ten days later, a call a week after that,
 * a final demand that names the hand-over date, and the hand-over if still unpaid.
 */
export function defaultPolicySteps(): PolicyStep[] {
  return [
    { key: 'friendly-reminder', after: 'P1D', from: 'due_date', action: 'email_reminder', attachInvoice: true },
    { key: 'reminder-letter', after: 'P10D', from: 'previous_step', action: 'letter_reminder', attachInvoice: true },
    { key: 'call', after: 'P7D', from: 'previous_step', action: 'call_task' },
    { key: 'final-demand', after: 'P7D', from: 'previous_step', action: 'final_demand' },
    // 14 days satisfy both the Swedish (8 days, 4 bank days after receipt) and Finnish minimums.
    { key: 'hand-over', after: 'P14D', from: 'previous_step', action: 'escalate_to_agency' },
  ];
}

export const DEFAULT_POLICY_NAME = 'Standard';
