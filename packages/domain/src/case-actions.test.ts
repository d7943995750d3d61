import { describe, expect, it } from 'vitest';
import { decideCaseAction, type CaseState } from './case-actions.js';

const inVerification: CaseState = { status: 'verification', holdReason: null, activated: false };
const active: CaseState = { status: 'active', holdReason: null, activated: true };

describe('case actions', () => {
  it('verifies a case into collection and plans its schedule', () => {
    expect(decideCaseAction(inVerification, 'verify')).toMatchObject({ status: 'active', event: 'case.verified', schedule: 'plan' });
    expect(() => decideCaseAction(active, 'verify')).toThrow(/only a case in verification/);
  });

  it('holds the schedule for a dispute and returns the case where it was when resolved', () => {
    const disputed = decideCaseAction(active, 'dispute');
    expect(disputed).toMatchObject({ status: 'on_hold', holdReason: 'dispute', schedule: 'hold' });
    expect(decideCaseAction({ ...active, status: 'on_hold', holdReason: 'dispute' }, 'resolve_dispute')).toMatchObject({ status: 'active', schedule: 'resume' });
    // Disputed during verification: nothing was scheduled, and the check goes on afterwards.
    expect(decideCaseAction({ status: 'on_hold', holdReason: 'dispute', activated: false }, 'resolve_dispute')).toMatchObject({ status: 'verification', schedule: 'keep' });
  });

  it('keeps pause and dispute apart', () => {
    const paused: CaseState = { status: 'on_hold', holdReason: 'pause', activated: true };
    expect(decideCaseAction(paused, 'resume')).toMatchObject({ status: 'active', event: 'case.resumed', schedule: 'resume' });
    expect(() => decideCaseAction(paused, 'resolve_dispute')).toThrow(/no open dispute/);
    expect(() => decideCaseAction({ ...paused, holdReason: 'dispute' }, 'resume')).toThrow(/not paused/);
    expect(() => decideCaseAction(inVerification, 'pause')).toThrow(/only an active case/);
  });

  it('closes from any open status, once, and cancels what is pending', () => {
    for (const state of [inVerification, active, { ...active, status: 'escalated' as const }]) {
      expect(decideCaseAction(state, 'write_off')).toMatchObject({ status: 'closed', closeReason: 'written_off', schedule: 'cancel' });
    }
    expect(() => decideCaseAction({ status: 'closed', holdReason: null, activated: true }, 'withdraw')).toThrow(/already closed/);
  });

  it('escalates only an active case', () => {
    expect(decideCaseAction(active, 'escalate')).toMatchObject({ status: 'escalated', event: 'case.escalated' });
    expect(() => decideCaseAction(inVerification, 'escalate')).toThrow(/cannot move to escalated/);
  });
});
