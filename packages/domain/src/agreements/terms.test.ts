import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { jurisdictionOf } from '../policies/jurisdiction.js';
import { continueFromNow } from '../policies/schedule.js';
import { checkAgreement, instalmentCheckAt, instalmentKept, planFee, revealFallback, type AgreementInput } from './terms.js';

const terms = { today: '2026-11-03', outstandingMinor: 125_000n, planFeeMinor: 0, policyStepKeys: ['reminder', 'final-demand'] };
const promise: AgreementInput = { kind: 'promise', instalments: [{ dueDate: '2026-11-10', amountMinor: 125_000 }], followUpDate: '2026-11-11', fallback: { action: 'offer_instalment_plan' } };

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.issues.map((i) => i.path);
    throw err;
  }
  return [];
}

describe('agreement terms', () => {
  it('accepts a promise of at most what is owed, and a plan that adds up to it plus the fee', () => {
    expect(checkAgreement(promise, terms)).toEqual({ totalMinor: 125_000n, planFeeMinor: 0 });
    expect(checkAgreement({ ...promise, instalments: [{ dueDate: '2026-11-10', amountMinor: 50_000 }] }, terms).totalMinor).toBe(50_000n);
    const plan: AgreementInput = {
      kind: 'instalment_plan',
      instalments: [{ dueDate: '2026-11-10', amountMinor: 71_000 }, { dueDate: '2026-12-10', amountMinor: 71_000 }],
      followUpDate: '2026-11-11',
      fallback: { action: 'hand_over' },
    };
    expect(checkAgreement(plan, { ...terms, planFeeMinor: 17_000 })).toEqual({ totalMinor: 142_000n, planFeeMinor: 17_000 });
    expect(issuesOf(() => checkAgreement(plan, terms))).toEqual(['instalments']);
  });

  it('refuses each kind of mistake with its path', () => {
    expect(issuesOf(() => checkAgreement({ ...promise, instalments: [{ dueDate: '2026-11-02', amountMinor: 1 }] }, terms))).toEqual(['instalments/0/dueDate']);
    expect(issuesOf(() => checkAgreement({ ...promise, instalments: [{ dueDate: '2026-11-10', amountMinor: 125_001 }] }, terms))).toEqual(['instalments/0/amount']);
    expect(issuesOf(() => checkAgreement({ ...promise, instalments: [...promise.instalments, { dueDate: '2026-11-12', amountMinor: 1 }] }, terms))).toContain('instalments');
    expect(issuesOf(() => checkAgreement({ ...promise, followUpDate: '2026-11-01' }, terms))).toEqual(['followUpDate']);
    expect(issuesOf(() => checkAgreement({ ...promise, fallback: { action: 'continue_policy' } }, terms))).toEqual(['fallback/stepKey']);
    expect(issuesOf(() => checkAgreement({ ...promise, fallback: { action: 'continue_policy', stepKey: 'nope' } }, terms))).toEqual(['fallback/stepKey']);
    expect(issuesOf(() => checkAgreement({ ...promise, fallback: { action: 'hand_over', stepKey: 'reminder' } }, terms))).toEqual(['fallback/stepKey']);
    expect(issuesOf(() => checkAgreement(promise, { ...terms, outstandingMinor: 0n }))).toEqual(['']);
    const unordered: AgreementInput = {
      kind: 'instalment_plan',
      instalments: [{ dueDate: '2026-12-10', amountMinor: 62_500 }, { dueDate: '2026-11-10', amountMinor: 62_500 }],
      followUpDate: '2026-11-11',
      fallback: { action: 'hand_over' },
    };
    expect(issuesOf(() => checkAgreement(unordered, terms))).toEqual(['instalments/1/dueDate']);
  });

  it('caps the plan fee by law and charges nothing without the creditor’s own terms', () => {
    expect(planFee(20_000, jurisdictionOf('SE'))).toBe(17_000);
    expect(planFee(10_000, jurisdictionOf('SE'))).toBe(10_000);
    expect(planFee(null, jurisdictionOf('SE'))).toBe(0);
    expect(planFee(2_500, null)).toBe(2_500);
  });

  it('checks a payment the morning after its last day, days off and grace days added', () => {
    // Tuesday 10 November: checked Wednesday 09:00 Stockholm (08:00 UTC).
    expect(instalmentCheckAt('2026-11-10', 0, 'SE', 'Europe/Stockholm').toISOString()).toBe('2026-11-11T08:00:00.000Z');
    // Saturday 7 November: may be paid on Monday 9, checked Tuesday 10.
    expect(instalmentCheckAt('2026-11-07', 0, 'SE', 'Europe/Stockholm').toISOString()).toBe('2026-11-10T08:00:00.000Z');
    // Christmas Eve is a day off in Sweden: paid by Monday 28 December, three grace days, checked 1 January.
    expect(instalmentCheckAt('2026-12-24', 3, 'SE', 'Europe/Stockholm').toISOString()).toBe('2027-01-01T08:00:00.000Z');
  });

  it('judges instalments on the running total: paying ahead keeps later ones, paying short breaks one', () => {
    const plan = [{ seq: 1, amountMinor: 60_000n }, { seq: 2, amountMinor: 65_000n }];
    expect(instalmentKept(60_000n, plan, 1)).toBe(true);
    expect(instalmentKept(59_999n, plan, 1)).toBe(false);
    expect(instalmentKept(100_000n, plan, 2)).toBe(false);
    expect(instalmentKept(125_000n, plan, 2)).toBe(true);
  });

  it('reveals the fallback once enough agreements were broken before', () => {
    expect(revealFallback(0, 1)).toBe(false);
    expect(revealFallback(1, 1)).toBe(true);
    expect(revealFallback(0, 0)).toBe(true);
  });

  it('continues a policy from a step at once, the later steps keeping their distance on business days', () => {
    const now = new Date('2026-11-11T08:00:00Z');
    const target = { day: '2026-11-26', dueAt: new Date('2026-11-26T08:00:00Z') };
    expect(continueFromNow(target, target, now, 'SE', 'Europe/Stockholm')).toEqual({ day: '2026-11-11', dueAt: now });
    expect(continueFromNow(target, { day: '2026-12-10', dueAt: new Date('2026-12-10T08:00:00Z') }, now, 'SE', 'Europe/Stockholm')).toEqual({
      day: '2026-11-25',
      dueAt: new Date('2026-11-25T08:00:00Z'),
    });
    // 14 days after Friday 11 December is Christmas Day: the next weekday is Monday 28 December.
    const fromDec = new Date('2026-12-11T08:00:00Z');
    expect(continueFromNow(target, { day: '2026-12-10', dueAt: new Date('2026-12-10T08:00:00Z') }, fromDec, 'SE', 'Europe/Stockholm').day).toBe('2026-12-28');
  });
});
