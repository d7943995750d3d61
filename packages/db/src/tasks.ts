import type { Kysely } from 'kysely';
import { afterCursor, type PageRequest } from './pages.js';
import type { Database, TaskKind } from './types.js';

type Q = Kysely<Database>;

export interface TaskFilter {
  status?: 'open' | 'done' | 'cancelled' | undefined;
  assignee?: string | undefined;
  kind?: TaskKind | undefined;
  caseId?: string | undefined;
  dueOnOrBefore?: string | undefined;
  dueOnOrAfter?: string | undefined;
}

/** A creditor's tasks, newest first, filtered as a handler's work list needs. */
export async function listTasks(db: Q, creditorId: string, filter: TaskFilter, page: PageRequest) {
  let query = db.selectFrom('tasks').selectAll().where('creditor_id', '=', creditorId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.assignee !== undefined) query = query.where('assignee', '=', filter.assignee);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.caseId !== undefined) query = query.where('case_id', '=', filter.caseId);
  if (filter.dueOnOrBefore !== undefined) query = query.where('due_date', '<=', filter.dueOnOrBefore);
  if (filter.dueOnOrAfter !== undefined) query = query.where('due_date', '>=', filter.dueOnOrAfter);
  if (page.after) query = query.where(afterCursor(page.after));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
}

export async function getTask(db: Q, creditorId: string, id: string) {
  return db.selectFrom('tasks').selectAll().where('creditor_id', '=', creditorId).where('id', '=', id).executeTakeFirst();
}
