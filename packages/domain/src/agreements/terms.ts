import { addDays, compareDates, type LocalDate } from '../dates.js';
import { DomainError, type FieldIssue } from '../errors.js';
import { nextBusinessDay } from '../calendar/index.js';
import { stepInstant } from '../policies/schedule.js';
import type { Jurisdiction } from '../policies/jurisdiction.js';

export const AGREEMENT_KINDS = ['promise', 'instalment_plan'] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];

/**
 * What happens when an agreement is broken. A broken promise usually leads to an instalment plan
 * offer, a broken plan to the agency; the creditor may also send the final demand or go on with
 * its policy from a named step.
 */
export const FALLBACK_ACTIONS = ['offer_instalment_plan', 'final_demand', 'hand_over', 'continue_policy'] as const;
export type FallbackAction = (typeof FALLBACK_ACTIONS)[number];

export interface Fallback {
  readonly action: FallbackAction;
  /** continue_policy only: the step the policy goes on from. */
  readonly stepKey?: string | null | undefined;
}

export interface PromisedPayment {
  readonly dueDate: LocalDate;
  readonly amountMinor: number;
}

export interface AgreementInput {
  readonly kind: AgreementKind;
  readonly instalments: readonly PromisedPayment[];
  readonly followUpDate: LocalDate;
  readonly fallback: Fallback;
}

export interface AgreementTerms {
  readonly today: LocalDate;
  /** What the case owes now, before any plan fee. */
  readonly outstandingMinor: bigint;
  /** The plan fee this agreement may carry (see planFee); added to the plan's total. */
  readonly planFeeMinor: number;
  /** The keys of the case's policy steps, for continue_policy. */
  readonly policyStepKeys: readonly string[];
}

export const MAX_INSTALMENTS = 60;

/**
 * The instalment plan fee the creditor may charge: its own terms, never above the legal cap,
 * and nothing when its terms name none.
 */
export function planFee(creditorFeeMinor: number | null, law: Jurisdiction | null): number {
  if (!creditorFeeMinor || creditorFeeMinor <= 0) return 0;
  const cap = law?.instalmentPlanFeeMax ?? null;
  return cap === null ? creditorFeeMinor : Math.min(creditorFeeMinor, cap);
}

/**
 * Checks an agreement against the case. A promise is one payment of at most what is owed; a
 * plan's instalments add up exactly to what is owed plus the plan fee. Both name their follow-up
 * date and their fallback. Returns the total the debtor commits to.
 */
export function checkAgreement(input: AgreementInput, terms: AgreementTerms): { totalMinor: bigint; planFeeMinor: number } {
  const issues: FieldIssue[] = [];
  const { instalments } = input;
  const total = instalments.reduce((s, i) => s + BigInt(i.amountMinor), 0n);
  if (terms.outstandingMinor <= 0n) issues.push({ path: '', message: 'nothing is outstanding on the case' });
  instalments.forEach((i, n) => {
    if (compareDates(i.dueDate, terms.today) < 0) issues.push({ path: `instalments/${n}/dueDate`, message: 'a promised date cannot lie in the past' });
    const before = instalments[n - 1];
    if (before && compareDates(i.dueDate, before.dueDate) <= 0) issues.push({ path: `instalments/${n}/dueDate`, message: 'instalments fall on increasing dates' });
  });
  let planFeeMinor = 0;
  if (input.kind === 'promise') {
    if (instalments.length !== 1) issues.push({ path: 'instalments', message: 'a promise to pay is one amount by one date' });
    else if (total > terms.outstandingMinor && terms.outstandingMinor > 0n) {
      issues.push({ path: 'instalments/0/amount', message: `a promise covers at most the ${terms.outstandingMinor} outstanding` });
    }
  } else {
    planFeeMinor = terms.planFeeMinor;
    const due = terms.outstandingMinor + BigInt(planFeeMinor);
    if (instalments.length < 2) issues.push({ path: 'instalments', message: 'an instalment plan has at least two instalments' });
    if (instalments.length > MAX_INSTALMENTS) issues.push({ path: 'instalments', message: `at most ${MAX_INSTALMENTS} instalments` });
    if (total !== due && terms.outstandingMinor > 0n) {
      issues.push({
        path: 'instalments',
        message: `the instalments add up to ${total} but ${due} is due (${terms.outstandingMinor} outstanding${planFeeMinor ? ` plus the plan fee of ${planFeeMinor}` : ''})`,
      });
    }
  }
  if (compareDates(input.followUpDate, terms.today) < 0) issues.push({ path: 'followUpDate', message: 'the follow-up date cannot lie in the past' });
  const { fallback } = input;
  if (fallback.action === 'continue_policy') {
    if (!fallback.stepKey) issues.push({ path: 'fallback/stepKey', message: 'name the policy step to continue from' });
    else if (!terms.policyStepKeys.includes(fallback.stepKey)) {
      issues.push({ path: 'fallback/stepKey', message: `the case's policy has no step ${fallback.stepKey} (it has ${terms.policyStepKeys.join(', ') || 'none'})` });
    }
  } else if (fallback.stepKey) {
    issues.push({ path: 'fallback/stepKey', message: 'only continue_policy names a step' });
  }
  if (issues.length) throw new DomainError('invalid_agreement', 'the agreement cannot be made as given', issues);
  return { totalMinor: total, planFeeMinor };
}

/**
 * When a promised payment is checked: the morning after its last day, which is the promised
 * date moved off a day off (a payment due on a holiday may be made the next weekday) plus the
 * creditor's grace days. The fallback then runs that same morning.
 */
export function instalmentCheckAt(dueDate: LocalDate, graceDays: number, country: string, timeZone: string): Date {
  const lastDay = addDays(nextBusinessDay(country, dueDate), graceDays);
  return stepInstant(addDays(lastDay, 1), timeZone);
}

/**
 * Whether the payments made since the agreement cover every instalment up to and including
 * `seq`: paying ahead keeps later instalments, paying short of the running total breaks one.
 */
export function instalmentKept(paidSinceAgreement: bigint, instalments: readonly { seq: number; amountMinor: bigint }[], seq: number): boolean {
  const dueSoFar = instalments.filter((i) => i.seq <= seq).reduce((s, i) => s + i.amountMinor, 0n);
  return paidSinceAgreement >= dueSoFar;
}

/** The reserve plan is told to the debtor once this many earlier agreements were broken. */
export function revealFallback(brokenBefore: number, threshold: number): boolean {
  return brokenBefore >= threshold;
}
