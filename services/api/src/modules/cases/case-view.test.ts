import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { getCaseView } from '@fordra/db';
import { openTestCase, useTestDatabase } from '@fordra/testkit';

const database = useTestDatabase();

describe('the case view, read as one JSON value', () => {
  it('gives back the case and its invoices exactly as plain selects of their tables type them', async () => {
    const { db } = database;
    const now = new Date('2026-10-01T08:30:00.123Z');
    const { creditor, caseId } = await openTestCase(db, { now, dueDate: '2026-09-30' });
    // Every nullable column filled, the instants with the microseconds Postgres keeps and a Date drops.
    await sql`
      UPDATE cases SET status = 'closed', close_reason = 'paid', closed_at = '2026-10-03T09:00:00.123456+02', held_since = '2026-10-02T23:59:59.999999Z',
        hold_reason = 'waiting for the debtor', activated_at = '2026-10-01T10:00:00.000001Z', contractual_interest_bp = 850, external_reference = 'ERP-1'
      WHERE id = ${caseId}`.execute(db);

    const view = await getCaseView(db, creditor.id, caseId, 10);
    const plain = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    const plainInvoices = await db.selectFrom('invoices').selectAll().where('case_id', '=', caseId).execute();

    expect(view!.row).toEqual(plain);
    expect(view!.row.closed_at).toEqual(new Date('2026-10-03T07:00:00.123Z'));
    expect(view!.invoices.map(({ document_size_bytes: _size, document_uploaded_at: _uploaded, ...invoice }) => invoice)).toEqual(plainInvoices);
    expect(view!.invoices[0]).toMatchObject({ amount_minor: 125_000n, document_size_bytes: null, document_uploaded_at: null });
    expect(view!.ledger.creditor).toMatchObject({ country: 'SE', time_zone: 'Europe/Stockholm' });
    expect(view!.ledger.debtorKind).toBe('business');
  });

  it("answers nothing for another creditor's case", async () => {
    const { db } = database;
    const now = new Date('2026-10-01T08:30:00Z');
    const mine = await openTestCase(db, { now, dueDate: '2026-09-30' });
    const theirs = await openTestCase(db, { now, dueDate: '2026-09-30' });
    expect(await getCaseView(db, mine.creditor.id, theirs.caseId, 10)).toBeUndefined();
    expect(await getCaseView(db, theirs.creditor.id, theirs.caseId, 10)).toBeDefined();
  });
});
