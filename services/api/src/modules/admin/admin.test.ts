import { describe, expect, it } from 'vitest';
import { admin, problem, useApi } from '../../test/harness.js';

const api = useApi();

describe('admin: creditors and API keys', () => {
  it('refuses admin routes without the admin token, or with a creditor key', async () => {
    problem(await api.app.inject({ method: 'POST', url: '/v1/admin/creditors', payload: { name: 'X', country: 'SE' } }), 401);
    const wrong = await api.app.inject({ method: 'POST', url: '/v1/admin/creditors', headers: { authorization: 'Bearer nope' }, payload: { name: 'X', country: 'SE' } });
    expect(problem(wrong, 401).type).toBe('/problems/unauthorized');
    const creditor = await api.creditor();
    problem(await api.app.inject({ method: 'GET', url: `/v1/admin/creditors/${creditor.id}`, headers: creditor.auth }), 401);
  });

  it('creates a creditor with country defaults and a first key shown once', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/admin/creditors', headers: admin, payload: { name: 'Oy Esimerkki Ab', country: 'fi' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.creditor).toMatchObject({ name: 'Oy Esimerkki Ab', country: 'FI', defaultCurrency: 'EUR', timeZone: 'Europe/Helsinki' });
    expect(body.apiKey.key).toMatch(/^fdr_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}$/);
    expect(body.apiKey.key.startsWith(body.apiKey.prefix)).toBe(true);

    const listed = await api.app.inject({ method: 'GET', url: `/v1/admin/creditors/${body.creditor.id}/api-keys`, headers: admin });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(body.apiKey.key);
    expect(listed.json().items).toHaveLength(1);

    const stored = await api.database.db.selectFrom('api_keys').select(['secret_hash', 'lookup_prefix']).where('id', '=', body.apiKey.id).executeTakeFirstOrThrow();
    expect(stored.secret_hash.toString('utf8')).not.toContain(body.apiKey.key.slice(-32));
    expect(stored.lookup_prefix).toBe(body.apiKey.prefix);
  });

  it('validates the creditor it creates', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/admin/creditors', headers: admin, payload: { name: ' ', country: 'Sweden', timeZone: 'Mars/Olympus' } });
    const pointers = problem(res, 400).errors?.map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/name', '/country', '/timeZone']));
  });

  it('issues further keys, records their use and revokes them', async () => {
    const creditor = await api.creditor();
    const issued = await api.app.inject({ method: 'POST', url: `/v1/admin/creditors/${creditor.id}/api-keys`, headers: admin, payload: { name: 'erp' } });
    expect(issued.statusCode).toBe(201);
    const second = issued.json<{ id: string; key: string }>();
    const auth = { authorization: `Bearer ${second.key}` };

    expect((await api.app.inject({ method: 'GET', url: '/v1/cases', headers: auth })).statusCode).toBe(200);
    const used = await api.app.inject({ method: 'GET', url: `/v1/admin/creditors/${creditor.id}/api-keys`, headers: admin });
    const erpKey = used.json().items.find((k: { id: string }) => k.id === second.id);
    expect(erpKey.lastUsedAt).toBe(api.clock.now().toISOString());

    const revoked = await api.app.inject({ method: 'DELETE', url: `/v1/admin/api-keys/${second.id}`, headers: admin });
    expect(revoked.json().revokedAt).toBe(api.clock.now().toISOString());
    problem(await api.app.inject({ method: 'GET', url: '/v1/cases', headers: auth }), 401);
    // The creditor's first key is untouched.
    expect((await api.app.inject({ method: 'GET', url: '/v1/cases', headers: creditor.auth })).statusCode).toBe(200);
    // Revoking again keeps the first revocation.
    api.clock.advance(60_000);
    const again = await api.app.inject({ method: 'DELETE', url: `/v1/admin/api-keys/${second.id}`, headers: admin });
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);
  });

  it('answers 404 for creditors and keys that do not exist', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    problem(await api.app.inject({ method: 'GET', url: `/v1/admin/creditors/${missing}`, headers: admin }), 404);
    problem(await api.app.inject({ method: 'POST', url: `/v1/admin/creditors/${missing}/api-keys`, headers: admin, payload: { name: 'x' } }), 404);
    problem(await api.app.inject({ method: 'DELETE', url: `/v1/admin/api-keys/${missing}`, headers: admin }), 404);
  });

  it('refuses malformed and forged keys', async () => {
    for (const authorization of ['Bearer ', 'Basic abc', 'Bearer fdr_short', 'Bearer fdr_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB']) {
      problem(await api.app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization } }), 401);
    }
    const creditor = await api.creditor();
    const forged = creditor.key.slice(0, -1) + (creditor.key.endsWith('A') ? 'B' : 'A');
    problem(await api.app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: `Bearer ${forged}` } }), 401);
  });
});
