import { DomainError, type FieldIssue } from './errors.js';
import { compareDates, type LocalDate } from './dates.js';

/** How a contact happened: a call, a meeting, an email or letter by hand, or the debtor's own message. */
export const CONTACT_CHANNELS = ['phone', 'meeting', 'email', 'letter', 'debtor_message'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const CONTACT_DIRECTIONS = ['outbound', 'inbound'] as const;

/** Who was reached: only the debtor (or someone entitled to speak for it) can agree anything. */
export const CONTACT_REACHED = ['debtor', 'representative', 'wrong_person', 'no_answer'] as const;
export type ContactReached = (typeof CONTACT_REACHED)[number];

export const CONTACT_OUTCOMES = [
  'agreement',
  'claims_paid',
  'problem_found',
  'dispute',
  'call_back',
  'refused',
  'no_contact',
] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

/**
 * Why the debtor has not paid. Small problems are solved quickly by the creditor (and hold the
 * reminders until they are); large ones need negotiation.
 */
export const LATE_REASONS = {
  invoice_wrong: 'small',
  payment_method_problem: 'small',
  missing_information: 'small',
  invoice_not_received: 'small',
  unhappy_with_goods: 'large',
  cannot_pay_now: 'large',
  other: 'large',
} as const;
export type LateReason = keyof typeof LATE_REASONS;
export const LATE_REASON_CODES = Object.keys(LATE_REASONS) as [LateReason, ...LateReason[]];

export function lateReasonGroup(reason: LateReason): 'small' | 'large' {
  return LATE_REASONS[reason];
}

/** What happens next, and when: a contact never ends without one. */
export const NEXT_STEP_ACTIONS = ['follow_agreement', 'call_again', 'meeting', 'solve_problem', 'handle_dispute', 'continue_policy', 'hand_over', 'close'] as const;
export type NextStepAction = (typeof NEXT_STEP_ACTIONS)[number];

export interface NextStep {
  readonly action: NextStepAction;
  readonly date: LocalDate;
  readonly note?: string | null | undefined;
}

export interface ContactInput {
  readonly channel: ContactChannel;
  readonly reached: ContactReached;
  readonly outcome: ContactOutcome;
  readonly lateReason: LateReason | null;
  readonly openDispute: boolean;
  readonly hasAgreement: boolean;
  readonly nextStep: NextStep | null;
  /** The contact answers an open task, which closes only with an outcome and a next step. */
  readonly answersTask: boolean;
}

export interface ContactDecision {
  /** A small problem opens a verification item and holds the reminders while it is solved. */
  readonly openVerificationItem: boolean;
  readonly openDispute: boolean;
  /** A new call or meeting task for the next step's day. */
  readonly newTask: 'call' | 'meeting' | null;
}

/**
 * Checks that a logged contact is coherent (an agreement needs the debtor on the line, a dispute
 * needs a reason that is a dispute) and decides what it sets off.
 */
export function decideContact(input: ContactInput, today: LocalDate): ContactDecision {
  const issues: FieldIssue[] = [];
  const spoke = input.reached === 'debtor' || input.reached === 'representative';
  if (input.outcome === 'agreement' && !input.hasAgreement) issues.push({ path: 'agreement', message: 'an agreement outcome records the agreement made' });
  if (input.hasAgreement && input.outcome !== 'agreement') issues.push({ path: 'outcome', message: 'a contact that records an agreement has the outcome agreement' });
  if (input.hasAgreement && !spoke) issues.push({ path: 'reached', message: 'an agreement is made with the debtor or its representative' });
  if (!spoke && input.outcome !== 'no_contact') issues.push({ path: 'outcome', message: 'when nobody entitled was reached the outcome is no_contact' });
  if (input.outcome === 'problem_found' && (!input.lateReason || lateReasonGroup(input.lateReason) !== 'small')) {
    issues.push({ path: 'lateReason', message: 'a problem found names the small problem (invoice_wrong, payment_method_problem, missing_information, invoice_not_received)' });
  }
  if (input.openDispute && input.lateReason !== 'unhappy_with_goods') issues.push({ path: 'openDispute', message: 'a dispute is opened when the debtor is unhappy with the goods or services' });
  if (input.outcome === 'dispute' && !input.openDispute) issues.push({ path: 'openDispute', message: 'a dispute outcome opens the dispute (openDispute: true)' });
  if (input.hasAgreement && input.openDispute) issues.push({ path: 'openDispute', message: 'a disputed claim is not settled by an agreement: record the dispute, or the agreement' });
  if (input.answersTask && !input.nextStep) issues.push({ path: 'nextStep', message: 'a task is closed only with a next step' });
  if (input.nextStep && compareDates(input.nextStep.date, today) < 0) issues.push({ path: 'nextStep/date', message: 'the next step cannot lie in the past' });
  if (input.hasAgreement && input.nextStep && input.nextStep.action !== 'follow_agreement') issues.push({ path: 'nextStep/action', message: 'after an agreement the next step is to follow it up' });
  if (issues.length) throw new DomainError('invalid_contact', 'the contact cannot be recorded as given', issues);
  const action = input.nextStep?.action;
  return {
    openVerificationItem: input.lateReason !== null && lateReasonGroup(input.lateReason) === 'small' && input.outcome === 'problem_found',
    openDispute: input.openDispute,
    newTask: action === 'call_again' ? 'call' : action === 'meeting' ? 'meeting' : null,
  };
}
