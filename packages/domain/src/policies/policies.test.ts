import { describe, expect, it } from 'vitest';
import { defaultPolicySteps } from './default-policy.js';
import { planSchedule, shiftAfterHold } from './schedule.js';
import { PolicyStepsSchema, type PolicyStepInput } from './steps.js';
import { policyIssues } from './validate.js';

const steps = (input: PolicyStepInput[]) => PolicyStepsSchema.parse(input);
const days = (plan: { day: string | null }[]) => plan.map((p) => p.day);

describe('the default policy', () => {
  it('passes the Swedish and Finnish guard rails', () => {
    expect(policyIssues(defaultPolicySteps(), 'SE')).toEqual([]);
    expect(policyIssues(defaultPolicySteps(), 'FI')).toEqual([]);
  });

  it('lands every step on a Swedish business day at nine in the morning', () => {
    const plan = planSchedule({
      steps: defaultPolicySteps(),
      dueDate: '2026-10-30',
      notBefore: new Date('2026-10-29T12:00:00Z'),
      country: 'SE',
      timeZone: 'Europe/Stockholm',
    });
    // 31 October 2026 is a Saturday and alla helgons dag: the friendly reminder waits for Monday.
    expect(days(plan)).toEqual(['2026-11-02', '2026-11-12', '2026-11-19', '2026-11-26', '2026-12-10']);
    expect(plan[0]?.dueAt.toISOString()).toBe('2026-11-02T08:00:00.000Z');
    expect(plan.map((p) => p.action)).toEqual(['email_reminder', 'letter_reminder', 'call_task', 'final_demand', 'escalate_to_agency']);
  });

  it('reminds at once when the invoice is long overdue, and keeps the rhythm from then', () => {
    const opened = new Date('2026-11-24T10:00:00Z');
    const plan = planSchedule({ steps: defaultPolicySteps(), dueDate: '2026-09-30', notBefore: opened, country: 'SE', timeZone: 'Europe/Stockholm' });
    expect(plan[0]?.dueAt).toEqual(opened);
    // The hand-over would fall on New Year's Day 2027: it moves to Monday 4 January.
    expect(days(plan)).toEqual(['2026-11-24', '2026-12-04', '2026-12-11', '2026-12-18', '2027-01-04']);
  });

  it('gives the debtor the legal time after a final demand even when the policy is quicker', () => {
    // Validation refuses such a policy for Sweden; the schedule enforces the minimum regardless.
    const quick = steps([
      { key: 'demand', after: 'P1D', from: 'due_date', action: 'final_demand' },
      { key: 'agency', after: 'P1D', action: 'escalate_to_agency' },
    ]);
    const plan = planSchedule({ steps: quick, dueDate: '2026-12-17', notBefore: new Date('2026-12-01T00:00:00Z'), country: 'SE', timeZone: 'Europe/Stockholm' });
    // Demand on Friday 18 December. Eight days: Saturday 26 December → Monday 28 December. Two days'
    // post and four bank days after receipt, skipping Christmas Eve to Boxing Day: Wednesday 30 December.
    expect(days(plan)).toEqual(['2026-12-18', '2026-12-30']);
  });

  it('runs a policy timed in seconds without business-day rules', () => {
    const fast = steps([
      { key: 'a', after: 'PT1S', from: 'due_date', action: 'email_reminder' },
      { key: 'b', after: 'PT2S', action: 'letter_reminder' },
    ]);
    const plan = planSchedule({ steps: fast, dueDate: '2026-11-20', notBefore: new Date('2026-11-24T10:00:00Z'), country: 'GB', timeZone: 'UTC' });
    expect(plan.map((p) => p.dueAt.toISOString())).toEqual(['2026-11-24T10:00:00.000Z', '2026-11-24T10:00:02.000Z']);
  });
});

describe('policy guard rails', () => {
  it('refuses a Swedish reminder fee above 60 kronor and a fee on a call', () => {
    const issues = policyIssues(
      steps([
        { key: 'r', after: 'P1D', from: 'due_date', action: 'email_reminder', fee: { amount: 7_000, currency: 'SEK' } },
        { key: 'c', after: 'P7D', action: 'call_task', fee: { amount: 100, currency: 'SEK' } },
      ]),
      'SE',
    );
    expect(issues).toEqual([
      { path: 'steps.1.fee', message: 'a call_task step cannot add a fee' },
      { path: 'steps.0.fee.amount', message: 'exceeds the legal maximum of 6000 minor units' },
    ]);
  });

  it('refuses a hand-over without a final demand, or too soon after it', () => {
    const noDemand = policyIssues(steps([{ key: 'a', after: 'P30D', from: 'due_date', action: 'escalate_to_agency' }]), 'SE');
    expect(noDemand[0]?.message).toMatch(/final demand must precede/);
    const tooSoon = policyIssues(
      steps([
        { key: 'd', after: 'P10D', from: 'due_date', action: 'final_demand' },
        { key: 'a', after: 'P5D', action: 'escalate_to_agency' },
      ]),
      'SE',
    );
    expect(tooSoon).toEqual([{ path: 'steps.1.after', message: 'the debtor must get at least 8 days after the final demand' }]);
  });

  it('keeps Finnish consumer reminder fees until 14 days after the due date', () => {
    const early = steps([{ key: 'r', after: 'P7D', from: 'due_date', action: 'letter_reminder', fee: { amount: 500, currency: 'EUR' } }]);
    expect(policyIssues(early, 'FI')[0]?.path).toBe('steps.0.fee');
    const businessOnly = steps([{ key: 'r', after: 'P7D', from: 'due_date', action: 'letter_reminder', fee: { amount: 500, currency: 'EUR' }, conditions: { debtorKind: 'business' } }]);
    expect(policyIssues(businessOnly, 'FI')).toEqual([]);
  });

  it('refuses duplicate step keys and steps after the hand-over, in any country', () => {
    const issues = policyIssues(
      steps([
        { key: 'x', after: 'P1D', action: 'escalate_to_agency' },
        { key: 'x', after: 'P1D', action: 'email_reminder' },
      ]),
      'GB',
    );
    expect(issues.map((i) => i.path)).toEqual(['steps.0.action', 'steps.1.key']);
  });

  it('refuses durations that are not ISO 8601', () => {
    expect(PolicyStepsSchema.safeParse([{ key: 'a', after: '10 days', action: 'email_reminder' }]).success).toBe(false);
  });
});

describe('holds', () => {
  it('moves a waiting step by the length of the hold, onto a business day', () => {
    const shifted = shiftAfterHold({ day: '2026-12-04', dueAt: new Date('2026-12-04T08:00:00Z') }, 3 * 86_400_000, new Date('2026-12-02T10:00:00Z'), 'SE', 'Europe/Stockholm');
    expect(shifted).toEqual({ day: '2026-12-07', dueAt: new Date('2026-12-07T08:00:00Z') });
  });

  it('never schedules a step before the resume', () => {
    const resumed = new Date('2026-12-20T10:00:00Z');
    const shifted = shiftAfterHold({ day: null, dueAt: new Date('2026-12-01T00:00:00Z') }, 1000, resumed, 'SE', 'UTC');
    expect(shifted.dueAt).toEqual(resumed);
  });
});
