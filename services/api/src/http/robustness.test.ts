import { describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { admin, businessDebtor, invoice, problem, useApi } from '../test/harness.js';

const api = useApi();

describe('bad input gets a clear problem, never a 500', () => {
  it('answers unknown routes, bad ids and bad bodies with problem+json', async () => {
    const creditor = await api.creditor();
    const cases: [InjectOptions, number, string][] = [
      [{ method: 'GET', url: '/v1/nothing-here' }, 404, '/problems/not-found'],
      [{ method: 'GET', url: '/v1/cases/not-a-uuid', headers: creditor.auth }, 400, '/problems/validation'],
      [{ method: 'POST', url: '/v1/cases', headers: { ...creditor.auth, 'content-type': 'application/json' }, payload: '{"invoices": [' }, 400, '/problems/malformed-body'],
      [{ method: 'POST', url: '/v1/cases', headers: { ...creditor.auth, 'content-type': 'application/json' }, payload: '' }, 400, '/problems/malformed-body'],
      [{ method: 'POST', url: '/v1/cases', headers: { ...creditor.auth, 'content-type': 'text/plain' }, payload: 'hello' }, 415, '/problems/unsupported-media-type'],
      [{ method: 'POST', url: '/v1/cases', headers: { ...creditor.auth, 'content-type': 'application/json' }, payload: 'null' }, 400, '/problems/validation'],
      [{ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: [] }, 400, '/problems/validation'],
      [{ method: 'POST', url: '/v1/debtors', headers: creditor.auth, payload: { ...businessDebtor(), kind: 'alien', email: 'nope' } }, 400, '/problems/validation'],
      [{ method: 'POST', url: '/v1/debtors', headers: { ...creditor.auth, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(2_000_000) }) }, 413, '/problems/payload-too-large'],
      [{ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice({ amount: 1.5 })] } }, 400, '/problems/validation'],
      [{ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice({ amount: 1e30 })] } }, 400, '/problems/validation'],
      [{ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), currency: 'XYZ', invoices: [invoice()] } }, 400, '/problems/validation'],
      [{ method: 'GET', url: '/v1/cases?overdueSince=2026-02-30', headers: creditor.auth }, 400, '/problems/validation'],
      [{ method: 'GET', url: '/v1/cases?limit=-1', headers: creditor.auth }, 400, '/problems/validation'],
      [{ method: 'GET', url: '/v1/cases/00000000-0000-4000-8000-000000000000/activity?cursor=%00', headers: creditor.auth }, 400, '/problems/validation'],
      [{ method: 'POST', url: '/v1/admin/creditors', headers: admin, payload: { name: 'X', country: 'SE', defaultCurrency: 'sek' } }, 400, '/problems/validation'],
    ];
    for (const [request, status, type] of cases) {
      const res = await api.app.inject(request);
      const body = problem(res, status);
      expect(body.type, `${request.method} ${request.url}`).toBe(type);
      expect(body.requestId).toBe(res.headers['x-request-id']);
    }
  });

  it('lists each failing field with a JSON pointer', async () => {
    const creditor = await api.creditor();
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: creditor.auth,
      payload: { debtor: { kind: 'business' }, invoices: [{ number: '', issueDate: 'yesterday', amount: '100' }] },
    });
    const pointers = problem(res, 400).errors?.map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/debtor/name', '/invoices/0/number', '/invoices/0/issueDate', '/invoices/0/dueDate', '/invoices/0/amount']));
  });

  it('keeps the caller’s request id and explains each problem type at its address', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/v1/cases', headers: { 'x-request-id': 'erp-trace-123' } });
    expect(problem(res, 401).requestId).toBe('erp-trace-123');
    const doc = await api.app.inject({ method: 'GET', url: '/problems/idempotency-key-reused' });
    expect(doc.json()).toMatchObject({ status: 422, type: '/problems/idempotency-key-reused' });
  });
});

describe('documentation', () => {
  it('serves the OpenAPI document built from the route schemas, and the docs page', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/cases', '/v1/cases/{id}', '/v1/debtors', '/v1/admin/creditors']));
    expect(doc.paths['/v1/cases'].post.requestBody.content['application/json'].schema).toBeDefined();
    expect(Object.keys(doc.paths['/v1/cases'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '422']));
    expect(doc.components.schemas.Problem).toBeDefined();
    const page = await api.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('reports readiness of Postgres, Redis and the schema', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.json()).toEqual({ status: 'ok', checks: { postgres: true, migrations: true, redis: true } });
  });
});
