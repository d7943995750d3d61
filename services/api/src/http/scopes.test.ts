import { describe, expect, it } from 'vitest';
import { admin, businessDebtor, invoice, problem, useApi } from '../test/harness.js';
import { generateApiKey, parseApiKey } from './api-keys.js';
import { grants, ROUTE_SCOPES, SCOPE_NAMES, SCOPES, scopeOfRoute } from './scopes.js';

const api = useApi();

interface IssuedKey {
  id: string;
  key: string;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
}

async function issue(creditorId: string, body: Record<string, unknown>) {
  return api.app.inject({ method: 'POST', url: `/v1/admin/creditors/${creditorId}/api-keys`, headers: admin, payload: { name: 'scoped', ...body } });
}

async function issued(creditorId: string, body: Record<string, unknown>) {
  const res = await issue(creditorId, body);
  expect(res.statusCode).toBe(201);
  const key = res.json<IssuedKey>();
  return { ...key, auth: { authorization: `Bearer ${key.key}` } };
}

async function listed(creditorId: string, keyId: string) {
  const res = await api.app.inject({ method: 'GET', url: `/v1/admin/creditors/${creditorId}/api-keys`, headers: admin });
  expect(res.statusCode).toBe(200);
  return res.json<{ items: IssuedKey[] }>().items.find((k) => k.id === keyId)!;
}

const openCase = (auth: { authorization: string }, reference: string) =>
  api.app.inject({ method: 'POST', url: '/v1/cases', headers: auth, payload: { debtor: businessDebtor({ customerNumber: reference }), externalReference: reference, invoices: [invoice()] } });

describe('the scope catalogue', () => {
  it('lets a write scope grant its read scope, and `*` everything', () => {
    expect(grants(['cases:read'], 'cases:read')).toBe(true);
    expect(grants(['cases:read'], 'cases:write')).toBe(false);
    expect(grants(['cases:write'], 'cases:read')).toBe(true);
    expect(grants(['cases:write'], 'payments:read')).toBe(false);
    expect(grants(['*'], 'webhooks:manage')).toBe(true);
    expect(grants([], 'events:read')).toBe(false);
  });

  it('maps routes as Fastify names them, HEAD like GET, and nothing else', () => {
    expect(scopeOfRoute('GET', '/v1/cases/:id/invoices/:invoiceId/document')).toBe('cases:read');
    expect(scopeOfRoute('HEAD', '/v1/cases/:id')).toBe('cases:read');
    expect(scopeOfRoute('POST', '/v1/cases')).toBe('cases:write');
    expect(scopeOfRoute('POST', '/v1/nowhere')).toBeUndefined();
  });

  it('uses only scopes of the catalogue, and every scope of it', () => {
    const used = new Set(Object.values(ROUTE_SCOPES));
    for (const scope of used) expect(SCOPE_NAMES).toContain(scope);
    expect([...used].sort()).toEqual([...SCOPE_NAMES].sort());
    for (const [scope, what] of Object.entries(SCOPES)) expect(scope, what).toMatch(/^[a-z]+:(read|write|manage)$/);
  });

  it('describes every creditor route’s scope and its 403 in the OpenAPI document, and the scopes in its description', () => {
    const doc = api.app.swagger() as unknown as {
      info: { description: string };
      paths: Record<string, Record<string, { security?: unknown[]; description?: string; 'x-required-scope'?: string; responses: Record<string, unknown> }>>;
    };
    let seen = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (op.security !== undefined || !path.startsWith('/v1/')) continue;
        const scope = ROUTE_SCOPES[`${method.toUpperCase()} ${path}`];
        expect(op['x-required-scope'], `${method} ${path}`).toBe(scope);
        expect(op.description, `${method} ${path}`).toMatch(new RegExp(`Scope: \`${scope}\`( \\(or \`[a-z]+:write\`\\))?\\.$`));
        expect(op.responses['403'], `${method} ${path}`).toBeDefined();
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(50);
    for (const scope of SCOPE_NAMES) expect(doc.info.description).toContain(`\`${scope}\``);
    // Admin and public routes name no scope.
    expect(doc.paths['/v1/admin/creditors']?.post?.['x-required-scope']).toBeUndefined();
  });

  it('documents the forbidden problem', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/problems/forbidden' });
    expect(res.statusCode).toBe(200);
  });
});

describe('API keys with scopes and an expiry', () => {
  it('keys are fdr_-prefixed, with at least 128 random bits, and never repeat', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    for (const k of keys) {
      expect(k.key).toMatch(/^fdr_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}$/);
      expect(parseApiKey(k.key)?.lookupPrefix).toBe(k.lookupPrefix);
      // 32 characters of 62: log2(62) * 32 ≈ 190 bits in the secret part alone.
      expect(Math.log2(62) * k.key.split('_')[2]!.length).toBeGreaterThanOrEqual(128);
    }
    expect(new Set(keys.map((k) => k.key)).size).toBe(keys.length);
    expect(new Set(keys.map((k) => k.lookupPrefix)).size).toBe(keys.length);
  });

  it('gives a key every scope by default, and shows scopes, expiry and last use in the listing', async () => {
    const creditor = await api.creditor('Default Scopes AB');
    const first = await api.app.inject({ method: 'GET', url: `/v1/admin/creditors/${creditor.id}/api-keys`, headers: admin });
    expect(first.json().items).toEqual([expect.objectContaining({ scopes: ['*'], expiresAt: null, lastUsedAt: null })]);

    const expiresAt = new Date(api.clock.now().getTime() + 30 * 86_400_000).toISOString();
    const key = await issued(creditor.id, { scopes: ['cases:read', 'payments:write', 'cases:read'], expiresAt });
    expect(key).toMatchObject({ scopes: ['cases:read', 'payments:write'], expiresAt, lastUsedAt: null });
    expect((await api.app.inject({ method: 'GET', url: '/v1/cases', headers: key.auth })).statusCode).toBe(200);
    expect(await listed(creditor.id, key.id)).toMatchObject({ scopes: ['cases:read', 'payments:write'], expiresAt, lastUsedAt: api.clock.now().toISOString() });
  });

  it('lets a cases:read key read a case but not open one; a cases:write key does both', async () => {
    const creditor = await api.creditor('Scoped AB');
    const opened = await openCase(creditor.auth, 'SCOPE-1');
    expect(opened.statusCode).toBe(201);
    const caseId = opened.json<{ id: string }>().id;

    const reader = await issued(creditor.id, { scopes: ['cases:read'] });
    expect((await api.app.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers: reader.auth })).statusCode).toBe(200);
    const refused = problem(await openCase(reader.auth, 'SCOPE-2'), 403);
    expect(refused.type).toBe('/problems/forbidden');
    expect(refused.detail).toContain('cases:write');
    expect(refused.detail).toContain('POST /v1/cases');
    // Nothing was written by the refused request.
    const cases = await api.app.inject({ method: 'GET', url: '/v1/cases?externalReference=SCOPE-2', headers: creditor.auth });
    expect(cases.json().items).toEqual([]);
    // Other capabilities stay closed to it, reads included.
    expect(problem(await api.app.inject({ method: 'GET', url: '/v1/debtors', headers: reader.auth }), 403).detail).toContain('debtors:read');
    expect(problem(await api.app.inject({ method: 'GET', url: `/v1/cases/${caseId}/ledger`, headers: reader.auth }), 403).detail).toContain('payments:read');

    const writer = await issued(creditor.id, { scopes: ['cases:write'] });
    const created = await openCase(writer.auth, 'SCOPE-3');
    expect(created.statusCode).toBe(201);
    expect((await api.app.inject({ method: 'GET', url: `/v1/cases/${created.json<{ id: string }>().id}`, headers: writer.auth })).statusCode).toBe(200);
  });

  it('refuses a key after its expiry with 401, cached or not', async () => {
    const creditor = await api.creditor('Expiring AB');
    const soon = await issued(creditor.id, { expiresAt: new Date(api.clock.now().getTime() + 2_000).toISOString() });
    expect((await api.app.inject({ method: 'GET', url: '/v1/cases', headers: soon.auth })).statusCode).toBe(200);
    // Still within the five seconds the verified key is cached.
    api.clock.advance(2_000);
    const expired = problem(await api.app.inject({ method: 'GET', url: '/v1/cases', headers: soon.auth }), 401);
    expect(expired.type).toBe('/problems/unauthorized');
    expect(expired.detail).toContain('expired');

    const later = await issued(creditor.id, { expiresAt: new Date(api.clock.now().getTime() + 3_600_000).toISOString() });
    api.clock.advance(3_600_000);
    problem(await api.app.inject({ method: 'GET', url: '/v1/cases', headers: later.auth }), 401);
    // The creditor's other keys go on working.
    expect((await api.app.inject({ method: 'GET', url: '/v1/cases', headers: creditor.auth })).statusCode).toBe(200);
  });

  it('refuses an expiry that is not in the future (422) and scopes outside the catalogue (400)', async () => {
    const creditor = await api.creditor('Strict AB');
    for (const expiresAt of [api.clock.now().toISOString(), '2020-01-01T00:00:00Z']) {
      const res = problem(await issue(creditor.id, { expiresAt }), 422);
      expect(res.errors).toEqual([expect.objectContaining({ in: 'body', pointer: '/expiresAt' })]);
    }
    const first = problem(
      await api.app.inject({ method: 'POST', url: '/v1/admin/creditors', headers: admin, payload: { name: 'Past AB', country: 'SE', apiKeyExpiresAt: '2020-01-01T00:00:00Z' } }),
      422,
    );
    expect(first.errors?.[0]?.pointer).toBe('/apiKeyExpiresAt');

    for (const scopes of [['cases:delete'], [], ['cases:read', 'admin']]) {
      expect(problem(await issue(creditor.id, { scopes }), 400).errors?.[0]?.pointer).toMatch(/^\/scopes/);
    }
    const keys = await api.app.inject({ method: 'GET', url: `/v1/admin/creditors/${creditor.id}/api-keys`, headers: admin });
    expect(keys.json().items).toHaveLength(1);
  });

  it('creates a creditor whose first key has the scopes and expiry asked for', async () => {
    const expiresAt = new Date(api.clock.now().getTime() + 86_400_000).toISOString();
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/admin/creditors',
      headers: admin,
      payload: { name: 'Narrow AB', country: 'SE', apiKeyScopes: ['events:read'], apiKeyExpiresAt: expiresAt },
    });
    expect(res.statusCode).toBe(201);
    const { apiKey } = res.json<{ apiKey: IssuedKey }>();
    expect(apiKey).toMatchObject({ scopes: ['events:read'], expiresAt });
    const auth = { authorization: `Bearer ${apiKey.key}` };
    expect((await api.app.inject({ method: 'GET', url: '/v1/events', headers: auth })).statusCode).toBe(200);
    problem(await api.app.inject({ method: 'GET', url: '/v1/cases', headers: auth }), 403);
  });

  it('records every use of a key to the minute', async () => {
    const creditor = await api.creditor('Busy AB');
    const key = await issued(creditor.id, { scopes: ['cases:read'] });
    const use = async () => expect((await api.app.inject({ method: 'GET', url: '/v1/cases', headers: key.auth })).statusCode).toBe(200);

    await use();
    const firstUse = api.clock.now().toISOString();
    expect((await listed(creditor.id, key.id)).lastUsedAt).toBe(firstUse);
    // Within the minute: no write per request.
    api.clock.advance(30_000);
    await use();
    expect((await listed(creditor.id, key.id)).lastUsedAt).toBe(firstUse);
    // After it: the next use is recorded.
    api.clock.advance(31_000);
    await use();
    expect((await listed(creditor.id, key.id)).lastUsedAt).toBe(api.clock.now().toISOString());
    // A refused request (lacking scope) is a use of the key too.
    api.clock.advance(61_000);
    problem(await api.app.inject({ method: 'GET', url: '/v1/debtors', headers: key.auth }), 403);
    expect((await listed(creditor.id, key.id)).lastUsedAt).toBe(api.clock.now().toISOString());
  });
});
