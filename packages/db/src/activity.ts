import type { Insertable, Kysely } from 'kysely';
import type { Actor } from '@fordra/domain';
import { compiledRows } from './compiled-once.js';
import { run, type Statement } from './statements.js';
import type { ActivityRow, Database } from './types.js';

type Q = Kysely<Database>;

export interface ActivityEntry {
  creditorId: string;
  caseId: string;
  type: string;
  actor: Actor;
  data: Record<string, unknown>;
}

/** Appends entries in the given order (their ids grow in that order) and returns them. */
// Nearly every change appends activity: compiled once per shape (see compiledRows).
const insertActivityRows = compiledRows((db, rows: Insertable<Database['case_activity']>[]) => db.insertInto('case_activity').values(rows).returningAll());

export async function appendActivity(db: Q, entries: ActivityEntry[], now: Date) {
  if (entries.length === 0) return [];
  return run(db, activityInsert(db, entries, now));
}

/** At least one entry. */
export function activityInsert(db: Q, entries: ActivityEntry[], now: Date): Statement<ActivityRow[]> {
  const rows = entries.map((e) => ({
    creditor_id: e.creditorId,
    case_id: e.caseId,
    type: e.type,
    actor_kind: e.actor.kind,
    actor_id: e.actor.id,
    data: JSON.stringify(e.data),
    occurred_at: now,
  }));
  return { query: insertActivityRows(db, rows), read: (r) => r.rows };
}

/** A case's activity, newest first, paged by the entry id (which only grows). */
export async function listActivity(db: Q, creditorId: string, caseId: string, page: { limit: number; beforeId?: bigint | undefined }) {
  let query = db.selectFrom('case_activity').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', caseId);
  if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
  return query.orderBy('id', 'desc').limit(page.limit + 1).execute();
}
