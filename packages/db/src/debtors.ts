import type { Kysely } from 'kysely';
import type { Database, DebtorUpdate, NewDebtor } from './types.js';
import type { PageRequest } from './pages.js';
import { afterCursor } from './pages.js';
import { compiledOnce } from './compiled-once.js';
import { run, type Statement } from './statements.js';

type Q = Kysely<Database>;

export async function insertDebtor(db: Q, debtor: NewDebtor) {
  return db.insertInto('debtors').values(debtor).returningAll().executeTakeFirstOrThrow();
}

const erasedAtQuery = compiledOnce(['creditorId', 'id'], (db, parameter) =>
  db.selectFrom('debtors').select('erased_at').where('creditor_id', '=', parameter('creditorId')).where('id', '=', parameter('id')),
);

/** Whether the creditor's debtor was erased (checked before each new case for it): undefined when there is no such debtor. */
export function erasedAtLookup(db: Q, creditorId: string, id: string): Statement<{ erased_at: Date | null } | undefined> {
  return { query: erasedAtQuery(db, { creditorId, id }), read: (r) => r.rows[0] };
}

export async function erasedAt(db: Q, creditorId: string, id: string) {
  return run(db, erasedAtLookup(db, creditorId, id));
}

export async function getDebtor(db: Q, creditorId: string, id: string) {
  return db.selectFrom('debtors').selectAll().where('creditor_id', '=', creditorId).where('id', '=', id).executeTakeFirst();
}

/** Locks the debtor row for the rest of the transaction, so concurrent updates apply in turn. */
export async function getDebtorForUpdate(db: Q, creditorId: string, id: string) {
  return db
    .selectFrom('debtors')
    .selectAll()
    .where('creditor_id', '=', creditorId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateDebtor(db: Q, creditorId: string, id: string, changes: DebtorUpdate) {
  return db
    .updateTable('debtors')
    .set(changes)
    .where('creditor_id', '=', creditorId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export interface DebtorFilter {
  customerNumber?: string | undefined;
}

export async function listDebtors(db: Q, creditorId: string, filter: DebtorFilter, page: PageRequest) {
  let query = db.selectFrom('debtors').selectAll().where('creditor_id', '=', creditorId);
  if (filter.customerNumber !== undefined) query = query.where('customer_number', '=', filter.customerNumber);
  if (page.after) query = query.where(afterCursor(page.after));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
}

export async function findDebtorByCustomerNumber(db: Q, creditorId: string, customerNumber: string) {
  return db
    .selectFrom('debtors')
    .select(['id'])
    .where('creditor_id', '=', creditorId)
    .where('customer_number', '=', customerNumber)
    .executeTakeFirst();
}
