import type { Insertable, Kysely } from 'kysely';
import { compiledRows } from './compiled-once.js';
import { run, type Statement } from './statements.js';
import type { Database, InvoiceRow, InvoicesTable } from './types.js';

type Q = Kysely<Database>;

// Every case opened writes its invoices: compiled once per shape (see compiledRows).
const insertInvoiceRows = compiledRows((db, rows: Insertable<InvoicesTable>[]) => db.insertInto('invoices').values(rows).returningAll());

/** At least one row. */
export function invoicesInsert(db: Q, rows: Insertable<InvoicesTable>[]): Statement<InvoiceRow[]> {
  return { query: insertInvoiceRows(db, rows), read: (r) => r.rows };
}

export async function insertInvoices(db: Q, rows: Insertable<InvoicesTable>[]) {
  if (rows.length === 0) return [];
  return run(db, invoicesInsert(db, rows));
}

/** The invoices of the given cases, oldest due first, each with whether a document is attached. */
export async function listInvoicesOfCases(db: Q, creditorId: string, caseIds: readonly string[]) {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom('invoices')
    .leftJoin('invoice_documents', 'invoice_documents.invoice_id', 'invoices.id')
    .selectAll('invoices')
    .select(['invoice_documents.size_bytes as document_size_bytes', 'invoice_documents.uploaded_at as document_uploaded_at'])
    .where('invoices.creditor_id', '=', creditorId)
    .where('invoices.case_id', 'in', caseIds)
    .orderBy('invoices.due_date')
    .orderBy('invoices.number')
    .execute();
}

export async function getInvoice(db: Q, creditorId: string, caseId: string, invoiceId: string) {
  return db
    .selectFrom('invoices')
    .selectAll()
    .where('creditor_id', '=', creditorId)
    .where('case_id', '=', caseId)
    .where('id', '=', invoiceId)
    .executeTakeFirst();
}

export interface InvoiceDocument {
  invoiceId: string;
  creditorId: string;
  content: Buffer;
  sha256: string;
  filename: string | null;
}

/** Stores or replaces the invoice's document; returns whether one was there before. */
export async function putInvoiceDocument(db: Q, doc: InvoiceDocument, now: Date): Promise<{ replaced: boolean }> {
  const previous = await db
    .selectFrom('invoice_documents')
    .select('sha256')
    .where('invoice_id', '=', doc.invoiceId)
    .forUpdate()
    .executeTakeFirst();
  await db
    .insertInto('invoice_documents')
    .values({
      invoice_id: doc.invoiceId,
      creditor_id: doc.creditorId,
      content: doc.content,
      size_bytes: doc.content.length,
      sha256: doc.sha256,
      filename: doc.filename,
      uploaded_at: now,
    })
    .onConflict((oc) =>
      oc.column('invoice_id').doUpdateSet((eb) => ({
        content: eb.ref('excluded.content'),
        size_bytes: eb.ref('excluded.size_bytes'),
        sha256: eb.ref('excluded.sha256'),
        filename: eb.ref('excluded.filename'),
        uploaded_at: eb.ref('excluded.uploaded_at'),
      })),
    )
    .execute();
  return { replaced: previous !== undefined };
}

export async function getInvoiceDocument(db: Q, creditorId: string, invoiceId: string) {
  return db
    .selectFrom('invoice_documents')
    .selectAll()
    .where('creditor_id', '=', creditorId)
    .where('invoice_id', '=', invoiceId)
    .executeTakeFirst();
}
