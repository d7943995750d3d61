import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database, Db } from '@fordra/db';
import { ManualClock } from '@fordra/domain';
import { createLogger } from '@fordra/runtime';
import { pollUntil } from '@fordra/testkit';
import { GET_ROUTES, registerAudit } from '../../http/audit.js';
import { admin, businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const api = useApi();

interface AuditEvent {
  id: string;
  actorKind: string;
  apiKeyId: string | null;
  requestId: string | null;
  action: string;
  method: string;
  route: string;
  resourceType: string | null;
  resourceId: string | null;
  status: number;
  occurredAt: string;
}

type Auth = { authorization: string };

async function auditLog(auth: Auth, query = ''): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
  const res = await api.app.inject({ method: 'GET', url: `/v1/audit-events${query}`, headers: auth });
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** The event of one request: written just after its answer went out, so it may take a moment. */
async function eventOf(auth: Auth, requestId: string): Promise<AuditEvent> {
  return pollUntil(async () => (await auditLog(auth, '?limit=200')).items.find((e) => e.requestId === requestId), { what: `the audit event of ${requestId}` });
}

describe('the audit log', () => {
  let a: { id: string; auth: Auth };
  let keyId: string;
  let caseId: string;
  let debtorId: string;

  beforeAll(async () => {
    a = await api.creditor('Audited AB');
    keyId = (await api.database.db.selectFrom('api_keys').select('id').where('creditor_id', '=', a.id).executeTakeFirstOrThrow()).id;
    const created = await api.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: { ...a.auth, 'x-request-id': 'create-case-1' },
      payload: { debtor: businessDebtor(), invoices: [invoice()] },
    });
    expect(created.statusCode).toBe(201);
    caseId = created.json().id;
    debtorId = created.json().debtorId;
  });

  it('records a write with the key, the request id, the route, the resource and the status', async () => {
    expect(await eventOf(a.auth, 'create-case-1')).toMatchObject({
      actorKind: 'api_key',
      apiKeyId: keyId,
      requestId: 'create-case-1',
      action: 'write',
      method: 'POST',
      route: '/v1/cases',
      resourceType: 'case',
      resourceId: caseId,
      status: 201,
      occurredAt: '2026-11-24T08:00:00.000Z',
    });
  });

  it('records reads of personal data, refused requests included, and not plain reads', async () => {
    await api.app.inject({ method: 'GET', url: `/v1/debtors/${debtorId}`, headers: { ...a.auth, 'x-request-id': 'read-debtor-1' } });
    await api.app.inject({ method: 'GET', url: `/v1/cases/${caseId}/contacts`, headers: { ...a.auth, 'x-request-id': 'read-contacts-1' } });
    await api.app.inject({ method: 'GET', url: '/v1/debtors/00000000-0000-4000-8000-000000000000', headers: { ...a.auth, 'x-request-id': 'read-missing-1' } });
    await api.app.inject({ method: 'PATCH', url: `/v1/debtors/${debtorId}`, headers: { ...a.auth, 'x-request-id': 'bad-patch-1' }, payload: { email: 'not an email' } });
    // Neither holds personal data: no event.
    await api.app.inject({ method: 'GET', url: `/v1/cases/${caseId}/schedule`, headers: { ...a.auth, 'x-request-id': 'read-schedule-1' } });
    await api.app.inject({ method: 'GET', url: '/v1/cases', headers: { ...a.auth, 'x-request-id': 'list-cases-1' } });

    expect(await eventOf(a.auth, 'read-debtor-1')).toMatchObject({ action: 'read_personal_data', method: 'GET', route: '/v1/debtors/{id}', resourceType: 'debtor', resourceId: debtorId, status: 200, apiKeyId: keyId });
    expect(await eventOf(a.auth, 'read-contacts-1')).toMatchObject({ action: 'read_personal_data', route: '/v1/cases/{id}/contacts', resourceType: 'case', resourceId: caseId, status: 200 });
    expect(await eventOf(a.auth, 'read-missing-1')).toMatchObject({ action: 'read_personal_data', resourceId: '00000000-0000-4000-8000-000000000000', status: 404 });
    expect(await eventOf(a.auth, 'bad-patch-1')).toMatchObject({ action: 'write', method: 'PATCH', route: '/v1/debtors/{id}', status: 400 });
    const log = (await auditLog(a.auth, '?limit=200')).items;
    expect(log.map((e) => e.requestId)).not.toContain('read-schedule-1');
    expect(log.map((e) => e.requestId)).not.toContain('list-cases-1');
    // Reading the audit log is not itself recorded.
    expect(log.map((e) => e.route)).not.toContain('/v1/audit-events');
  });

  it('records an operator’s writes under the creditor they act on', async () => {
    const issued = await api.app.inject({ method: 'POST', url: `/v1/admin/creditors/${a.id}/api-keys`, headers: { ...admin, 'x-request-id': 'admin-issue-1' }, payload: { name: 'second' } });
    expect(issued.statusCode).toBe(201);
    const revoked = await api.app.inject({ method: 'DELETE', url: `/v1/admin/api-keys/${issued.json().id}`, headers: { ...admin, 'x-request-id': 'admin-revoke-1' } });
    expect(revoked.statusCode).toBe(200);
    expect(await eventOf(a.auth, 'admin-issue-1')).toMatchObject({ actorKind: 'admin', apiKeyId: null, action: 'write', route: '/v1/admin/creditors/{id}/api-keys', resourceType: 'creditor', resourceId: a.id, status: 201 });
    expect(await eventOf(a.auth, 'admin-revoke-1')).toMatchObject({ actorKind: 'admin', apiKeyId: null, action: 'write', method: 'DELETE', resourceType: 'api_key', resourceId: issued.json().id, status: 200 });
  });

  it('filters by key, action, resource and time, newest first, page by page', async () => {
    const issued = await api.app.inject({ method: 'POST', url: `/v1/admin/creditors/${a.id}/api-keys`, headers: admin, payload: { name: 'filtered' } });
    const other = { authorization: `Bearer ${issued.json().key}` };
    api.clock.advance(60 * 60 * 1000);
    const later = api.clock.now().toISOString();
    for (let i = 0; i < 3; i += 1) {
      await api.app.inject({ method: 'GET', url: `/v1/debtors/${debtorId}`, headers: { ...other, 'x-request-id': `other-${i}` } });
    }
    for (let i = 0; i < 3; i += 1) await eventOf(a.auth, `other-${i}`);
    // Each event is written just after its own answer: their order is the order they were written in.
    const requestIds = (page: { items: AuditEvent[] }) => page.items.map((e) => e.requestId).sort();

    const byKey = await auditLog(a.auth, `?apiKeyId=${issued.json().id}`);
    expect(requestIds(byKey)).toEqual(['other-0', 'other-1', 'other-2']);
    const fromLater = await auditLog(a.auth, `?from=${encodeURIComponent(later)}`);
    expect(requestIds(fromLater)).toEqual(['other-0', 'other-1', 'other-2']);
    const beforeLater = await auditLog(a.auth, `?to=${encodeURIComponent(later)}&limit=200`);
    expect(beforeLater.items.length).toBeGreaterThan(0);
    expect(beforeLater.items.every((e) => e.occurredAt < later)).toBe(true);
    const writes = await auditLog(a.auth, '?action=write&limit=200');
    expect(writes.items.length).toBeGreaterThan(0);
    expect(writes.items.every((e) => e.action === 'write')).toBe(true);
    const aboutDebtor = await auditLog(a.auth, `?resourceType=debtor&resourceId=${debtorId}&limit=200`);
    expect(requestIds(aboutDebtor)).toEqual(['bad-patch-1', 'other-0', 'other-1', 'other-2', 'read-debtor-1']);

    const all = (await auditLog(a.auth, '?limit=200')).items;
    const ids = all.map((e) => BigInt(e.id));
    expect([...ids].sort((x, y) => (y > x ? 1 : y < x ? -1 : 0))).toEqual(ids);
    const paged: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: AuditEvent[]; nextCursor: string | null } = await auditLog(a.auth, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));

    const bad = await api.app.inject({ method: 'GET', url: '/v1/audit-events?cursor=bm90LWEtY3Vyc29y', headers: a.auth });
    expect(problem(bad, 400).errors?.[0]?.pointer).toBe('/cursor');
  });

  it('shows a creditor nothing of another creditor’s', async () => {
    const b = await api.creditor('Other AB');
    await api.app.inject({ method: 'GET', url: `/v1/debtors/${debtorId}`, headers: { ...b.auth, 'x-request-id': 'b-probe-1' } });
    const probe = await eventOf(b.auth, 'b-probe-1');
    expect(probe).toMatchObject({ status: 404, resourceId: debtorId });
    const log = (await auditLog(b.auth)).items;
    expect(log.map((e) => e.requestId)).toEqual(['b-probe-1']);
    expect((await auditLog(b.auth, `?apiKeyId=${keyId}`)).items).toEqual([]);
  });

  it('classifies every GET route of the creditor API as reading personal data or not', () => {
    const doc = api.app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const gets = Object.entries(doc.paths)
      .filter(([path, methods]) => path.startsWith('/v1/') && methods.get && methods.get.security === undefined)
      .map(([path]) => path.replace(/\{([^}]+)\}/g, ':$1'));
    expect(gets.sort()).toEqual(Object.keys(GET_ROUTES).sort());
  });
});

describe('an audit event that cannot be written', () => {
  it('is logged and leaves the request as it was', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } });
    const app = Fastify({ loggerInstance: createLogger({ name: 'audit-test', level: 'error', destination: stream }) as FastifyBaseLogger });
    // A database whose every connection attempt fails, as one that went away would.
    const failing: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: () => Promise.reject(new Error('database unavailable')) }) });
    app.decorateRequest('auth', null);
    app.addHook('onRequest', async (request) => {
      request.auth = { creditorId: '11111111-1111-4111-8111-111111111111', apiKeyId: '22222222-2222-4222-8222-222222222222' } as typeof request.auth;
    });
    registerAudit(app, { db: failing, clock: new ManualClock('2026-11-24T08:00:00Z') });
    app.post('/v1/debtors', async (_request, reply) => reply.code(201).send({ id: '33333333-3333-4333-8333-333333333333' }));
    const res = await app.inject({ method: 'POST', url: '/v1/debtors', payload: {} });
    expect(res.statusCode).toBe(201);
    const line = await pollUntil(() => lines.find((l) => l.includes('could not record the audit event')), { what: 'the log line' });
    expect(JSON.parse(line)).toMatchObject({ audit: { action: 'write', route: '/v1/debtors', resource_id: '33333333-3333-4333-8333-333333333333', status: 201 }, err: { message: 'database unavailable' } });
    await app.close();
  });
});
