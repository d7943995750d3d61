import { sql, type Insertable, type Kysely } from 'kysely';
import type { CaseDeadlinesTable, Database, DeadlineStatus } from './types.js';

type Q = Kysely<Database>;

export async function insertDeadlines(db: Q, rows: Insertable<CaseDeadlinesTable>[]) {
  if (rows.length === 0) return [];
  return db.insertInto('case_deadlines').values(rows).onConflict((oc) => oc.doNothing()).returningAll().execute();
}

/** A case's deadlines, plan by plan (a case moved to another policy has several), in step order. */
export async function listCaseDeadlines(db: Q, creditorId: string, caseId: string) {
  return db
    .selectFrom('case_deadlines')
    .selectAll()
    .where('creditor_id', '=', creditorId)
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('step_index')
    .execute();
}

export async function listScheduledOfCase(db: Q, caseId: string) {
  return db.selectFrom('case_deadlines').selectAll().where('case_id', '=', caseId).where('status', '=', 'scheduled').orderBy('step_index').forUpdate().execute();
}

/**
 * Takes one due deadline for this transaction. SKIP LOCKED lets another worker pass over a row
 * being run, and the status check makes a finished step impossible to take again.
 */
export async function claimDueDeadline(db: Q, id: string, now: Date) {
  return db
    .selectFrom('case_deadlines')
    .selectAll()
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .where('due_at', '<=', now)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

export async function finishDeadline(db: Q, id: string, status: Exclude<DeadlineStatus, 'scheduled'>, outcome: Record<string, unknown>, now: Date) {
  await db.updateTable('case_deadlines').set({ status, outcome: JSON.stringify(outcome), completed_at: now }).where('id', '=', id).execute();
}

export async function moveDeadline(db: Q, id: string, to: { day: string | null; dueAt: Date }) {
  await db.updateTable('case_deadlines').set({ day: to.day, due_at: to.dueAt }).where('id', '=', id).where('status', '=', 'scheduled').execute();
}

/** Cancels what is still pending on a case that closed; returns how many were cancelled. */
export async function cancelPending(db: Q, caseId: string, reason: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('case_deadlines')
    .set({ status: 'cancelled', outcome: JSON.stringify({ reason }), completed_at: now })
    .where('case_id', '=', caseId)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Deadlines of running cases due by `until`, in (due_at, id) order from `after`: what the
 * reconciler gives a job, one page at a time.
 */
export async function listDueBy(db: Q, until: Date, limit: number, after?: { due_at: Date; id: string }) {
  let query = db
    .selectFrom('case_deadlines')
    .innerJoin('cases', 'cases.id', 'case_deadlines.case_id')
    .select(['case_deadlines.id', 'case_deadlines.due_at'])
    .where('case_deadlines.status', '=', 'scheduled')
    .where('case_deadlines.due_at', '<=', until)
    .where('cases.status', '=', 'active');
  if (after) query = query.where(sql<boolean>`(case_deadlines.due_at, case_deadlines.id) > (${after.due_at}, ${after.id}::uuid)`);
  return query.orderBy('case_deadlines.due_at').orderBy('case_deadlines.id').limit(limit).execute();
}

export async function countScheduled(db: Q): Promise<number> {
  const row = await db.selectFrom('case_deadlines').select(sql<string>`count(*)`.as('n')).where('status', '=', 'scheduled').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether an earlier step of the same plan is still waiting (or being run elsewhere). */
export async function hasEarlierWaiting(db: Q, d: { case_id: string; policy_version_id: string; step_index: number }): Promise<boolean> {
  const row = await db
    .selectFrom('case_deadlines')
    .select('id')
    .where('case_id', '=', d.case_id)
    .where('policy_version_id', '=', d.policy_version_id)
    .where('step_index', '<', d.step_index)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  return row !== undefined;
}

export async function nextWaiting(db: Q, caseId: string) {
  return db
    .selectFrom('case_deadlines')
    .select(['id', 'due_at'])
    .where('case_id', '=', caseId)
    .where('status', '=', 'scheduled')
    .orderBy('step_index')
    .limit(1)
    .executeTakeFirst();
}

/** A deadline's status without locking anything: the cheap check before doing any work. */
export async function statusOf(db: Q, id: string) {
  const row = await db.selectFrom('case_deadlines').select('status').where('id', '=', id).executeTakeFirst();
  return row?.status;
}

/** A deadline's status and case, without locking anything: the cheap check, and whom the log lines name. */
export async function statusAndCaseOf(db: Q, id: string) {
  return db.selectFrom('case_deadlines').select(['status', 'case_id']).where('id', '=', id).executeTakeFirst();
}
