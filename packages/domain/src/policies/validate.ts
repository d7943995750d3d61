import type { FieldIssue } from '../errors.js';
import { minimumDays, parseDuration } from '../calendar/index.js';
import { jurisdictionOf } from './jurisdiction.js';
import { FEE_ACTIONS, type PolicyStep } from './steps.js';

/** The least number of days after the due date each step can run (months count as 28 days). */
export function earliestOffsets(steps: readonly PolicyStep[]): number[] {
  const offsets: number[] = [];
  steps.forEach((step, i) => {
    const base = step.from === 'due_date' || i === 0 ? 0 : (offsets[i - 1] ?? 0);
    offsets.push(base + minimumDays(parseDuration(step.after)));
  });
  return offsets;
}

/**
 * Checks a policy against good practice and the law of the creditor's country. Returns every
 * problem, each pointing at its step, so a creditor fixes the policy in one go.
 */
export function policyIssues(steps: readonly PolicyStep[], creditorCountry: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (i: number, field: string, message: string) => issues.push({ path: `steps.${i}.${field}`, message });
  const seen = new Set<string>();
  steps.forEach((step, i) => {
    if (seen.has(step.key)) at(i, 'key', `step key ${step.key} is used twice`);
    seen.add(step.key);
    if (step.fee && !FEE_ACTIONS.includes(step.action)) at(i, 'fee', `a ${step.action} step cannot add a fee`);
    if (step.action === 'escalate_to_agency' && i !== steps.length - 1) at(i, 'action', 'hand-over to the agency must be the last step');
  });

  const law = jurisdictionOf(creditorCountry);
  if (!law) return issues;
  const offsets = earliestOffsets(steps);
  let finalDemandAt: number | null = null;
  steps.forEach((step, i) => {
    const offset = offsets[i] ?? 0;
    if (step.fee) {
      if (step.fee.currency !== law.currency) {
        at(i, 'fee.currency', `fees in ${creditorCountry} are checked against the law in ${law.currency}`);
      } else {
        const cap = step.action === 'final_demand' ? law.finalDemandFeeMax : law.reminderFeeMax;
        if (cap !== null && step.fee.amount > cap) at(i, 'fee.amount', `exceeds the legal maximum of ${cap} minor units`);
      }
      const mayReachConsumers = step.conditions?.debtorKind !== 'business';
      if (mayReachConsumers && law.consumerReminderFeeEarliestDays !== null && offset < law.consumerReminderFeeEarliestDays) {
        at(i, 'fee', `a fee may reach a consumer no earlier than ${law.consumerReminderFeeEarliestDays} days after the due date; limit the step to businesses or run it later`);
      }
    }
    if (step.action === 'final_demand') finalDemandAt = offset;
    if (step.action === 'escalate_to_agency') {
      if (finalDemandAt === null) {
        at(i, 'action', 'a final demand must precede the hand-over to the agency');
      } else if (offset - finalDemandAt < law.finalDemandMinDays.calendarDays) {
        at(i, 'after', `the debtor must get at least ${law.finalDemandMinDays.calendarDays} days after the final demand`);
      }
    }
  });
  return issues;
}
