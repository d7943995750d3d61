import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { holdRowLock, pollUntil } from '@fordra/testkit';
import { businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const api = useApi();

async function openCase(auth: { authorization: string }, payload: Record<string, unknown>) {
  const res = await api.app.inject({ method: 'POST', url: '/v1/cases', headers: auth, payload });
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}

describe('cases', () => {
  it('opens a case in verification with an inline debtor, and writes its history and events in the same change', async () => {
    const creditor = await api.creditor();
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: creditor.auth,
      payload: {
        debtor: businessDebtor(),
        externalReference: 'ERP-42',
        handler: 'anna@acme.example',
        invoices: [invoice(), invoice({ number: 'F-1002', dueDate: '2026-10-15', amount: 50_000 })],
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(res.headers.location).toBe(`/v1/cases/${body.id}`);
    expect(body).toMatchObject({
      status: 'verification',
      currency: 'SEK',
      externalReference: 'ERP-42',
      outstanding: { amount: 175_000, currency: 'SEK' },
      earliestDueDate: '2026-10-15',
    });
    expect(body.invoices.map((i: { number: string }) => i.number)).toEqual(['F-1002', 'F-1001']);
    expect(body.recentActivity.map((a: { type: string }) => a.type)).toEqual(['invoice.added', 'invoice.added', 'case.created']);

    const events = await api.database.db.selectFrom('outbox').selectAll().where('creditor_id', '=', creditor.id).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(['debtor.created', 'case.created']);
    expect(events[1]).toMatchObject({ case_id: body.id, data: { caseId: body.id, debtorId: body.debtorId, status: 'verification' } });
    expect((events[1]?.data as { invoiceIds: string[] }).invoiceIds.sort()).toEqual(body.invoices.map((i: { id: string }) => i.id).sort());
  });

  it('opens a case for an existing debtor and reads it back', async () => {
    const creditor = await api.creditor();
    const debtor = (await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: creditor.auth, payload: businessDebtor() })).json();
    const created = await openCase(creditor.auth, { debtorId: debtor.id, currency: 'EUR', invoices: [invoice({ currency: 'EUR' })] });
    const read = await api.app.inject({ method: 'GET', url: `/v1/cases/${created.id}`, headers: creditor.auth });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created);
    expect(read.json()).toMatchObject({ debtorId: debtor.id, currency: 'EUR' });
  });

  it('refuses what would make a wrong reminder: bad dates, currencies, duplicates, both or neither debtor', async () => {
    const creditor = await api.creditor();
    const mismatch = await api.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: creditor.auth,
      payload: { debtor: businessDebtor(), invoices: [invoice({ dueDate: '2026-09-01' }), invoice({ currency: 'EUR' })] },
    });
    expect(problem(mismatch, 422).errors).toEqual([
      { in: 'body', pointer: '/invoices/0/dueDate', detail: 'must not be before the issue date' },
      { in: 'body', pointer: '/invoices/1/currency', detail: 'must be the case currency SEK' },
      { in: 'body', pointer: '/invoices/1/number', detail: 'invoice F-1001 is already on this case' },
    ]);
    problem(await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { invoices: [invoice()] } }), 400);
    problem(await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [] } }), 400);
    // Nothing of the refused requests was kept.
    const cases = await api.database.db.selectFrom('cases').select('id').where('creditor_id', '=', creditor.id).execute();
    const debtors = await api.database.db.selectFrom('debtors').select('id').where('creditor_id', '=', creditor.id).execute();
    expect([cases.length, debtors.length]).toEqual([0, 0]);
  });

  it('keeps external references unique per creditor', async () => {
    const creditor = await api.creditor();
    const first = await openCase(creditor.auth, { debtor: businessDebtor(), externalReference: 'ERP-1', invoices: [invoice()] });
    const clash = await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), externalReference: 'ERP-1', invoices: [invoice()] } });
    expect(problem(clash, 409).existingId).toBe(first.id);
  });

  it('asks every check a new case needs at once, and answers the first that fails in a fixed order, keeping nothing', async () => {
    const creditor = await api.creditor();
    const first = await openCase(creditor.auth, { debtor: businessDebtor(), externalReference: 'ERP-7', invoices: [invoice()] });
    const attempt = (payload: Record<string, unknown>) =>
      api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { invoices: [invoice({ number: 'F-refused' })], ...payload } });
    const everythingWrong = { debtorId: randomUUID(), policyId: randomUUID(), externalReference: 'ERP-7', paymentReference: first.paymentReference };
    const { policyId: _p, ...noPolicy } = everythingWrong;
    const { externalReference: _e, ...noExternal } = noPolicy;
    const { paymentReference: _r, ...onlyTheDebtor } = noExternal;

    expect(problem(await attempt(everythingWrong), 404).errors).toEqual([{ in: 'body', pointer: '/policyId', detail: 'no such policy' }]);
    expect(problem(await attempt(noPolicy), 409)).toMatchObject({ detail: 'external reference ERP-7 is already used by another case', existingId: first.id });
    expect(problem(await attempt(noExternal), 409)).toMatchObject({ detail: `payment reference ${first.paymentReference} is already used by another case`, existingId: first.id });
    // A debtor that does not exist is found by the case's foreign key, with the case's rows already on their way.
    expect(problem(await attempt(onlyTheDebtor), 404).errors).toEqual([{ in: 'body', pointer: '/debtorId', detail: 'no such debtor' }]);

    const kept = await api.database.db.selectFrom('invoices').select('id').where('creditor_id', '=', creditor.id).where('number', '=', 'F-refused').execute();
    const events = await api.database.db.selectFrom('outbox').select('type').where('creditor_id', '=', creditor.id).where('type', '=', 'case.created').execute();
    expect([kept.length, events.length]).toEqual([0, 1]);
  });

  it('answers 409, not 500, when another request takes the external reference between the check and the write', async () => {
    const creditor = await api.creditor();
    const first = await openCase(creditor.auth, { debtor: businessDebtor(), invoices: [invoice()] });
    // Another writer's case with the reference, not yet committed: the check cannot see it, the unique index waits for it.
    const other = await holdRowLock(
      api.database.url,
      `INSERT INTO cases (id, creditor_id, debtor_id, status, currency, external_reference, reminder_fee_agreed, created_at, updated_at)
       SELECT gen_random_uuid(), creditor_id, debtor_id, status, currency, 'ERP-RACE', reminder_fee_agreed, created_at, updated_at FROM cases WHERE id = $1`,
      [first.id],
    );
    try {
      const racing = api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtorId: first.debtorId, externalReference: 'ERP-RACE', invoices: [invoice()] } });
      await pollUntil(async () => ((await other.waiters('fordra')).length > 0 ? true : undefined));
      await other.release();
      expect(problem(await racing, 409).detail).toBe('external reference ERP-RACE is already used by another case');
    } finally {
      await other.release();
    }
  });

  it('filters by status, debtor, external reference and overdue date, and pages in a stable order', async () => {
    const creditor = await api.creditor();
    const debtorA = (await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: creditor.auth, payload: businessDebtor({ name: 'A' }) })).json();
    const old = await openCase(creditor.auth, { debtorId: debtorA.id, externalReference: 'R-old', invoices: [invoice({ dueDate: '2026-09-30', issueDate: '2026-09-01' })] });
    api.clock.advance(1000);
    const recent = await openCase(creditor.auth, { debtor: businessDebtor({ name: 'B' }), externalReference: 'R-new', invoices: [invoice({ dueDate: '2026-11-20' })] });
    api.clock.advance(1000);
    const third = await openCase(creditor.auth, { debtorId: debtorA.id, invoices: [invoice({ dueDate: '2026-11-01' })] });

    const list = async (query: string) =>
      (await api.app.inject({ method: 'GET', url: `/v1/cases?${query}`, headers: creditor.auth })).json().items.map((c: { id: string }) => c.id);
    expect(await list('')).toEqual([third.id, recent.id, old.id]);
    expect(await list(`debtorId=${debtorA.id}`)).toEqual([third.id, old.id]);
    expect(await list('externalReference=R-new')).toEqual([recent.id]);
    expect(await list('overdueSince=2026-10-01')).toEqual([old.id]);
    expect(await list('overdueSince=2026-11-01')).toEqual([third.id, old.id]);
    expect(await list('status=verification')).toHaveLength(3);
    expect(await list('status=closed')).toEqual([]);

    const first = (await api.app.inject({ method: 'GET', url: '/v1/cases?limit=2', headers: creditor.auth })).json();
    expect(first.items.map((c: { id: string }) => c.id)).toEqual([third.id, recent.id]);
    // A case created between two pages does not shift the next page.
    await openCase(creditor.auth, { debtorId: debtorA.id, invoices: [invoice()] });
    const second = (await api.app.inject({ method: 'GET', url: `/v1/cases?limit=2&cursor=${first.nextCursor}`, headers: creditor.auth })).json();
    expect(second.items.map((c: { id: string }) => c.id)).toEqual([old.id]);
    expect(second.nextCursor).toBeNull();
    expect(first.items[0]).toMatchObject({ invoiceCount: 1, outstanding: { amount: 125_000, currency: 'SEK' } });

    problem(await api.app.inject({ method: 'GET', url: '/v1/cases?cursor=garbage', headers: creditor.auth }), 400);
    problem(await api.app.inject({ method: 'GET', url: '/v1/cases?limit=1000', headers: creditor.auth }), 400);
    problem(await api.app.inject({ method: 'GET', url: '/v1/cases?status=lost', headers: creditor.auth }), 400);
  });

  it('changes the handler and external reference, recording who changed what', async () => {
    const creditor = await api.creditor();
    const created = await openCase(creditor.auth, { debtor: businessDebtor(), handler: 'anna', invoices: [invoice()] });
    api.clock.advance(5000);
    const res = await api.app.inject({ method: 'PATCH', url: `/v1/cases/${created.id}`, headers: creditor.auth, payload: { handler: 'bertil', externalReference: 'ERP-9' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ handler: 'bertil', externalReference: 'ERP-9', updatedAt: api.clock.now().toISOString() });
    expect(res.json().recentActivity[0]).toMatchObject({
      type: 'case.updated',
      data: { changes: { handler: { from: 'anna', to: 'bertil' }, externalReference: { from: null, to: 'ERP-9' } } },
    });
    // The same values again change nothing and add no history.
    const same = await api.app.inject({ method: 'PATCH', url: `/v1/cases/${created.id}`, headers: creditor.auth, payload: { handler: 'bertil' } });
    expect(same.json().recentActivity).toEqual(res.json().recentActivity);
    const updates = await api.database.db.selectFrom('outbox').select('data').where('type', '=', 'case.updated').where('case_id', '=', created.id).execute();
    expect(updates).toEqual([{ data: { caseId: created.id, fields: ['handler', 'externalReference'] } }]);
  });

  it('adds invoices to an open case and pages through its activity', async () => {
    const creditor = await api.creditor();
    const created = await openCase(creditor.auth, { debtor: businessDebtor(), invoices: [invoice()] });
    const added = await api.app.inject({ method: 'POST', url: `/v1/cases/${created.id}/invoices`, headers: creditor.auth, payload: invoice({ number: 'F-2000', amount: 1_000 }) });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ number: 'F-2000', amount: 1_000, currency: 'SEK', document: null });
    const dup = await api.app.inject({ method: 'POST', url: `/v1/cases/${created.id}/invoices`, headers: creditor.auth, payload: invoice({ number: 'F-2000' }) });
    expect(problem(dup, 422).errors?.[0]?.pointer).toBe('/number');

    const read = (await api.app.inject({ method: 'GET', url: `/v1/cases/${created.id}`, headers: creditor.auth })).json();
    expect(read.outstanding).toEqual({ amount: 126_000, currency: 'SEK' });

    const page1 = (await api.app.inject({ method: 'GET', url: `/v1/cases/${created.id}/activity?limit=2`, headers: creditor.auth })).json();
    const page2 = (await api.app.inject({ method: 'GET', url: `/v1/cases/${created.id}/activity?limit=2&cursor=${page1.nextCursor}`, headers: creditor.auth })).json();
    expect([...page1.items, ...page2.items].map((a: { type: string }) => a.type)).toEqual(['invoice.added', 'invoice.added', 'case.created']);
    expect(page2.nextCursor).toBeNull();
    const event = await api.database.db.selectFrom('outbox').select('data').where('type', '=', 'invoice.added').where('case_id', '=', created.id).executeTakeFirstOrThrow();
    expect(event.data).toMatchObject({ invoiceId: added.json().id, number: 'F-2000', amount: 1_000 });
  });

  it('keeps the activity record append-only in the database itself', async () => {
    const creditor = await api.creditor();
    const created = await openCase(creditor.auth, { debtor: businessDebtor(), invoices: [invoice()] });
    await expect(api.database.db.deleteFrom('case_activity').where('case_id', '=', created.id).execute()).rejects.toThrow(/append-only/);
    await expect(api.database.db.updateTable('case_activity').set({ type: 'x' }).where('case_id', '=', created.id).execute()).rejects.toThrow(/append-only/);
  });
});
