import type { Kysely } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { compiledOnce, type Parameter } from './compiled-once.js';
import type { ActivityRow, CaseRow, Database, InvoiceRow } from './types.js';

const instantOrNull = (text: string | null) => (text === null ? null : new Date(text));

type CaseViewParameter = Parameter<'creditorId' | 'caseId' | 'activityLimit'>;

/** The case's row with the lists its view is made of, each as JSON. */
const caseWithItsLists = (db: Kysely<Database>, parameter: CaseViewParameter) =>
  db
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
        eb.selectFrom('case_activity').selectAll('case_activity').whereRef('case_activity.case_id', '=', 'cases.id').orderBy('case_activity.id', 'desc').limit(parameter<number>('activityLimit')),
      ).as('activity_list'),
      jsonArrayFrom(
        eb.selectFrom('case_charges').select(['id', 'kind', 'amount_minor', 'created_at', 'invoice_id']).whereRef('case_charges.case_id', '=', 'cases.id').orderBy('case_charges.created_at'),
      ).as('charge_list'),
      jsonArrayFrom(eb.selectFrom('payments').select(['id', 'amount_minor', 'paid_on']).whereRef('payments.case_id', '=', 'cases.id').orderBy('payments.created_at')).as('payment_list'),
      jsonArrayFrom(
        eb.selectFrom('case_adjustments').select(['id', 'kind', 'amount_minor', 'booked_on', 'invoice_id']).whereRef('case_adjustments.case_id', '=', 'cases.id').orderBy('case_adjustments.created_at'),
      ).as('adjustment_list'),
      jsonObjectFrom(eb.selectFrom('creditors').select(['country', 'time_zone', 'late_interest', 'allocation_order']).whereRef('creditors.id', '=', 'cases.creditor_id')).as('creditor'),
      eb.selectFrom('debtors').select('kind').whereRef('debtors.id', '=', 'cases.debtor_id').as('debtor_kind'),
      jsonArrayFrom(eb.selectFrom('reference_rates').select(['basis', 'valid_from', 'rate_bp']).orderBy('valid_from')).as('reference_list'),
    ])
    .where('cases.creditor_id', '=', parameter('creditorId'))
    .where('cases.id', '=', parameter('caseId'));

/**
 * The case read's statement: nine sub-selects, compiled once (see compiledOnce), answering with one
 * JSON value rather than a row of 27 columns. Why: node-postgres describes and converts every
 * column of every execution one by one, which cost the API more CPU per read than parsing the
 * same data as one JSON text.
 */
const caseViewQuery = compiledOnce(['creditorId', 'caseId', 'activityLimit'], (db, parameter) => db.selectNoFrom(jsonObjectFrom(caseWithItsLists(db, parameter)).as('view')));

/**
 * One case with its invoices (and whether each has its document), what its ledger is derived
 * from, and its latest activity, in one statement: the case read is the API's most frequent request, and each round
 * trip costs more than the query itself.
 */
export async function getCaseView(db: Kysely<Database>, creditorId: string, caseId: string, activityLimit: number) {
  const found = (await db.executeQuery(caseViewQuery(db, { creditorId, caseId, activityLimit }))).rows[0]?.view;
  if (!found) return undefined;
  const { invoice_list, activity_list, charge_list, payment_list, adjustment_list, creditor, debtor_kind, reference_list, ...caseJson } = found;
  // JSON carries instants as text and int8 as numbers: turn them back into the row types.
  const row: CaseRow = {
    ...caseJson,
    created_at: new Date(caseJson.created_at),
    updated_at: new Date(caseJson.updated_at),
    closed_at: instantOrNull(caseJson.closed_at),
    held_since: instantOrNull(caseJson.held_since),
    activated_at: instantOrNull(caseJson.activated_at),
  };
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
  const ledger = {
    invoices: invoiceRows,
    charges: charge_list.map((c) => ({ ...c, amount_minor: BigInt(c.amount_minor as unknown as number), created_at: new Date(c.created_at as unknown as string) })),
    payments: payment_list.map((p) => ({ ...p, amount_minor: BigInt(p.amount_minor as unknown as number) })),
    adjustments: adjustment_list.map((a) => ({ ...a, amount_minor: BigInt(a.amount_minor as unknown as number) })),
    creditor: creditor!,
    debtorKind: debtor_kind ?? 'business',
    references: reference_list,
  };
  return { row, invoices: invoiceRows, ledger, activity: activityRows };
}
