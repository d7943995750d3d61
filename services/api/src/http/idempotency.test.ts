import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pollUntil } from '@fordra/testkit';
import { admin, businessDebtor, invoice, problem, useApi } from '../test/harness.js';

const api = useApi();

const casesOf = (creditorId: string) => api.database.db.selectFrom('cases').select('id').where('creditor_id', '=', creditorId).execute();

describe('Idempotency-Key on creating requests', () => {
  it('replays the first response for a retry and acts once', async () => {
    const creditor = await api.creditor();
    const request = { method: 'POST' as const, url: '/v1/cases', headers: { ...creditor.auth, 'idempotency-key': 'order-1' }, payload: { debtor: businessDebtor(), invoices: [invoice()] } };
    const first = await api.app.inject(request);
    expect(first.statusCode).toBe(201);
    api.clock.advance(60_000);
    const retry = await api.app.inject(request);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await casesOf(creditor.id)).toHaveLength(1);
  });

  it('answers 422 when the key comes back with another body', async () => {
    const creditor = await api.creditor();
    const headers = { ...creditor.auth, 'idempotency-key': 'order-2' };
    await api.app.inject({ method: 'POST', url: '/v1/debtors', headers, payload: businessDebtor() });
    const res = await api.app.inject({ method: 'POST', url: '/v1/debtors', headers, payload: businessDebtor({ name: 'Someone else' }) });
    expect(problem(res, 422).type).toBe('/problems/idempotency-key-reused');
  });

  it('answers 409 while the first request is still running, then replays its result', async () => {
    const creditor = await api.creditor();
    const debtor = (await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: creditor.auth, payload: businessDebtor() })).json();
    // Another transaction holds the external reference, so the first request waits inside its own.
    const blocker = new pg.Client({ connectionString: api.database.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO cases (creditor_id, debtor_id, status, currency, external_reference, created_at, updated_at)
       VALUES ($1, $2, 'verification', 'SEK', 'HELD', now(), now())`,
      [creditor.id, debtor.id],
    );
    const request = {
      method: 'POST' as const,
      url: '/v1/cases',
      headers: { ...creditor.auth, 'idempotency-key': 'order-3' },
      payload: { debtorId: debtor.id, externalReference: 'HELD', invoices: [invoice()] },
    };
    const first = api.app.inject(request);
    await pollUntil(async () => {
      const row = await api.database.db.selectFrom('idempotency_keys').select('state').where('key', '=', 'order-3').executeTakeFirst();
      return row?.state === 'in_flight' ? true : undefined;
    }, { what: 'the first request to claim its key' });

    expect(problem(await api.app.inject(request), 409).type).toBe('/problems/idempotency-in-flight');

    await blocker.query('ROLLBACK');
    await blocker.end();
    const done = await first;
    expect(done.statusCode).toBe(201);
    const replay = await api.app.inject(request);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(done.json().id);
  });

  it('scopes keys per creditor', async () => {
    const a = await api.creditor('A AB');
    const b = await api.creditor('B AB');
    const body = { debtor: businessDebtor(), invoices: [invoice()] };
    const ra = await api.app.inject({ method: 'POST', url: '/v1/cases', headers: { ...a.auth, 'idempotency-key': 'shared' }, payload: body });
    const rb = await api.app.inject({ method: 'POST', url: '/v1/cases', headers: { ...b.auth, 'idempotency-key': 'shared' }, payload: body });
    expect([ra.statusCode, rb.statusCode]).toEqual([201, 201]);
    expect(rb.headers['idempotent-replayed']).toBeUndefined();
    expect(rb.json().id).not.toBe(ra.json().id);
  });

  it('keeps a response for 24 hours, and only then lets the key act again', async () => {
    const creditor = await api.creditor();
    const request = { method: 'POST' as const, url: '/v1/cases', headers: { ...creditor.auth, 'idempotency-key': 'order-4' }, payload: { debtor: businessDebtor(), invoices: [invoice()] } };
    const first = await api.app.inject(request);
    api.clock.advance(24 * 60 * 60 * 1000 - 60_000);
    expect((await api.app.inject(request)).json().id).toBe(first.json().id);
    api.clock.advance(2 * 60_000);
    const later = await api.app.inject(request);
    expect(later.statusCode).toBe(201);
    expect(later.json().id).not.toBe(first.json().id);
  });

  it('gives the key back when the request failed, so a corrected retry goes through', async () => {
    const creditor = await api.creditor();
    const headers = { ...creditor.auth, 'idempotency-key': 'order-5' };
    const refused = await api.app.inject({ method: 'POST', url: '/v1/cases', headers, payload: { debtor: businessDebtor(), invoices: [invoice({ currency: 'EUR' })] } });
    problem(refused, 422);
    const fixed = await api.app.inject({ method: 'POST', url: '/v1/cases', headers, payload: { debtor: businessDebtor(), invoices: [invoice({ currency: 'EUR' })], currency: 'EUR' } });
    expect(fixed.statusCode).toBe(201);
  });

  it('is honoured by admin routes too: a retried creditor creation makes one creditor', async () => {
    const name = `Replay ${Date.now()} AB`;
    const request = { method: 'POST' as const, url: '/v1/admin/creditors', headers: { ...admin, 'idempotency-key': `onboard-${name.replaceAll(' ', '-')}` }, payload: { name, country: 'SE' } };
    const first = await api.app.inject(request);
    expect(first.statusCode).toBe(201);
    const retry = await api.app.inject(request);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const made = await api.database.db.selectFrom('creditors').select('id').where('name', '=', name).execute();
    expect(made).toHaveLength(1);
  });

  it('is ignored by routes that do not take it: a malformed key on a change is no error there', async () => {
    const creditor = await api.creditor();
    const opened = await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice()] } });
    const res = await api.app.inject({ method: 'PATCH', url: `/v1/cases/${opened.json().id}`, headers: { ...creditor.auth, 'idempotency-key': 'x'.repeat(300) }, payload: { handler: 'Anna' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().handler).toBe('Anna');
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses a malformed key', async () => {
    const creditor = await api.creditor();
    const res = await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: { ...creditor.auth, 'idempotency-key': 'x'.repeat(300) }, payload: businessDebtor() });
    expect(problem(res, 400).type).toBe('/problems/invalid-idempotency-key');
  });
});
