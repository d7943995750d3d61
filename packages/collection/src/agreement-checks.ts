import type { Kysely } from 'kysely';
import { activity, cases, creditors, outbox, payments, type Database, type DeadlineRow } from '@fordra/db';
import { dayOf, event, instalmentKept, SYSTEM_ACTOR, type Clock } from '@fordra/domain';
import { endActiveAgreement } from './agreement-end.js';
import { runFallback } from './fallback.js';
import { caseOutstanding } from './outstanding.js';
import { openTask } from './tasks.js';
import { applyCaseAction } from './transition.js';

export interface AgreementRun {
  /** False when there was nothing to do: not due, already checked, or taken by another worker. */
  ran: boolean;
  notificationIds: string[];
  deadlines: DeadlineRow[];
  handoverId: string | null;
  /** The agreement's case, when the check ran: what the worker's log line names. */
  caseId: string | null;
}

const NOTHING: AgreementRun = { ran: false, notificationIds: [], deadlines: [], handoverId: null, caseId: null };

/**
 * Checks one promised payment once it is due: the payments made since the agreement cover every
 * instalment so far (kept: the next one waits, or the agreement is kept and the case closes or
 * resumes), or they do not (broken: the fallback runs at once). The instalment row is locked and
 * finished with all its effects, so a retry or a second worker never checks it twice.
 */
export async function runInstalmentCheck(db: Kysely<Database>, clock: Clock, instalmentId: string): Promise<AgreementRun> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('agreement_instalments')
      .selectAll()
      .where('id', '=', instalmentId)
      .where('status', '=', 'pending')
      .where('check_at', '<=', clock.now())
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!due) return NOTHING;
    const row = await cases.getCaseForUpdate(trx, due.creditor_id, due.case_id);
    const agreement = await trx.selectFrom('agreements').selectAll().where('id', '=', due.agreement_id).executeTakeFirst();
    const now = clock.now();
    if (!row || !agreement || agreement.status !== 'active') {
      await trx.updateTable('agreement_instalments').set({ status: 'cancelled', checked_at: now }).where('id', '=', due.id).execute();
      return { ...NOTHING, caseId: due.case_id, ran: true };
    }
    const all = await trx.selectFrom('agreement_instalments').selectAll().where('agreement_id', '=', agreement.id).orderBy('seq').execute();
    // Instalments are judged in order: a later one waits for the check of an earlier one.
    if (all.some((i) => i.seq < due.seq && i.status === 'pending')) return NOTHING;
    const paid = await payments.paidSince(trx, row.id, agreement.made_at);
    const base = { agreementId: agreement.id, instalment: due.seq, dueDate: due.due_date, paidSinceAgreement: Number(paid) };

    if (instalmentKept(paid, all.map((i) => ({ seq: i.seq, amountMinor: i.amount_minor })), due.seq)) {
      await trx.updateTable('agreement_instalments').set({ status: 'kept', checked_at: now }).where('id', '=', due.id).execute();
      await activity.appendActivity(trx, [{ creditorId: row.creditor_id, caseId: row.id, type: 'agreement.instalment_kept', actor: SYSTEM_ACTOR, data: base }], now);
      if (all.some((i) => i.seq > due.seq && i.status === 'pending')) return { ...NOTHING, caseId: due.case_id, ran: true };
      await endActiveAgreement(trx, row.id, 'kept', 'every promised payment arrived', now);
      await activity.appendActivity(trx, [{ creditorId: row.creditor_id, caseId: row.id, type: 'agreement.kept', actor: SYSTEM_ACTOR, data: { agreementId: agreement.id } }], now);
      await outbox.appendEvents(trx, row.creditor_id, [event('agreement.kept', row.id, { caseId: row.id, agreementId: agreement.id })], now);
      // Kept to the end: a settled case closes; anything still owed (a partial promise) goes on under the policy.
      const outstanding = await caseOutstanding(trx, row, now);
      if (row.status === 'closed') return { ...NOTHING, caseId: due.case_id, ran: true };
      const action = outstanding.amountMinor <= 0n ? 'mark_paid' : row.status === 'on_hold' && row.hold_reason === 'agreement' ? 'end_agreement_hold' : null;
      if (!action) return { ...NOTHING, caseId: due.case_id, ran: true };
      const moved = await applyCaseAction(trx, row, action, { note: `agreement ${agreement.id} kept` }, SYSTEM_ACTOR, now);
      return { ...NOTHING, caseId: due.case_id, ran: true, deadlines: moved.deadlines };
    }

    await trx.updateTable('agreement_instalments').set({ status: 'broken', checked_at: now }).where('id', '=', due.id).execute();
    await endActiveAgreement(trx, row.id, 'broken', `instalment ${due.seq} due ${due.due_date} was not paid`, now);
    const fallback = (agreement.fallback as { action: string }).action;
    await activity.appendActivity(trx, [{ creditorId: row.creditor_id, caseId: row.id, type: 'agreement.broken', actor: SYSTEM_ACTOR, data: { ...base, fallback } }], now);
    await outbox.appendEvents(trx, row.creditor_id, [event('agreement.broken', row.id, { caseId: row.id, agreementId: agreement.id, instalment: due.seq, dueDate: due.due_date, fallback })], now);
    const run = await runFallback(trx, row, agreement, due, now);
    return { ran: true, caseId: due.case_id, ...run };
  });
}

/**
 * On the agreed follow-up day the handler gets a follow-up task for an agreement still being
 * kept, so the creditor follows up exactly when it said it would.
 */
export async function runAgreementFollowUp(db: Kysely<Database>, clock: Clock, agreementId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const agreement = await trx
      .selectFrom('agreements')
      .selectAll()
      .where('id', '=', agreementId)
      .where('status', '=', 'active')
      .where('follow_up_task_id', 'is', null)
      .where('follow_up_at', '<=', clock.now())
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!agreement) return false;
    const row = await cases.getCase(trx, agreement.creditor_id, agreement.case_id);
    const creditor = await creditors.getCreditor(trx, agreement.creditor_id);
    if (!row || !creditor) return false;
    const now = clock.now();
    const taskId = await openTask(
      trx,
      row,
      { kind: 'follow_up', dueDate: dayOf(now, creditor.time_zone), agreementId: agreement.id, note: 'Follow up the agreement as promised to the debtor.' },
      now,
    );
    await trx.updateTable('agreements').set({ follow_up_task_id: taskId }).where('id', '=', agreement.id).execute();
    return true;
  });
}
