import type { Kysely } from 'kysely';
import { activity, creditors, outbox, type CaseRow, type ContactRow, type Database, type DeadlineRow } from '@fordra/db';
import {
  dayOf,
  decideContact,
  DomainError,
  event,
  type Actor,
  type ContactChannel,
  type ContactOutcome,
  type ContactReached,
  type LateReason,
  type NextStep,
} from '@fordra/domain';
import { makeAgreement, type AgreementRequest, type MadeAgreement } from './agreements.js';
import { openTask } from './tasks.js';
import { applyCaseAction } from './transition.js';

type Q = Kysely<Database>;

export interface ContactRequest {
  channel: ContactChannel;
  direction: 'outbound' | 'inbound';
  reached: ContactReached;
  outcome: ContactOutcome;
  lateReason: LateReason | null;
  notes: string | null;
  nextStep: NextStep | null;
  /** The open task this contact answers; it closes with the contact's outcome and next step. */
  taskId: string | null;
  openDispute: boolean;
  occurredAt: Date | null;
  agreement: AgreementRequest | null;
}

export interface LoggedContact {
  contact: ContactRow;
  agreement: MadeAgreement | null;
  /** Tasks this contact opened: the next call or meeting, or a verification item. */
  openedTaskIds: string[];
  deadlines: DeadlineRow[];
}

export class TaskNotOpen extends Error {}

/**
 * Records a contact on a locked case and everything it sets off, in the caller's transaction:
 * the agreement made on the call, a verification item for a small problem (the reminders wait
 * while it is solved), a dispute, the next call, and the task it answers, closed with its outcome.
 */
export async function logContact(db: Q, row: CaseRow, request: ContactRequest, actor: Actor, now: Date): Promise<LoggedContact> {
  const creditor = await creditors.getCreditor(db, row.creditor_id);
  if (!creditor) throw new Error(`creditor ${row.creditor_id} is missing`);
  const today = dayOf(now, creditor.time_zone);
  const nextStep = request.nextStep ?? (request.agreement ? { action: 'follow_agreement' as const, date: request.agreement.followUpDate } : null);
  const task = request.taskId
    ? await db.selectFrom('tasks').selectAll().where('id', '=', request.taskId).where('creditor_id', '=', row.creditor_id).where('case_id', '=', row.id).forUpdate().executeTakeFirst()
    : undefined;
  if (request.taskId && !task) throw new DomainError('invalid_contact', 'no such task on this case', [{ path: 'taskId', message: 'names no task of this case' }]);
  if (task && task.status !== 'open') throw new TaskNotOpen(`the task is already ${task.status}`);
  const decision = decideContact(
    {
      channel: request.channel,
      reached: request.reached,
      outcome: request.outcome,
      lateReason: request.lateReason,
      openDispute: request.openDispute,
      hasAgreement: request.agreement !== null,
      nextStep,
      answersTask: task !== undefined,
    },
    today,
  );

  const contact = await db
    .insertInto('contacts')
    .values({
      creditor_id: row.creditor_id,
      case_id: row.id,
      task_id: task?.id ?? null,
      channel: request.channel,
      direction: request.direction,
      reached: request.reached,
      outcome: request.outcome,
      late_reason: request.lateReason,
      notes: request.notes,
      next_step: nextStep ? JSON.stringify(nextStep) : null,
      occurred_at: request.occurredAt ?? now,
      actor_kind: actor.kind,
      actor_id: actor.id,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();

  let current = row;
  const deadlines: DeadlineRow[] = [];
  const openedTaskIds: string[] = [];
  const agreement = request.agreement ? await makeAgreement(db, current, { ...request.agreement, contactId: contact.id }, actor, now) : null;
  if (agreement) deadlines.push(...agreement.deadlines);
  if (decision.openVerificationItem) {
    openedTaskIds.push(await openTask(db, current, { kind: 'verification', dueDate: today, note: `Solve the ${request.lateReason?.replaceAll('_', ' ')} the debtor reported.${request.notes ? ` ${request.notes}` : ''}` }, now));
    if (current.status === 'active') current = (await applyCaseAction(db, current, 'hold_for_problem', { note: request.lateReason }, actor, now)).row;
  }
  if (decision.openDispute) current = (await applyCaseAction(db, current, 'dispute', { note: request.notes ?? 'unhappy with the goods or services' }, actor, now)).row;
  if (decision.newTask && nextStep) {
    openedTaskIds.push(await openTask(db, current, { kind: decision.newTask, dueDate: nextStep.date, note: nextStep.note ?? null }, now));
  }
  if (task && nextStep) {
    await db
      .updateTable('tasks')
      .set({ status: 'done', completed_at: now, contact_id: contact.id, outcome: request.outcome, next_step: JSON.stringify(nextStep) })
      .where('id', '=', task.id)
      .execute();
    await outbox.appendEvents(
      db,
      row.creditor_id,
      [event('task.completed', row.id, { caseId: row.id, taskId: task.id, contactId: contact.id, outcome: request.outcome, nextStep: { action: nextStep.action, date: nextStep.date } })],
      now,
    );
    // The verification item is done and collection goes on: the held reminders resume.
    if (task.kind === 'verification' && nextStep.action === 'continue_policy' && current.status === 'on_hold' && current.hold_reason === 'problem') {
      const resumed = await applyCaseAction(db, current, 'problem_solved', { note: request.notes }, actor, now);
      deadlines.push(...resumed.deadlines);
    }
  }
  await activity.appendActivity(
    db,
    [
      {
        creditorId: row.creditor_id,
        caseId: row.id,
        type: 'contact.logged',
        actor,
        data: {
          contactId: contact.id,
          channel: request.channel,
          direction: request.direction,
          reached: request.reached,
          outcome: request.outcome,
          ...(request.lateReason && { lateReason: request.lateReason }),
          ...(nextStep && { nextStep }),
          ...(task && { taskId: task.id }),
          ...(agreement && { agreementId: agreement.agreement.id }),
        },
      },
    ],
    now,
  );
  await outbox.appendEvents(
    db,
    row.creditor_id,
    [
      event('contact.logged', row.id, {
        caseId: row.id,
        contactId: contact.id,
        channel: request.channel,
        direction: request.direction,
        reached: request.reached,
        outcome: request.outcome,
        lateReason: request.lateReason,
        taskId: task?.id ?? null,
      }),
    ],
    now,
  );
  const stored = agreement ? await db.selectFrom('contacts').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow() : contact;
  return { contact: stored, agreement, openedTaskIds, deadlines };
}
