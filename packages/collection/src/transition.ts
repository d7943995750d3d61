import { sql, type Kysely } from 'kysely';
import { activity, cases, deadlines, outbox, type CaseRow, type Database, type DeadlineRow } from '@fordra/db';
import { dayOf, decideCaseAction, event, type Actor, type CaseAction, type HoldReason } from '@fordra/domain';
import { endActiveAgreement } from './agreement-end.js';
import { caseLedger } from './ledger.js';
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
  /** The hand-over an escalation requested: the caller gives it its delivery job. */
  handoverId: string | null;
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
    // A hold that changes hands (one agreement replacing another) keeps its start: the resume shifts by all of it.
    held_since: holdStarts ? (row.status === 'on_hold' ? (row.held_since ?? now) : now) : null,
    updated_at: now,
  });
  if (decision.schedule === 'plan') touched = await planCase(db, updated, now);
  if (decision.schedule === 'resume') touched = await resumeSchedule(db, { ...updated, held_since: row.held_since }, now);
  // A write-off is a ledger entry too: what was still owed, so the ledger ends at zero.
  if (action === 'write_off') await writeOffRest(db, row, actor, now);
  let cancelled = 0;
  if (decision.schedule === 'cancel') {
    cancelled = await deadlines.cancelPending(db, row.id, `case ${decision.status}`, now);
    await endOpenWork(db, row, decision.status === 'closed' ? `case closed (${decision.closeReason})` : 'case handed over', now);
  }
  const handoverId = decision.status === 'escalated' ? await requestHandover(db, row, now) : null;
  updated = (await cases.getCase(db, row.creditor_id, row.id)) ?? updated;

  const data: Record<string, unknown> = { action, from: row.status, to: decision.status };
  if (details.note) data.note = details.note;
  if (details.checklist) data.checklist = details.checklist;
  if (decision.closeReason) data.closeReason = decision.closeReason;
  if (cancelled) data.cancelledSteps = cancelled;
  if (touched.length) data.scheduledSteps = touched.length;
  await activity.appendActivity(db, [{ creditorId: row.creditor_id, caseId: row.id, type: decision.activity, actor, data }], now);
  if (decision.event) await outbox.appendEvents(db, row.creditor_id, [eventFor(decision.event, updated, details)], now);
  return { row: updated, deadlines: touched, handoverId };
}

/**
 * A case that leaves in-house collection leaves nothing behind: its open tasks are cancelled and
 * the agreement being kept ends, so no check or call fires for a case that is closed or handed over.
 */
async function endOpenWork(db: Q, row: CaseRow, reason: string, now: Date): Promise<void> {
  await db.updateTable('tasks').set({ status: 'cancelled', completed_at: now, outcome: reason }).where('case_id', '=', row.id).where('status', '=', 'open').execute();
  await endActiveAgreement(db, row.id, 'cancelled', reason, now);
}

async function writeOffRest(db: Q, row: CaseRow, actor: Actor, now: Date): Promise<void> {
  const ledger = await caseLedger(db, row, now);
  if (ledger.parts.outstanding <= 0n) return;
  const creditor = await db.selectFrom('creditors').select('time_zone').where('id', '=', row.creditor_id).executeTakeFirstOrThrow();
  await db
    .insertInto('case_adjustments')
    .values({
      creditor_id: row.creditor_id,
      case_id: row.id,
      kind: 'write_off',
      amount_minor: ledger.parts.outstanding,
      currency: row.currency,
      booked_on: dayOf(now, creditor.time_zone),
      note: null,
      actor_kind: actor.kind,
      actor_id: actor.id,
      created_at: now,
    })
    .execute();
}

/** Every escalation hands the case over: the notifier builds the package and delivers it. */
async function requestHandover(db: Q, row: CaseRow, now: Date): Promise<string | null> {
  const inserted = await db
    .insertInto('handovers')
    .values({ creditor_id: row.creditor_id, case_id: row.id, status: 'pending', created_at: now, updated_at: now })
    // The predicate is literal SQL: as bound parameters it cannot name the partial index once the
    // prepared statement runs on a generic plan (from its sixth run on a connection).
    .onConflict((oc) => oc.column('case_id').where(sql<boolean>`status IN ('pending', 'delivered')`).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

function eventFor(type: NonNullable<ReturnType<typeof decideCaseAction>['event']>, row: CaseRow, details: ActionDetails) {
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
