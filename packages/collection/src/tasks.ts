import type { Kysely } from 'kysely';
import { outbox, type CaseRow, type Database, type TaskKind } from '@fordra/db';
import { event, type LocalDate } from '@fordra/domain';

export interface TaskRequest {
  kind: TaskKind;
  dueDate: LocalDate;
  /** What the task is about, for the person who picks it up. */
  note?: string | null;
  deadlineId?: string | null;
  agreementId?: string | null;
}

/** Opens a task for the case's handler and announces it, in the caller's transaction. */
export async function openTask(db: Kysely<Database>, row: CaseRow, request: TaskRequest, now: Date): Promise<string> {
  const task = await db
    .insertInto('tasks')
    .values({
      creditor_id: row.creditor_id,
      case_id: row.id,
      deadline_id: request.deadlineId ?? null,
      agreement_id: request.agreementId ?? null,
      kind: request.kind,
      note: request.note ?? null,
      assignee: row.handler,
      due_date: request.dueDate,
      status: 'open',
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await outbox.appendEvents(
    db,
    row.creditor_id,
    [event('task.created', row.id, { caseId: row.id, taskId: task.id, kind: request.kind, dueDate: request.dueDate, assignee: row.handler })],
    now,
  );
  return task.id;
}
