import { describe, expect, it } from 'vitest';
import { businessDebtor, problem, useApi } from '../../test/harness.js';

const api = useApi();

describe('debtors', () => {
  it('registers, reads and lists a debtor with a normalised identity number', async () => {
    const creditor = await api.creditor();
    const created = await api.app.inject({
      method: 'POST',
      url: '/v1/debtors',
      headers: creditor.auth,
      payload: businessDebtor({ identityNumber: '5560160680', customerNumber: 'C-1' }),
    });
    expect(created.statusCode).toBe(201);
    const debtor = created.json();
    expect(debtor).toMatchObject({ kind: 'business', identityNumber: '556016-0680', preferredLanguage: 'sv', customerNumber: 'C-1' });

    const read = await api.app.inject({ method: 'GET', url: `/v1/debtors/${debtor.id}`, headers: creditor.auth });
    expect(read.json()).toEqual(debtor);

    const listed = await api.app.inject({ method: 'GET', url: '/v1/debtors?customerNumber=C-1', headers: creditor.auth });
    expect(listed.json().items.map((d: { id: string }) => d.id)).toEqual([debtor.id]);

    const outbox = await api.database.db.selectFrom('outbox').select(['type', 'data']).where('creditor_id', '=', creditor.id).execute();
    expect(outbox).toEqual([{ type: 'debtor.created', data: { debtorId: debtor.id, kind: 'business' } }]);
  });

  it('chooses the letter language from the address country', async () => {
    const creditor = await api.creditor();
    const finnish = await api.app.inject({
      method: 'POST',
      url: '/v1/debtors',
      headers: creditor.auth,
      payload: { kind: 'consumer', name: 'Matti Meikäläinen', identityNumber: '131052-308T', address: { line1: 'Mannerheimintie 1', postalCode: '00100', city: 'Helsinki', country: 'FI' } },
    });
    expect(finnish.json()).toMatchObject({ preferredLanguage: 'fi', identityNumber: '131052-308T' });
  });

  it('refuses an identity number whose check digit is wrong', async () => {
    const creditor = await api.creditor();
    const res = await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: creditor.auth, payload: businessDebtor({ identityNumber: '556016-0681' }) });
    const body = problem(res, 422);
    expect(body.errors).toEqual([{ in: 'body', pointer: '/identityNumber', detail: 'check digit does not match' }]);
  });

  it('keeps customer numbers unique per creditor and names the holder', async () => {
    const creditor = await api.creditor();
    const first = await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: creditor.auth, payload: businessDebtor({ customerNumber: 'C-7' }) });
    const clash = await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: creditor.auth, payload: businessDebtor({ customerNumber: 'C-7' }) });
    expect(problem(clash, 409).existingId).toBe(first.json().id);
    // Another creditor may use the same customer number.
    const other = await api.creditor('Other AB');
    expect((await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: other.auth, payload: businessDebtor({ customerNumber: 'C-7' }) })).statusCode).toBe(201);
  });

  it('updates only what is sent, clears with null and rechecks the identity number', async () => {
    const creditor = await api.creditor();
    const debtor = (await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: creditor.auth, payload: businessDebtor({ phone: '+46 8 123 45 67' }) })).json();
    api.clock.advance(1000);
    const patched = await api.app.inject({ method: 'PATCH', url: `/v1/debtors/${debtor.id}`, headers: creditor.auth, payload: { phone: null, preferredLanguage: 'en' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ phone: null, preferredLanguage: 'en', name: debtor.name, email: debtor.email });
    expect(patched.json().updatedAt).not.toBe(debtor.updatedAt);

    // A Swedish organisation number is not a valid personal number: turning the debtor into a consumer must fail.
    problem(await api.app.inject({ method: 'PATCH', url: `/v1/debtors/${debtor.id}`, headers: creditor.auth, payload: { kind: 'consumer' } }), 422);
    problem(await api.app.inject({ method: 'PATCH', url: `/v1/debtors/${debtor.id}`, headers: creditor.auth, payload: {} }), 400);
    const events = await api.database.db.selectFrom('outbox').select(['type', 'data']).where('creditor_id', '=', creditor.id).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(['debtor.created', 'debtor.updated']);
    expect(events[1]?.data).toEqual({ debtorId: debtor.id, fields: ['phone', 'preferredLanguage'] });
  });

  it('pages through debtors in a stable order', async () => {
    const creditor = await api.creditor();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: creditor.auth, payload: businessDebtor({ name: `D${i}` }) })).json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/debtors?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await api.app.inject({ method: 'GET', url, headers: creditor.auth })).json();
      seen.push(...page.items.map((d: { id: string }) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    // All created in the same instant: the id breaks the tie, and nothing repeats or goes missing.
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(ids));
  });
});
