import { describe, expect, it } from 'vitest';
import { decideContact, lateReasonGroup, type ContactInput } from './contacts.js';
import type { DomainError } from './errors.js';

const base: ContactInput = { channel: 'phone', reached: 'debtor', outcome: 'call_back', lateReason: null, openDispute: false, hasAgreement: false, nextStep: null, answersTask: false };
const paths = (input: Partial<ContactInput>) => {
  try {
    decideContact({ ...base, ...input }, '2026-11-03');
    return [];
  } catch (err) {
    return (err as DomainError).issues.map((i) => i.path);
  }
};

describe('contacts', () => {
  it('groups the reasons for late payment', () => {
    expect(['invoice_wrong', 'payment_method_problem', 'missing_information', 'invoice_not_received'].map((r) => lateReasonGroup(r as never))).toEqual(['small', 'small', 'small', 'small']);
    expect(['unhappy_with_goods', 'cannot_pay_now', 'other'].map((r) => lateReasonGroup(r as never))).toEqual(['large', 'large', 'large']);
  });

  it('turns a small problem into a verification item, a next call into a task', () => {
    expect(decideContact({ ...base, outcome: 'problem_found', lateReason: 'missing_information' }, '2026-11-03')).toEqual({ openVerificationItem: true, openDispute: false, newTask: null });
    expect(decideContact({ ...base, nextStep: { action: 'meeting', date: '2026-11-05' } }, '2026-11-03').newTask).toBe('meeting');
    expect(decideContact({ ...base, outcome: 'dispute', lateReason: 'unhappy_with_goods', openDispute: true }, '2026-11-03').openDispute).toBe(true);
  });

  it('refuses what does not add up', () => {
    expect(paths({ outcome: 'agreement' })).toEqual(['agreement']);
    expect(paths({ hasAgreement: true, reached: 'no_answer', outcome: 'agreement' })).toContain('reached');
    expect(paths({ reached: 'wrong_person' })).toEqual(['outcome']);
    expect(paths({ outcome: 'problem_found', lateReason: 'cannot_pay_now' })).toEqual(['lateReason']);
    expect(paths({ openDispute: true, lateReason: 'other' })).toEqual(['openDispute']);
    expect(paths({ answersTask: true })).toEqual(['nextStep']);
    expect(paths({ nextStep: { action: 'call_again', date: '2026-11-02' } })).toEqual(['nextStep/date']);
    expect(paths({ hasAgreement: true, outcome: 'agreement', nextStep: { action: 'call_again', date: '2026-11-04' } })).toEqual(['nextStep/action']);
    expect(paths({ hasAgreement: true, outcome: 'agreement', openDispute: true, lateReason: 'unhappy_with_goods' })).toEqual(['openDispute']);
  });
});
