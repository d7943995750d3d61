import { assertTransition, type CaseStatus, type CloseReason } from './case-status.js';
import { DomainError } from './errors.js';

/** What a handler or the system can do to a case, and the event each one announces. */
export const CASE_ACTIONS = [
  'verify',
  'dispute',
  'resolve_dispute',
  'pause',
  'resume',
  'withdraw',
  'write_off',
  'escalate',
  'mark_paid',
  'hold_for_agreement',
  'end_agreement_hold',
  'hold_for_problem',
  'problem_solved',
  'return_from_agency',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/**
 * Why an on-hold case waits: a dispute, a pause, an agreement being kept (its own checks replace
 * the reminders), or a small problem the creditor is solving (a verification item).
 */
export type HoldReason = 'dispute' | 'pause' | 'agreement' | 'problem';

export interface CaseState {
  readonly status: CaseStatus;
  readonly holdReason: HoldReason | null;
  /** Whether the case ever passed verification: a resolved dispute returns it to where it was. */
  readonly activated: boolean;
}

export interface CaseDecision {
  readonly status: CaseStatus;
  readonly closeReason: CloseReason | null;
  readonly holdReason: HoldReason | null;
  /** The case event announced; null where the move is announced by its cause (an agreement event). */
  readonly event: 'case.verified' | 'case.disputed' | 'case.dispute_resolved' | 'case.paused' | 'case.resumed' | 'case.closed' | 'case.escalated' | null;
  /** The activity entry written for it. */
  readonly activity: string;
  /** The schedule is planned now (first activation), held, resumed, or cancelled. */
  readonly schedule: 'plan' | 'hold' | 'resume' | 'cancel' | 'keep';
}

const CLOSING: Partial<Record<CaseAction, CloseReason>> = { withdraw: 'withdrawn', write_off: 'written_off', mark_paid: 'paid' };

/**
 * Decides what an action does to a case. Holds stop the clock: a dispute or a pause holds the
 * schedule, and a resume or resolution moves it on from that day.
 */
export function decideCaseAction(state: CaseState, action: CaseAction): CaseDecision {
  const refuse = (why: string): never => {
    throw new DomainError('illegal_transition', why);
  };
  const closeReason = CLOSING[action];
  if (closeReason) {
    if (state.status === 'closed') refuse('the case is already closed');
    return { status: 'closed', closeReason, holdReason: null, event: 'case.closed', activity: 'case.closed', schedule: 'cancel' };
  }
  return withActivity(decideMove(state, action, refuse));
}

function withActivity(d: Omit<CaseDecision, 'activity'> & { activity?: string }): CaseDecision {
  return { ...d, activity: d.activity ?? d.event ?? 'case.updated' };
}

function decideMove(state: CaseState, action: CaseAction, refuse: (why: string) => never): Omit<CaseDecision, 'activity'> & { activity?: string } {
  switch (action) {
    case 'verify':
      if (state.status !== 'verification') refuse(`only a case in verification can be verified; this one is ${state.status}`);
      return { status: 'active', closeReason: null, holdReason: null, event: 'case.verified', schedule: 'plan' };
    case 'dispute':
      if (state.status !== 'verification' && state.status !== 'active') refuse(`a case in status ${state.status} cannot be disputed`);
      return { status: 'on_hold', closeReason: null, holdReason: 'dispute', event: 'case.disputed', schedule: state.activated ? 'hold' : 'keep' };
    case 'resolve_dispute':
      if (state.status !== 'on_hold' || state.holdReason !== 'dispute') refuse('the case has no open dispute');
      return state.activated
        ? { status: 'active', closeReason: null, holdReason: null, event: 'case.dispute_resolved', schedule: 'resume' }
        : { status: 'verification', closeReason: null, holdReason: null, event: 'case.dispute_resolved', schedule: 'keep' };
    case 'pause':
      if (state.status !== 'active') refuse(`only an active case can be paused; this one is ${state.status}`);
      return { status: 'on_hold', closeReason: null, holdReason: 'pause', event: 'case.paused', schedule: 'hold' };
    case 'resume':
      if (state.status !== 'on_hold' || state.holdReason !== 'pause') refuse('the case is not paused (a disputed case resumes when the dispute is resolved)');
      return { status: 'active', closeReason: null, holdReason: null, event: 'case.resumed', schedule: 'resume' };
    case 'escalate':
      assertTransition(state.status, 'escalated');
      return { status: 'escalated', closeReason: null, holdReason: null, event: 'case.escalated', schedule: 'cancel' };
    case 'hold_for_agreement':
      // A new agreement may replace the one being kept; the hold simply goes on.
      if (state.status === 'on_hold' && state.holdReason === 'agreement') return { status: 'on_hold', closeReason: null, holdReason: 'agreement', event: null, activity: 'case.held', schedule: 'keep' };
      if (state.status !== 'active') refuse(`an agreement is made on an active case; this one is ${state.status}${state.holdReason ? ` (${state.holdReason})` : ''}`);
      return { status: 'on_hold', closeReason: null, holdReason: 'agreement', event: null, activity: 'case.held', schedule: 'hold' };
    case 'end_agreement_hold':
      if (state.status !== 'on_hold' || state.holdReason !== 'agreement') refuse('the case is not held by an agreement');
      return { status: 'active', closeReason: null, holdReason: null, event: null, activity: 'case.released', schedule: 'resume' };
    case 'hold_for_problem':
      if (state.status !== 'active') refuse(`only an active case is held while a problem is solved; this one is ${state.status}`);
      return { status: 'on_hold', closeReason: null, holdReason: 'problem', event: null, activity: 'case.held', schedule: 'hold' };
    case 'problem_solved':
      if (state.status !== 'on_hold' || state.holdReason !== 'problem') refuse('the case is not held for a problem');
      return { status: 'active', closeReason: null, holdReason: null, event: 'case.resumed', schedule: 'resume' };
    case 'return_from_agency':
      if (state.status !== 'escalated') refuse('only an escalated case can come back from the agency');
      return { status: 'active', closeReason: null, holdReason: null, event: 'case.resumed', activity: 'case.returned', schedule: 'keep' };
    default:
      return refuse(`unknown action ${action}`);
  }
}
