import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, CASE_STATUSES } from './case-status.js';

describe('case status', () => {
  it('starts in verification and moves on only along allowed paths', () => {
    expect(canTransition('verification', 'active')).toBe(true);
    expect(canTransition('verification', 'escalated')).toBe(false);
    expect(canTransition('active', 'on_hold')).toBe(true);
    expect(canTransition('on_hold', 'active')).toBe(true);
  });

  it('never leaves closed', () => {
    for (const to of CASE_STATUSES) expect(canTransition('closed', to)).toBe(false);
    expect(() => assertTransition('closed', 'active')).toThrow(/closed cannot move to active/);
  });
});
