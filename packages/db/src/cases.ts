import type { Insertable, Kysely, Updateable } from 'kysely';
import { compiledOnce } from './compiled-once.js';
import { run, type Statement } from './statements.js';
import type { CaseRow, CasesTable, Database } from './types.js';
import { afterCursor, type PageRequest } from './pages.js';

type Q = Kysely<Database>;

export async function insertCase(db: Q, row: Insertable<CasesTable>) {
  return db.insertInto('cases').values(row).returningAll().executeTakeFirstOrThrow();
}

const NEW_CASE_COLUMNS = [
  'id', 'creditor_id', 'debtor_id', 'status', 'close_reason', 'currency', 'handler', 'external_reference', 'payment_reference',
  'policy_id', 'reminder_fee_agreed', 'contractual_interest_bp', 'created_at', 'updated_at',
] as const;
type NewCase = Required<Pick<Insertable<CasesTable>, (typeof NEW_CASE_COLUMNS)[number]>>;

/** Every column of the case a new case names (its API's create, run on every request): compiled once. */
const insertNewCaseQuery = compiledOnce(NEW_CASE_COLUMNS, (db, parameter) =>
  db
    .insertInto('cases')
    .values(Object.fromEntries(NEW_CASE_COLUMNS.map((c) => [c, parameter(c)])) as unknown as Insertable<CasesTable>)
    .returningAll(),
);

/**
 * A new case with every column given, its id included (minted by the caller, so that the
 * statements writing its invoices and events can go with this one): what the API's create writes.
 */
export function newCaseInsert(db: Q, row: NewCase): Statement<CaseRow> {
  return { query: insertNewCaseQuery(db, row), read: (r) => r.rows[0] };
}

export async function getCase(db: Q, creditorId: string, id: string) {
  return db.selectFrom('cases').selectAll().where('creditor_id', '=', creditorId).where('id', '=', id).executeTakeFirst();
}

/** Locks the case for the rest of the transaction: changes to one case apply one at a time. */
export async function getCaseForUpdate(db: Q, creditorId: string, id: string) {
  return db
    .selectFrom('cases')
    .selectAll()
    .where('creditor_id', '=', creditorId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateCase(db: Q, creditorId: string, id: string, changes: Updateable<CasesTable>) {
  return db
    .updateTable('cases')
    .set(changes)
    .where('creditor_id', '=', creditorId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface CaseFilter {
  status?: CasesTable['status'] | undefined;
  debtorId?: string | undefined;
  externalReference?: string | undefined;
  /** Cases with an invoice due on or before this day: overdue since then or longer. */
  overdueSince?: string | undefined;
}

export async function listCases(db: Q, creditorId: string, filter: CaseFilter, page: PageRequest) {
  let query = db.selectFrom('cases').selectAll().where('creditor_id', '=', creditorId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.debtorId !== undefined) query = query.where('debtor_id', '=', filter.debtorId);
  if (filter.externalReference !== undefined) query = query.where('external_reference', '=', filter.externalReference);
  if (filter.overdueSince !== undefined) {
    const day = filter.overdueSince;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('invoices')
          .select('invoices.id')
          .whereRef('invoices.case_id', '=', 'cases.id')
          .where('invoices.due_date', '<=', day),
      ),
    );
  }
  if (page.after) query = query.where(afterCursor(page.after));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
}

/** The creditor's case that carries this external reference, if any. */
export function externalReferenceHolder(db: Q, creditorId: string, externalReference: string): Statement<{ id: string } | undefined> {
  const query = db.selectFrom('cases').select(['id']).where('creditor_id', '=', creditorId).where('external_reference', '=', externalReference).compile();
  return { query, read: (r) => r.rows[0] };
}

export async function findCaseByExternalReference(db: Q, creditorId: string, externalReference: string) {
  return run(db, externalReferenceHolder(db, creditorId, externalReference));
}
