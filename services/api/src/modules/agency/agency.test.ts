import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { bullPrefix, handoverJobId, QUEUES } from '@fordra/jobs';
import { useTestRedis } from '@fordra/testkit';
import { businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const redis = useTestRedis();
// The API enqueues under this file's own Redis prefix, so the test can look for the job.
// The example agencies do not resolve here: the operator's allow-list lets them through, as it would a trusted local agency.
const api = useApi({ REDIS_PREFIX: redis.prefix, WEBHOOK_ALLOWED_HOSTS: 'agency.example' });
const checklist = { dueDateCorrect: true, specialTermsChecked: true, noComplaints: true, paymentMethodsWork: true };

type Auth = { authorization: string };
const post = (auth: Auth, url: string, payload: unknown, headers: Record<string, string> = {}) => api.app.inject({ method: 'POST', url, headers: { ...auth, ...headers }, payload: payload as object });
const get = (auth: Auth, url: string) => api.app.inject({ method: 'GET', url, headers: auth });

/** An active case of 1 250,00 SEK with a handler, handed over through the API. */
async function handedOver(auth: Auth) {
  const opened = (await post(auth, '/v1/cases', { debtor: businessDebtor(), invoices: [invoice()] })).json();
  await api.app.inject({ method: 'PATCH', url: `/v1/cases/${opened.id}`, headers: auth, payload: { handler: 'anna' } });
  await post(auth, `/v1/cases/${opened.id}/verify`, checklist);
  const escalated = await post(auth, `/v1/cases/${opened.id}/escalate`, { reason: 'final demand unanswered' });
  expect(escalated.json().status).toBe('escalated');
  const [handover] = (await get(auth, `/v1/cases/${opened.id}/handovers`)).json().items;
  return { caseId: opened.id as string, handoverId: handover.id as string, updates: `/v1/cases/${opened.id}/agency-updates` };
}

describe('the agency connector', () => {
  it('defaults to the folder, keeps the credentials write-only, and goes back to the default', async () => {
    const { auth } = await api.creditor();
    const url = '/v1/creditor/agency-connector';
    expect((await get(auth, url)).json()).toEqual({ kind: 'folder', agencyName: null, url: null, hasAuthHeader: false, isDefault: true, updatedAt: null });

    const put = (payload: object) => api.app.inject({ method: 'PUT', url, headers: auth, payload });
    const saved = await put({ kind: 'http', agencyName: 'Inkasso AB', url: 'https://agency.example/intake', authHeader: 'Bearer s3cret' });
    expect(saved.json()).toEqual({ kind: 'http', agencyName: 'Inkasso AB', url: 'https://agency.example/intake', hasAuthHeader: true, isDefault: false, updatedAt: '2026-11-24T08:00:00.000Z' });
    expect(saved.body).not.toContain('s3cret');
    expect((await get(auth, url)).body).not.toContain('s3cret');
    // Sent again without the credentials (which cannot be read back), they are kept.
    expect((await put({ kind: 'http', agencyName: 'Inkasso AB', url: 'http://agency.example/v2' })).json()).toMatchObject({ url: 'http://agency.example/v2', hasAuthHeader: true });
    expect((await put({ kind: 'http', agencyName: 'Inkasso AB', url: 'http://agency.example/v2', authHeader: null })).json().hasAuthHeader).toBe(false);
    expect((await put({ kind: 'folder', agencyName: 'Inkasso AB' })).json()).toMatchObject({ kind: 'folder', url: null, hasAuthHeader: false, isDefault: false });

    expect(problem(await put({ kind: 'http', agencyName: 'Inkasso AB' }), 400).errors).toEqual([expect.objectContaining({ pointer: '/url' })]);
    problem(await put({ kind: 'http', agencyName: 'Inkasso AB', url: 'ftp://agency.example/' }), 400);
    problem(await put({ kind: 'http', agencyName: 'Inkasso AB', url: 'https://user:pw@agency.example/' }), 400);
    problem(await put({ kind: 'http', agencyName: 'Inkasso AB', url: 'https://agency.example/', authHeader: 'Bearer a\r\nX-Evil: 1' }), 400);
    problem(await put({ kind: 'folder', agencyName: 'Inkasso AB', url: 'https://agency.example/' }), 400);
    // The notifier must never post debtors' data into the operator's own network or a cloud's metadata service.
    for (const [target, reason] of [
      ['http://127.0.0.1:8080/intake', /loopback address/],
      ['http://10.1.2.3/intake', /private address/],
      ['http://169.254.169.254/latest/meta-data/', /cloud metadata address/],
      ['https://localhost/intake', /resolves to .* loopback address/],
    ] as const) {
      const refused = problem(await put({ kind: 'http', agencyName: 'Inkasso AB', url: target }), 422);
      expect(refused.errors).toEqual([expect.objectContaining({ pointer: '/url', detail: expect.stringMatching(reason) })]);
    }
    // What was saved before stays.
    expect((await get(auth, url)).json()).toMatchObject({ kind: 'folder' });

    expect((await api.app.inject({ method: 'DELETE', url, headers: auth })).json().isDefault).toBe(true);
    expect((await get(auth, url)).json().isDefault).toBe(true);
  });
});

describe('escalation', () => {
  it('hands the case over and gives the hand-over its delivery job at once', async () => {
    const { auth } = await api.creditor();
    const { caseId, handoverId } = await handedOver(auth);
    const handovers = (await get(auth, `/v1/cases/${caseId}/handovers`)).json();
    expect(handovers.items).toEqual([
      { id: handoverId, caseId, status: 'pending', connector: null, agencyReference: null, attempts: 0, failureReason: null, deliveredAt: null, createdAt: '2026-11-24T08:00:00.000Z', updatedAt: '2026-11-24T08:00:00.000Z' },
    ]);
    const queue = new Queue(QUEUES.handovers, { connection: redis.redis, prefix: bullPrefix(redis.prefix) });
    try {
      // The job carries the id of the request that asked for the hand-over, for the notifier's log lines.
      expect((await queue.getJob(handoverJobId(handoverId)))?.data).toEqual({ handoverId, requestId: expect.any(String) });
    } finally {
      await queue.close();
    }
    const events = await api.database.db.selectFrom('outbox').select('type').where('case_id', '=', caseId).where('type', '=', 'case.escalated').execute();
    expect(events).toHaveLength(1);
    // Escalated once is enough: the case is with the agency.
    expect(problem(await post(auth, `/v1/cases/${caseId}/escalate`, {}), 409).type).toBe('/problems/illegal-transition');
  });

  it('hands a case over again after each return, however often (prepared statements go generic after five runs)', async () => {
    const { auth } = await api.creditor();
    const { caseId, updates } = await handedOver(auth);
    for (let round = 0; round < 7; round++) {
      expect((await post(auth, updates, { kind: 'returned' })).statusCode).toBe(201);
      expect((await post(auth, `/v1/cases/${caseId}/escalate`, {})).json().status).toBe('escalated');
    }
    const statuses = (await get(auth, `/v1/cases/${caseId}/handovers`)).json().items.map((h: { status: string }) => h.status);
    expect(statuses.filter((s: string) => s === 'pending')).toHaveLength(1);
    expect(statuses).toHaveLength(8);
  });

  it('refuses to hand over a case that is still being verified', async () => {
    const { auth } = await api.creditor();
    const opened = (await post(auth, '/v1/cases', { debtor: businessDebtor(), invoices: [invoice()] })).json();
    problem(await post(auth, `/v1/cases/${opened.id}/escalate`, {}), 409);
    expect(problem(await post(auth, `/v1/cases/${opened.id}/agency-updates`, { kind: 'received' }), 409).detail).toMatch(/never handed over/);
  });
});

describe('agency updates', () => {
  it('records the agency’s reference and the payments it collects, and closes the case when it is paid', async () => {
    const { auth } = await api.creditor();
    const { caseId, updates } = await handedOver(auth);
    const received = await post(auth, updates, { kind: 'received', agencyReference: 'AG-77' });
    expect(received.statusCode).toBe(201);
    expect(received.json()).toMatchObject({ kind: 'received', agencyReference: 'AG-77', caseStatus: 'escalated', handover: { agencyReference: 'AG-77', status: 'pending' } });

    api.clock.advance(60_000);
    const part = await post(auth, updates, { kind: 'payment_collected', amount: 50_000, paidOn: '2026-11-23' }, { 'idempotency-key': 'agency-pay-1' });
    expect(part.json()).toMatchObject({ kind: 'payment_collected', amount: { amount: 50_000, currency: 'SEK' }, caseStatus: 'escalated', outstanding: { amount: 75_000, currency: 'SEK' } });
    const replay = await post(auth, updates, { kind: 'payment_collected', amount: 50_000, paidOn: '2026-11-23' }, { 'idempotency-key': 'agency-pay-1' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const payments = (await get(auth, `/v1/cases/${caseId}/payments`)).json().items;
    expect(payments).toEqual([expect.objectContaining({ id: part.json().paymentId, source: 'agency', method: 'agency', paidOn: '2026-11-23' })]);

    api.clock.advance(60_000);
    const rest = await post(auth, updates, { kind: 'payment_collected', amount: 75_000, paidOn: '2026-11-24', agencyReference: 'AG-77' });
    expect(rest.json()).toMatchObject({ caseStatus: 'closed', closeReason: 'paid', outstanding: { amount: 0 }, handover: { status: 'closed' } });

    // A closed case takes no more reports, except a late acknowledgement.
    expect(problem(await post(auth, updates, { kind: 'closed' }), 409).type).toBe('/problems/illegal-transition');
    problem(await post(auth, updates, { kind: 'payment_collected', amount: 100, paidOn: '2026-11-24' }), 409);
    api.clock.advance(60_000);
    expect((await post(auth, updates, { kind: 'received', agencyReference: 'AG-77' })).statusCode).toBe(201);

    const listed = (await get(auth, updates)).json().items;
    expect(listed.map((u: { kind: string }) => u.kind)).toEqual(['received', 'payment_collected', 'payment_collected', 'received']);
    const db = api.database.db;
    expect(await db.selectFrom('outbox').select('data').where('case_id', '=', caseId).where('type', '=', 'agency.update_received').execute()).toHaveLength(4);
    expect(await db.selectFrom('case_activity').select('type').where('case_id', '=', caseId).where('type', '=', 'agency.update_received').execute()).toHaveLength(4);
  });

  it('writes the rest off when the agency closes a case it could not collect', async () => {
    const { auth } = await api.creditor();
    const { caseId, updates } = await handedOver(auth);
    const closed = await post(auth, updates, { kind: 'closed', note: 'debtor insolvent' });
    // What the agency could not collect is written off in the ledger, which then owes nothing.
    expect(closed.json()).toMatchObject({ caseStatus: 'closed', closeReason: 'written_off', outstanding: { amount: 0 }, handover: { status: 'closed' } });
    const ledger = (await api.app.inject({ url: `/v1/cases/${caseId}/ledger`, headers: auth })).json();
    expect(ledger.parts.writtenOff).toEqual({ amount: 125_000, currency: 'SEK' });
    const activity = await api.database.db.selectFrom('case_activity').select('data').where('case_id', '=', caseId).where('type', '=', 'agency.update_received').executeTakeFirstOrThrow();
    expect(activity.data).toMatchObject({ kind: 'closed', action: 'write_off', note: 'debtor insolvent' });
  });

  it('closes as paid when the agency closes a case with nothing left', async () => {
    const { auth, id: creditorId } = await api.creditor();
    const { caseId, updates } = await handedOver(auth);
    // Paid outside any report (settled with the creditor directly, recorded late).
    await api.database.db
      .insertInto('payments')
      .values({ creditor_id: creditorId, case_id: caseId, amount_minor: 125_000n, currency: 'SEK', paid_on: '2026-11-20', method: 'bank_transfer', source: 'api', actor_kind: 'system', created_at: api.clock.now() })
      .execute();
    expect((await post(auth, updates, { kind: 'closed' })).json()).toMatchObject({ caseStatus: 'closed', closeReason: 'paid' });
  });

  it('brings a returned case back to active collection with a call for its handler today', async () => {
    const { auth, id: creditorId } = await api.creditor();
    const { caseId, updates } = await handedOver(auth);
    const returned = await post(auth, updates, { kind: 'returned', note: 'no assets found' });
    expect(returned.json()).toMatchObject({ caseStatus: 'active', handover: { status: 'returned' } });
    const tasks = await api.database.db.selectFrom('tasks').selectAll().where('case_id', '=', caseId).where('status', '=', 'open').execute();
    expect(tasks).toEqual([expect.objectContaining({ creditor_id: creditorId, kind: 'call', assignee: 'anna', due_date: '2026-11-24', note: expect.stringContaining('no assets found') })]);
    // Back in house: the agency can no longer close or return it; money it still collects counts.
    problem(await post(auth, updates, { kind: 'returned' }), 409);
    problem(await post(auth, updates, { kind: 'closed' }), 409);
    expect((await post(auth, updates, { kind: 'payment_collected', amount: 1000, paidOn: '2026-11-24' })).json()).toMatchObject({ caseStatus: 'active', outstanding: { amount: 124_000 } });
    // The case can be handed over again, as a new hand-over.
    api.clock.advance(60_000);
    expect((await post(auth, `/v1/cases/${caseId}/escalate`, {})).json().status).toBe('escalated');
    expect((await get(auth, `/v1/cases/${caseId}/handovers`)).json().items.map((h: { status: string }) => h.status)).toEqual(['returned', 'pending']);
  });

  it('answers every bad report with problem+json', async () => {
    const { auth } = await api.creditor();
    const { handoverId, updates } = await handedOver(auth);
    const errors = async (payload: object) => problem(await post(auth, updates, payload), 400).errors?.map((e) => e.pointer);
    expect(await errors({ kind: 'payment_collected' })).toEqual(['/amount', '/paidOn']);
    expect(await errors({ kind: 'payment_collected', amount: 0, paidOn: '2026-11-24' })).toEqual(['/amount']);
    expect(await errors({ kind: 'received', amount: 100 })).toEqual(['/amount']);
    expect(await errors({ kind: 'collected' })).toEqual(['/kind']);
    expect(problem(await post(auth, updates, { kind: 'payment_collected', amount: 100, paidOn: '2026-12-24' }), 422).errors?.[0]?.pointer).toBe('/paidOn');
    problem(await post(auth, '/v1/cases/00000000-0000-4000-8000-000000000000/agency-updates', { kind: 'received' }), 404);
    problem(await get(auth, '/v1/cases/00000000-0000-4000-8000-000000000000/handovers'), 404);

    // While the notifier holds the hand-over to deliver it, a report is asked to come again.
    await api.database.db.transaction().execute(async (trx) => {
      await trx.selectFrom('handovers').select('id').where('id', '=', handoverId).forNoKeyUpdate().execute();
      expect(problem(await post(auth, updates, { kind: 'received' }), 409).detail).toMatch(/being delivered/);
    });
    expect((await get(auth, updates)).json().items).toEqual([]);
  });
});
