import { sql, type Kysely } from 'kysely';
import type { Database } from '@fordra/db';

type Q = Kysely<Database>;

/**
 * Every row Fordra keeps about a debtor, scoped by the creditor: the debtor, its cases and all
 * that hangs off them, and the audit events about any of them. PDFs are left in the database
 * (their size, hash and address are read instead). Run it in one snapshot so the parts agree.
 */
export async function readDebtorExport(db: Q, creditorId: string, debtorId: string) {
  const debtor = await db.selectFrom('debtors').selectAll().where('creditor_id', '=', creditorId).where('id', '=', debtorId).executeTakeFirst();
  if (!debtor) return undefined;
  const cases = await db.selectFrom('cases').selectAll().where('creditor_id', '=', creditorId).where('debtor_id', '=', debtorId).orderBy('created_at').orderBy('id').execute();
  const caseIds = cases.map((c) => c.id);
  // `IN ()` is not SQL: a debtor without cases has nothing below its cases.
  const ids = caseIds.length > 0 ? caseIds : ['00000000-0000-0000-0000-000000000000'];

  const [invoices, activity, contacts, agreements, instalments, payments, adjustments, unmatched, notifications, attempts, tasks, handovers, agencyUpdates] = await Promise.all([
    db
      .selectFrom('invoices')
      .leftJoin('invoice_documents', 'invoice_documents.invoice_id', 'invoices.id')
      .selectAll('invoices')
      .select(['invoice_documents.size_bytes', 'invoice_documents.sha256', 'invoice_documents.filename', 'invoice_documents.uploaded_at'])
      .where('invoices.creditor_id', '=', creditorId)
      .where('invoices.case_id', 'in', ids)
      .orderBy('invoices.due_date')
      .orderBy('invoices.number')
      .execute(),
    db.selectFrom('case_activity').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('contacts').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('occurred_at').orderBy('id').execute(),
    db.selectFrom('agreements').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('made_at').orderBy('id').execute(),
    db.selectFrom('agreement_instalments').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('seq').execute(),
    db.selectFrom('payments').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('case_adjustments').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('unmatched_payments').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
    db
      .selectFrom('notifications')
      .select([
        'id', 'case_id', 'channel', 'template', 'language', 'recipient', 'status', 'subject', 'body_text', 'body_html', 'pages', 'attempts',
        'sent_at', 'failure_reason', 'fallback_of', 'agreement_id', 'created_at',
      ])
      .select(sql<boolean>`pdf IS NOT NULL`.as('has_pdf'))
      .where('creditor_id', '=', creditorId)
      .where('case_id', 'in', ids)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('notification_attempts')
      .innerJoin('notifications', 'notifications.id', 'notification_attempts.notification_id')
      .select(['notification_attempts.notification_id', 'notification_attempts.attempted_at', 'notification_attempts.outcome', 'notification_attempts.detail'])
      .where('notification_attempts.creditor_id', '=', creditorId)
      .where('notifications.case_id', 'in', ids)
      .orderBy('notification_attempts.id')
      .execute(),
    db.selectFrom('tasks').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('handovers').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('agency_updates').selectAll().where('creditor_id', '=', creditorId).where('case_id', 'in', ids).orderBy('reported_at').orderBy('id').execute(),
  ]);

  // The audit events about the debtor, its cases and what hangs off them by id.
  const about: [string, string[]][] = [
    ['debtor', [debtorId]],
    ['case', caseIds],
    ['agreement', agreements.map((a) => a.id)],
    ['notification', notifications.map((n) => n.id)],
    ['task', tasks.map((t) => t.id)],
  ];
  const auditEvents = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('creditor_id', '=', creditorId)
    .where((eb) => eb.or(about.filter(([, list]) => list.length > 0).map(([type, list]) => eb.and([eb('resource_type', '=', type), eb('resource_id', 'in', list)]))))
    .orderBy('id')
    .execute();

  return { debtor, cases, invoices, activity, contacts, agreements, instalments, payments, adjustments, unmatched, notifications, attempts, tasks, handovers, agencyUpdates, auditEvents };
}

export type DebtorExportRows = NonNullable<Awaited<ReturnType<typeof readDebtorExport>>>;
