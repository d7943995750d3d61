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

  it('holds the reminders while an agreement runs, and lets a new one take over the hold', () => {
    expect(decideCaseAction(active, 'hold_for_agreement')).toMatchObject({ status: 'on_hold', holdReason: 'agreement', schedule: 'hold', event: null, activity: 'case.held' });
    const held: CaseState = { ...active, status: 'on_hold', holdReason: 'agreement' };
    expect(decideCaseAction(held, 'hold_for_agreement')).toMatchObject({ status: 'on_hold', schedule: 'keep' });
    expect(decideCaseAction(held, 'end_agreement_hold')).toMatchObject({ status: 'active', schedule: 'resume', activity: 'case.released' });
    expect(() => decideCaseAction(inVerification, 'hold_for_agreement')).toThrow(/active case/);
    expect(() => decideCaseAction({ ...active, status: 'on_hold', holdReason: 'pause' }, 'hold_for_agreement')).toThrow(/pause/);
    expect(() => decideCaseAction(active, 'end_agreement_hold')).toThrow(/not held by an agreement/);
  });

  it('holds the reminders while a small problem is solved, and brings a case back from the agency', () => {
    expect(decideCaseAction(active, 'hold_for_problem')).toMatchObject({ status: 'on_hold', holdReason: 'problem', schedule: 'hold' });
    expect(decideCaseAction({ ...active, status: 'on_hold', holdReason: 'problem' }, 'problem_solved')).toMatchObject({ status: 'active', schedule: 'resume', event: 'case.resumed' });
    expect(decideCaseAction({ ...active, status: 'escalated' }, 'return_from_agency')).toMatchObject({ status: 'active', schedule: 'keep', activity: 'case.returned' });
    expect(() => decideCaseAction(active, 'return_from_agency')).toThrow(/escalated/);
  });
});
