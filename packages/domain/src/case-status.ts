import { DomainError } from './errors.js';

/**
 * Where a case stands. `verification` comes first because the invoice is checked before anyone is
 * reminded; `closed` carries the reason it closed.
 */
export const CASE_STATUSES = ['verification', 'active', 'on_hold', 'escalated', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CLOSE_REASONS = ['paid', 'withdrawn', 'written_off'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

const ALLOWED: Record<CaseStatus, readonly CaseStatus[]> = {
  verification: ['active', 'on_hold', 'closed'],
  active: ['on_hold', 'escalated', 'closed'],
  on_hold: ['active', 'verification', 'closed'],
  escalated: ['closed', 'active'],
  closed: [],
};

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(from: CaseStatus, to: CaseStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError('illegal_transition', `a case in status ${from} cannot move to ${to}`);
  }
}

export function isOpen(status: CaseStatus): boolean {
  return status !== 'closed';
}
