import { sql, type Kysely } from 'kysely';
import { activity, type Database, type DeadlineRow } from '@fordra/db';
import { SENDING_ACTIONS, SYSTEM_ACTOR, type Clock, type PolicyStep } from '@fordra/domain';
import { stepsOfVersion } from './policy.js';
import { carryOut, chooseChannel, conditionNotMet, finish, stepNotification } from './run-step.js';

export interface BatchRun {
  ran: number;
  /** The deadlines this batch finished. */
  deadlineIds: string[];
  notificationIds: string[];
  handoverIds: string[];
  /** Each touched case's next waiting step, to be given its job at once. */
  next: { id: string; due_at: Date }[];
}

/** A reminder with no fee and no condition: by far the most common step, written in bulk. */
const isPlainSend = (step: PolicyStep) => SENDING_ACTIONS.includes(step.action) && !step.fee && !step.conditions && !step.lateCompensation && !step.recommendDeliveryBlock;

/**
 * Runs up to `limit` due steps of different cases in one transaction. Each step keeps the
 * guarantees of a single one (its row and its case locked, only when no earlier step of the case
 * waits, finished together with its effects), but plain reminders are written with one statement
 * per table instead of one per step: round trips, not the work, bound a burst of due steps.
 * Steps whose case another worker holds are left for later.
 */
export async function runDueBatch(db: Kysely<Database>, clock: Clock, limit: number): Promise<BatchRun> {
  return db.transaction().execute(async (trx) => {
    const empty: BatchRun = { ran: 0, deadlineIds: [], notificationIds: [], handoverIds: [], next: [] };
    const claimed = (
      await sql<DeadlineRow>`
        SELECT d.* FROM case_deadlines d JOIN cases c ON c.id = d.case_id
        WHERE d.status = 'scheduled' AND d.due_at <= ${clock.now()} AND c.status = 'active'
          AND NOT EXISTS (
            SELECT 1 FROM case_deadlines e
            WHERE e.case_id = d.case_id AND e.policy_version_id = d.policy_version_id
              AND e.step_index < d.step_index AND e.status = 'scheduled')
        ORDER BY d.due_at LIMIT ${limit}
        FOR UPDATE OF d SKIP LOCKED`.execute(trx)
    ).rows;
    const byCase = new Map<string, DeadlineRow>();
    for (const d of claimed) if (!byCase.has(d.case_id)) byCase.set(d.case_id, d);
    if (byCase.size === 0) return empty;
    const locked = await trx.selectFrom('cases').selectAll().where('id', 'in', [...byCase.keys()]).orderBy('id').forUpdate().skipLocked().execute();
    const running = locked.filter((c) => c.status === 'active');
    if (running.length === 0) return empty;
    const now = clock.now();
    const debtorRows = await trx.selectFrom('debtors').selectAll().where('id', 'in', [...new Set(running.map((c) => c.debtor_id))]).execute();
    const debtorOf = new Map(debtorRows.map((d) => [d.id, d]));

    const notifications: ReturnType<typeof stepNotification>[] = [];
    const finished: { id: string; status: 'done' | 'skipped'; outcome: Record<string, unknown> }[] = [];
    const entries: activity.ActivityEntry[] = [];
    const notificationIds: string[] = [];
    const handoverIds: string[] = [];
    for (const row of running) {
      const deadline = byCase.get(row.id)!;
      const step = (await stepsOfVersion(trx, deadline.policy_version_id))[deadline.step_index];
      const debtor = debtorOf.get(row.debtor_id);
      if (!step || !debtor) throw new Error(`step or debtor of deadline ${deadline.id} is missing`);
      if (!isPlainSend(step)) {
        // Anything more than a plain reminder runs the single-step way, inside this transaction.
        const skip = await conditionNotMet(trx, row, debtor, step, now);
        const outcome = skip ? { status: 'skipped' as const, detail: { reason: skip }, notificationIds: [], handoverIds: [] } : await carryOut(trx, row, debtor, deadline, step, now);
        await finish(trx, row, deadline, outcome.status, outcome.detail, now);
        notificationIds.push(...outcome.notificationIds);
        handoverIds.push(...outcome.handoverIds);
        continue;
      }
      const channel = chooseChannel(step, debtor);
      const detail: Record<string, unknown> = { action: step.action };
      if (!channel) {
        finished.push({ id: deadline.id, status: 'skipped', outcome: { ...detail, reason: 'the debtor has no address for this step' } });
      } else {
        notifications.push(stepNotification(row, debtor, deadline, step, channel, now));
        finished.push({ id: deadline.id, status: 'done', outcome: { ...detail, channel } });
      }
      const last = finished[finished.length - 1]!;
      entries.push({ creditorId: row.creditor_id, caseId: row.id, type: last.status === 'done' ? 'step.completed' : 'step.skipped', actor: SYSTEM_ACTOR, data: { step: deadline.step_key, ...last.outcome } });
    }

    if (notifications.length) {
      const inserted = await trx
        .insertInto('notifications')
        .values(notifications)
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning(['id', 'deadline_id'])
        .execute();
      const idOf = new Map(inserted.map((n) => [n.deadline_id, n.id]));
      for (const f of finished) if (idOf.has(f.id)) f.outcome.notificationId = idOf.get(f.id);
      for (const e of entries) {
        const d = byCase.get(e.caseId);
        if (d && idOf.has(d.id)) e.data.notificationId = idOf.get(d.id);
      }
      notificationIds.push(...inserted.map((n) => n.id));
    }
    if (finished.length) {
      const values = sql.join(finished.map((f) => sql`(${f.id}::uuid, ${f.status}, ${JSON.stringify(f.outcome)}::jsonb)`));
      await sql`UPDATE case_deadlines d SET status = v.status, outcome = v.outcome, completed_at = ${now}
                FROM (VALUES ${values}) AS v(id, status, outcome) WHERE d.id = v.id`.execute(trx);
    }
    await activity.appendActivity(trx, entries, now);

    const next = await trx
      .selectFrom('case_deadlines')
      .select(['id', 'due_at'])
      .distinctOn('case_id')
      .where('case_id', 'in', running.map((c) => c.id))
      .where('status', '=', 'scheduled')
      .orderBy('case_id')
      .orderBy('step_index')
      .execute();
    return { ran: running.length, deadlineIds: running.map((c) => byCase.get(c.id)!.id), notificationIds, handoverIds, next };
  });
}
