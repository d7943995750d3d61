import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { DomainEvent } from '@fordra/domain';
import { compiledRows } from './compiled-once.js';
import { run, type Statement } from './statements.js';
import type { Database } from './types.js';

type Q = Kysely<Database>;

/**
 * Writes events in the caller's transaction, so an event exists exactly when its change does.
 * The id is fixed here and travels with the event on every delivery attempt.
 */
// Every change an integrator may care about writes its events: compiled once per shape (see compiledRows).
const insertOutboxRows = compiledRows((db, rows: Insertable<Database['outbox']>[]) => db.insertInto('outbox').values(rows));

export async function appendEvents(db: Q, creditorId: string, events: readonly DomainEvent[], now: Date): Promise<string[]> {
  if (events.length === 0) return [];
  return run(db, eventsInsert(db, creditorId, events, now));
}

/** At least one event; answers with the events' ids. */
export function eventsInsert(db: Q, creditorId: string, events: readonly DomainEvent[], now: Date): Statement<string[]> {
  const rows = events.map((e) => ({
    id: randomUUID(),
    creditor_id: creditorId,
    case_id: e.caseId,
    type: e.type,
    data: JSON.stringify(e.data),
    occurred_at: now,
  }));
  return { query: insertOutboxRows(db, rows), read: () => rows.map((r) => r.id) };
}
