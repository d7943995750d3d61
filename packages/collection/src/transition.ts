import type { Kysely } from 'kysely';
import { activity, cases, deadlines, outbox, type CaseRow, type Database, type DeadlineRow } from '@fordra/db';
import { decideCaseAction, event, type Actor, type CaseAction, type HoldReason } from '@fordra/domain';
import { planCase, resumeSchedule } from './schedule.js';

type Q = Kysely<Database>;

export interface ActionDetails {
  /** What was checked (verify), the complaint (dispute), the resolution, or why (pause, close). */
  note?: string | null;
  checklist?: Record<string, unknown>;
}

export interface ActionResult {
  row: CaseRow;
  /** Deadlines planned or moved by the action: the caller makes sure each has a job. */
  deadlines: DeadlineRow[];
}

/**
 * Carries out an action on a locked case: its new status, its schedule, its activity entry and
 * its event, all in the caller's transaction.
 */
export async function applyCaseAction(db: Q, row: CaseRow, action: CaseAction, details: ActionDetails, actor: Actor, now: Date): Promise<ActionResult> {
  const decision = decideCaseAction(
    { status: row.status, holdReason: (row.hold_reason as HoldReason | null) ?? null, activated: row.activated_at !== null },
    action,
  );
  let touched: DeadlineRow[] = [];
  const holdStarts = decision.status === 'on_hold';
  let updated = await cases.updateCase(db, row.creditor_id, row.id, {
    status: decision.status,
    close_reason: decision.closeReason,
    closed_at: decision.status === 'closed' ? now : null,
    hold_reason: decision.holdReason,
    held_since: holdStarts ? now : null,
    updated_at: now,
  });
  if (decision.schedule === 'plan') touched = await planCase(db, updated, now);
  if (decision.schedule === 'resume') touched = await resumeSchedule(db, { ...updated, held_since: row.held_since }, now);
  let cancelled = 0;
  if (decision.schedule === 'cancel') cancelled = await deadlines.cancelPending(db, row.id, `case ${decision.event.replace('case.', '')}`, now);
  updated = (await cases.getCase(db, row.creditor_id, row.id)) ?? updated;

  const data: Record<string, unknown> = { action, from: row.status, to: decision.status };
  if (details.note) data.note = details.note;
  if (details.checklist) data.checklist = details.checklist;
  if (decision.closeReason) data.closeReason = decision.closeReason;
  if (cancelled) data.cancelledSteps = cancelled;
  if (touched.length) data.scheduledSteps = touched.length;
  await activity.appendActivity(db, [{ creditorId: row.creditor_id, caseId: row.id, type: decision.event, actor, data }], now);
  await outbox.appendEvents(db, row.creditor_id, [eventFor(decision.event, updated, details)], now);
  return { row: updated, deadlines: touched };
}

function eventFor(type: ReturnType<typeof decideCaseAction>['event'], row: CaseRow, details: ActionDetails) {
  const base = { caseId: row.id, status: row.status };
  switch (type) {
    case 'case.verified':
      return event(type, row.id, { ...base, ...(details.checklist && { checklist: details.checklist }) });
    case 'case.disputed':
      return event(type, row.id, { ...base, complaint: details.note ?? '' });
    case 'case.dispute_resolved':
      return event(type, row.id, { ...base, resolution: details.note ?? '' });
    case 'case.paused':
      return event(type, row.id, { ...base, reason: details.note ?? null });
    case 'case.closed':
      return event(type, row.id, { ...base, closeReason: row.close_reason ?? 'withdrawn' });
    case 'case.resumed':
    case 'case.escalated':
      return event(type, row.id, base);
  }
}
