import { sql, type Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { ActivityRow, Database, InvoiceRow } from './types.js';

/**
 * One case with its invoices (and whether each has its document), its fees and its latest
 * activity, in one statement: the case read is the API's most frequent request, and each round
 * trip costs more than the query itself.
 */
export async function getCaseView(db: Kysely<Database>, creditorId: string, caseId: string, activityLimit: number) {
  const found = await db
    .selectFrom('cases')
    .selectAll('cases')
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('invoices')
          .leftJoin('invoice_documents', 'invoice_documents.invoice_id', 'invoices.id')
          .selectAll('invoices')
          .select(['invoice_documents.size_bytes as document_size_bytes', 'invoice_documents.uploaded_at as document_uploaded_at'])
          .whereRef('invoices.case_id', '=', 'cases.id')
          .orderBy('invoices.due_date')
          .orderBy('invoices.number'),
      ).as('invoice_list'),
      jsonArrayFrom(
        eb.selectFrom('case_activity').selectAll('case_activity').whereRef('case_activity.case_id', '=', 'cases.id').orderBy('case_activity.id', 'desc').limit(activityLimit),
      ).as('activity_list'),
      eb
        .selectFrom('case_charges')
        .select(sql<string>`coalesce(sum(amount_minor), 0)::text`.as('total'))
        .whereRef('case_charges.case_id', '=', 'cases.id')
        .as('fees_total'),
    ])
    .where('cases.creditor_id', '=', creditorId)
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
  if (!found) return undefined;
  const { invoice_list, activity_list, fees_total, ...row } = found;
  // JSON carries instants as text and int8 as numbers: turn them back into the row types.
  const invoiceRows = invoice_list.map((i) => ({
    ...i,
    amount_minor: BigInt(i.amount_minor as unknown as number),
    created_at: new Date(i.created_at as unknown as string),
    document_uploaded_at: i.document_uploaded_at ? new Date(i.document_uploaded_at as unknown as string) : null,
  })) as (InvoiceRow & { document_size_bytes: number | null; document_uploaded_at: Date | null })[];
  const activityRows = activity_list.map((a) => ({
    ...a,
    id: BigInt(a.id as unknown as number),
    occurred_at: new Date(a.occurred_at as unknown as string),
  })) as ActivityRow[];
  return { row, invoices: invoiceRows, fees: BigInt(fees_total ?? '0'), activity: activityRows };
}
