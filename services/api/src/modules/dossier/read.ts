import { sql, type Kysely } from 'kysely';
import { cases, deadlines, invoices, type Database } from '@fordra/db';
import type { HistoryCase } from './figures.js';

type Q = Kysely<Database>;

/**
 * The dossier's reads. Each is one statement whatever the number of cases, contacts or
 * agreements (no statement per row), every one scoped by the creditor, and a dossier reads them
 * all in one read-only snapshot, so its figures agree with each other.
 */
export function inSnapshot<T>(db: Q, read: (trx: Q) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(read);
}

const total = (minor: string | null | undefined) => BigInt(minor ?? '0');

/** The debtor-wide rows: the debtor, its cases with their sums, agreements, disputes and last contact. */
export async function readHistory(db: Q, creditorId: string, debtorId: string) {
  const debtor = await db.selectFrom('debtors').selectAll().where('creditor_id', '=', creditorId).where('id', '=', debtorId).executeTakeFirst();
  if (!debtor) return undefined;
  const [caseRows, agreementCounts, disputes, lastContact] = await Promise.all([
    db
      .selectFrom('cases')
      .select(['cases.id', 'cases.status', 'cases.close_reason', 'cases.hold_reason', 'cases.currency', 'cases.closed_at'])
      .select((eb) => [
        eb
          .selectFrom('invoices')
          .select((e) => e.fn.min('invoices.due_date').as('d'))
          .where('invoices.creditor_id', '=', creditorId)
          .whereRef('invoices.case_id', '=', 'cases.id')
          .as('earliest_due_date'),
        eb
          .selectFrom('invoices')
          .select(sql<string>`coalesce(sum(amount_minor), 0)::text`.as('t'))
          .where('invoices.creditor_id', '=', creditorId)
          .whereRef('invoices.case_id', '=', 'cases.id')
          .as('invoiced'),
        eb
          .selectFrom('case_charges')
          .select(sql<string>`coalesce(sum(amount_minor), 0)::text`.as('t'))
          .where('case_charges.creditor_id', '=', creditorId)
          .whereRef('case_charges.case_id', '=', 'cases.id')
          .as('fees'),
        eb
          .selectFrom('payments')
          .select(sql<string>`coalesce(sum(amount_minor), 0)::text`.as('t'))
          .where('payments.creditor_id', '=', creditorId)
          .whereRef('payments.case_id', '=', 'cases.id')
          .as('paid'),
        eb
          .selectFrom('payments')
          .select((e) => e.fn.max('payments.paid_on').as('d'))
          .where('payments.creditor_id', '=', creditorId)
          .whereRef('payments.case_id', '=', 'cases.id')
          .as('last_paid_on'),
      ])
      .where('cases.creditor_id', '=', creditorId)
      .where('cases.debtor_id', '=', debtorId)
      .orderBy('cases.created_at')
      .orderBy('cases.id')
      .execute(),
    db
      .selectFrom('agreements')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .where('creditor_id', '=', creditorId)
      .where('debtor_id', '=', debtorId)
      .groupBy('status')
      .execute(),
    db
      .selectFrom('cases')
      .select((eb) => [
        eb
          .selectFrom('case_activity')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('case_activity.creditor_id', '=', creditorId)
          .where('case_activity.type', '=', 'case.disputed')
          .whereRef('case_activity.case_id', '=', 'cases.id')
          .as('opened'),
      ])
      .where('cases.creditor_id', '=', creditorId)
      .where('cases.debtor_id', '=', debtorId)
      .execute(),
    db
      .selectFrom('contacts')
      .innerJoin('cases', 'cases.id', 'contacts.case_id')
      .selectAll('contacts')
      .where('contacts.creditor_id', '=', creditorId)
      .where('cases.creditor_id', '=', creditorId)
      .where('cases.debtor_id', '=', debtorId)
      .orderBy('contacts.occurred_at', 'desc')
      .orderBy('contacts.created_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  const historyCases: (HistoryCase & { id: string })[] = caseRows.map((c) => ({
    id: c.id,
    status: c.status,
    closeReason: c.close_reason,
    holdReason: c.hold_reason,
    currency: c.currency,
    closedAt: c.closed_at,
    earliestDueDate: c.earliest_due_date ?? null,
    invoicedMinor: total(c.invoiced),
    feesMinor: total(c.fees),
    paidMinor: total(c.paid),
    lastPaidOn: c.last_paid_on ?? null,
  }));
  return {
    debtor,
    cases: historyCases,
    agreements: Object.fromEntries(agreementCounts.map((a) => [a.status, a.n])) as Partial<Record<'active' | 'kept' | 'broken' | 'cancelled', number>>,
    disputesOpened: disputes.reduce((sum, d) => sum + (d.opened ?? 0), 0),
    lastContact: lastContact ?? null,
  };
}

export type HistoryRows = NonNullable<Awaited<ReturnType<typeof readHistory>>>;

/** Everything about one case a dossier shows, or undefined when the creditor has no such case. */
export async function readDossier(db: Q, creditorId: string, caseId: string) {
  const row = await cases.getCase(db, creditorId, caseId);
  if (!row) return undefined;
  const [history, invoiceRows, notifications, contacts, steps, agreements, instalments, tasks, disputes] = await Promise.all([
    readHistory(db, creditorId, row.debtor_id),
    invoices.listInvoicesOfCases(db, creditorId, [row.id]),
    db
      .selectFrom('notifications')
      .leftJoin('case_deadlines', 'case_deadlines.id', 'notifications.deadline_id')
      .select([
        'notifications.id',
        'notifications.channel',
        'notifications.template',
        'notifications.language',
        'notifications.status',
        'notifications.attempts',
        'notifications.sent_at',
        'notifications.failure_reason',
        'notifications.fallback_of',
        'notifications.agreement_id',
        'notifications.created_at',
        'case_deadlines.step_key',
      ])
      .where('notifications.creditor_id', '=', creditorId)
      .where('notifications.case_id', '=', row.id)
      .orderBy('notifications.created_at')
      .orderBy('notifications.id')
      .execute(),
    db.selectFrom('contacts').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', row.id).orderBy('occurred_at').orderBy('created_at').execute(),
    deadlines.listCaseDeadlines(db, creditorId, row.id),
    db.selectFrom('agreements').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', row.id).orderBy('made_at').orderBy('id').execute(),
    db.selectFrom('agreement_instalments').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', row.id).orderBy('agreement_id').orderBy('seq').execute(),
    db
      .selectFrom('tasks')
      .select(['id', 'kind', 'assignee', 'due_date', 'note', 'agreement_id', 'created_at'])
      .where('creditor_id', '=', creditorId)
      .where('case_id', '=', row.id)
      .where('status', '=', 'open')
      .orderBy('due_date')
      .orderBy('created_at')
      .execute(),
    // Open disputes on any of the debtor's cases, with the complaint that opened each.
    db
      .selectFrom('cases')
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('case_activity')
            .select(['case_activity.occurred_at', 'case_activity.data', 'case_activity.actor_kind', 'case_activity.actor_id'])
            .where('case_activity.creditor_id', '=', creditorId)
            .where('case_activity.type', '=', 'case.disputed')
            .whereRef('case_activity.case_id', '=', 'cases.id')
            .orderBy('case_activity.id', 'desc')
            .limit(1)
            .as('opened'),
        (join) => join.onTrue(),
      )
      .select(['cases.id as case_id', 'cases.held_since', 'opened.occurred_at', 'opened.data', 'opened.actor_kind', 'opened.actor_id'])
      .where('cases.creditor_id', '=', creditorId)
      .where('cases.debtor_id', '=', row.debtor_id)
      .where('cases.status', '=', 'on_hold')
      .where('cases.hold_reason', '=', 'dispute')
      .orderBy('cases.held_since')
      .orderBy('cases.id')
      .execute(),
  ]);
  // The case's debtor always exists (a foreign key holds it), so the history does too.
  return { row, history: history!, invoices: invoiceRows, notifications, contacts, steps, agreements, instalments, tasks, disputes };
}

export type DossierRows = NonNullable<Awaited<ReturnType<typeof readDossier>>>;
