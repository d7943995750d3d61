import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { hasOcrLengthDigit, isValidReference, makeReference } from '@fordra/domain';
import { businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const api = useApi();

function post(auth: { authorization: string }, payload: Record<string, unknown>) {
  return api.app.inject({ method: 'POST', url: '/v1/cases', headers: auth, payload: { debtor: businessDebtor(), invoices: [invoice()], ...payload } });
}

async function openCase(auth: { authorization: string }, payload: Record<string, unknown> = {}) {
  const res = await post(auth, payload);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json<{ id: string; paymentReference: string | null }>();
}

describe('payment references of new cases', () => {
  it("gives a Swedish creditor's cases distinct OCR references with a length digit, and reads them back", async () => {
    const creditor = await api.creditor('Acme AB', 'SE');
    const first = await openCase(creditor.auth);
    const second = await openCase(creditor.auth);
    for (const c of [first, second]) {
      expect(c.paymentReference).toMatch(/^\d+$/);
      expect(isValidReference('se_ocr', c.paymentReference!)).toBe(true);
      expect(hasOcrLengthDigit(c.paymentReference!)).toBe(true);
    }
    expect(first.paymentReference).not.toBe(second.paymentReference);
    const read = await api.app.inject({ method: 'GET', url: `/v1/cases/${first.id}`, headers: creditor.auth });
    expect(read.json().paymentReference).toBe(first.paymentReference);
    const listed = await api.app.inject({ method: 'GET', url: '/v1/cases', headers: creditor.auth });
    expect(listed.json().items.map((c: { paymentReference: string }) => c.paymentReference).sort()).toEqual([first.paymentReference, second.paymentReference].sort());
    const stored = await api.database.db.selectFrom('cases').select('payment_reference').where('id', '=', first.id).executeTakeFirstOrThrow();
    expect(stored.payment_reference).toBe(first.paymentReference);
  });

  it("gives a Finnish creditor's cases Finnish reference numbers", async () => {
    const creditor = await api.creditor('Acme Oy', 'FI');
    const c = await openCase(creditor.auth, { currency: 'EUR', invoices: [invoice({ currency: 'EUR' })] });
    expect(c.paymentReference).toMatch(/^[1-9]\d{3,19}$/);
    expect(isValidReference('fi_reference', c.paymentReference!)).toBe(true);
  });

  it('follows the kind the creditor set, for new cases only', async () => {
    const creditor = await api.creditor('Acme AB', 'SE');
    const before = await openCase(creditor.auth);
    const profile = await api.app.inject({ method: 'PATCH', url: '/v1/creditor', headers: creditor.auth, payload: { paymentReferenceKind: 'rf' } });
    expect(profile.statusCode).toBe(200);
    expect(profile.json().paymentReferenceKind).toBe('rf');
    const after = await openCase(creditor.auth);
    expect(after.paymentReference).toMatch(/^RF\d{2}\d+$/);
    expect(isValidReference('rf', after.paymentReference!)).toBe(true);
    // The case opened before keeps the reference its debtor may already have been sent.
    const read = await api.app.inject({ method: 'GET', url: `/v1/cases/${before.id}`, headers: creditor.auth });
    expect(read.json().paymentReference).toBe(before.paymentReference);
    expect(isValidReference('se_ocr', before.paymentReference!)).toBe(true);
    // Back to the country's usual kind.
    const reset = await api.app.inject({ method: 'PATCH', url: '/v1/creditor', headers: creditor.auth, payload: { paymentReferenceKind: null } });
    expect(reset.json().paymentReferenceKind).toBeNull();
    expect(isValidReference('se_ocr', (await openCase(creditor.auth)).paymentReference!)).toBe(true);
    problem(await api.app.inject({ method: 'PATCH', url: '/v1/creditor', headers: creditor.auth, payload: { paymentReferenceKind: 'iban' } }), 400);
  });

  it("keeps the integrator's own valid reference, in its electronic form", async () => {
    const creditor = await api.creditor('Acme AB', 'DE');
    const c = await openCase(creditor.auth, { paymentReference: 'rf18 5390 0754 7034', currency: 'EUR', invoices: [invoice({ currency: 'EUR' })] });
    expect(c.paymentReference).toBe('RF18539007547034');
    const se = await api.creditor('Acme AB', 'SE');
    expect((await openCase(se.auth, { paymentReference: '1234574' })).paymentReference).toBe('1234574');
  });

  it('refuses a reference that is not of the creditor\'s kind with 422 naming the field, and keeps nothing', async () => {
    const creditor = await api.creditor('Acme AB', 'SE');
    const wrongDigit = problem(await post(creditor.auth, { paymentReference: '1234575' }), 422);
    expect(wrongDigit.errors).toEqual([{ in: 'body', pointer: '/paymentReference', detail: expect.stringMatching(/Luhn/) }]);
    // A valid RF reference is still not a Swedish OCR reference.
    expect(problem(await post(creditor.auth, { paymentReference: 'RF18539007547034' }), 422).errors?.map((e) => e.pointer)).toEqual(['/paymentReference']);
    const cases = await api.database.db.selectFrom('cases').select('id').where('creditor_id', '=', creditor.id).execute();
    const debtors = await api.database.db.selectFrom('debtors').select('id').where('creditor_id', '=', creditor.id).execute();
    expect([cases.length, debtors.length]).toEqual([0, 0]);
  });

  it("answers 409 when another of the creditor's cases has the reference, but not for another creditor's", async () => {
    const creditor = await api.creditor('Acme Oy', 'FI');
    const eur = { currency: 'EUR', invoices: [invoice({ currency: 'EUR' })] };
    const first = await openCase(creditor.auth, { ...eur, paymentReference: '12 34561' });
    expect(first.paymentReference).toBe('1234561');
    const clash = problem(await post(creditor.auth, { ...eur, paymentReference: '1234561' }), 409);
    expect(clash.existingId).toBe(first.id);
    const other = await api.creditor('Other Oy', 'FI');
    expect((await openCase(other.auth, { ...eur, paymentReference: '1234561' })).paymentReference).toBe('1234561');
  });

  it('skips a made reference that an integrator already gave one of the creditor\'s cases', async () => {
    const creditor = await api.creditor('Acme AB', 'SE');
    // This file's database is its own: the sequence's next two values are known.
    const { rows } = await sql<{ n: string }>`SELECT nextval('payment_reference_seq')::text AS n`.execute(api.database.db);
    const next = BigInt(rows[0]!.n) + 1n;
    const taken = makeReference('se_ocr', String(next));
    await openCase(creditor.auth, { paymentReference: taken });
    const made = await openCase(creditor.auth);
    expect(made.paymentReference).toBe(makeReference('se_ocr', String(next + 1n)));
  });
});
