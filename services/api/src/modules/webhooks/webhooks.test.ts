import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { webhookHeaders } from '@fordra/webhooks';
import { problem, useApi } from '../../test/harness.js';

// 127.0.0.1 is allow-listed, as an operator would for a receiver on its own machine; nothing else is.
const api = useApi({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
const START = '2026-11-24T08:00:00.000Z';
const HOUR = 3_600_000;

type Auth = { authorization: string };
const post = (auth: Auth, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  api.app.inject({ method: 'POST', url, headers: { ...auth, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
const get = (auth: Auth, url: string) => api.app.inject({ method: 'GET', url, headers: auth });
const patch = (auth: Auth, url: string, payload: unknown) => api.app.inject({ method: 'PATCH', url, headers: auth, payload: payload as object });
const del = (auth: Auth, url: string) => api.app.inject({ method: 'DELETE', url, headers: auth });

const RECEIVER = 'http://127.0.0.1:4999/hooks';

async function endpoint(auth: Auth, over: Record<string, unknown> = {}) {
  const res = await post(auth, '/v1/webhook-endpoints', { url: RECEIVER, ...over });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string; secret: string; secrets: { id: string; createdAt: string; expiresAt: string | null }[] }>();
}

let position = 1000n;
/** A published outbox event of the creditor's, as the relay leaves it. */
async function outboxEvent(creditorId: string, type: string, occurredAt: string, published = true) {
  const id = randomUUID();
  position += 1n;
  await api.database.db
    .insertInto('outbox')
    .values({ id, creditor_id: creditorId, case_id: null, type, data: JSON.stringify({}), occurred_at: occurredAt, published_at: published ? occurredAt : null, position: published ? position : null })
    .execute();
  return { id, position };
}

/** A delivery of an event to an endpoint, written directly as the relay and the sender would. */
async function delivery(creditorId: string, endpointId: string, event: { id: string; position: bigint }, over: Record<string, unknown> = {}) {
  return api.database.db
    .insertInto('webhook_deliveries')
    .values({
      creditor_id: creditorId,
      endpoint_id: endpointId,
      outbox_id: event.id,
      position: event.position,
      case_id: null,
      status: 'delivered',
      attempts: 3,
      next_attempt_at: '2026-11-20T00:00:00Z',
      delivered_at: '2026-11-20T00:00:00Z',
      created_at: '2026-11-20T00:00:00Z',
      ...over,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

const deliveryRow = (id: string) => api.database.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

beforeEach(() => api.clock.set(START));

describe('registering an endpoint', () => {
  it('answers 201 with the secret, shown once and never again', async () => {
    const { auth } = await api.creditor();
    const res = await post(auth, '/v1/webhook-endpoints', { url: RECEIVER, eventTypes: ['case.created', 'payment.received'], description: 'ERP' });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toEqual({
      id: expect.any(String),
      url: RECEIVER,
      description: 'ERP',
      eventTypes: ['case.created', 'payment.received'],
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      failingSince: null,
      secrets: [{ id: expect.any(String), createdAt: START, expiresAt: null }],
      createdAt: START,
      updatedAt: START,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const again = [
      await get(auth, `/v1/webhook-endpoints/${created.id}`),
      await get(auth, '/v1/webhook-endpoints'),
      await patch(auth, `/v1/webhook-endpoints/${created.id}`, { description: 'ERP prod' }),
      await get(auth, `/v1/webhook-endpoints/${created.id}/attempts`),
    ];
    for (const r of again) {
      expect(r.statusCode).toBe(200);
      expect(r.body).not.toContain(created.secret);
      expect(r.body).not.toContain(created.secret.slice(6));
    }
    const { secret: _secret, ...shown } = created;
    expect(again[0]!.json()).toEqual(shown);
    expect(again[1]!.json()).toEqual({ items: [shown], nextCursor: null });
    expect(again[2]!.json()).toEqual({ ...shown, description: 'ERP prod' });
  });

  it('takes every event type when none are named, and each named type once', async () => {
    const { auth } = await api.creditor();
    expect((await endpoint(auth)).secrets).toHaveLength(1);
    expect((await post(auth, '/v1/webhook-endpoints', { url: RECEIVER })).json().eventTypes).toEqual([]);
    expect((await post(auth, '/v1/webhook-endpoints', { url: RECEIVER, eventTypes: ['case.closed', 'case.closed'] })).json().eventTypes).toEqual(['case.closed']);
    const off = (await post(auth, '/v1/webhook-endpoints', { url: RECEIVER, enabled: false })).json();
    expect(off).toMatchObject({ enabled: false, disabledReason: 'disabled by the creditor', disabledAt: START });
  });

  it('refuses an unknown event type with 422 naming it', async () => {
    const { auth } = await api.creditor();
    const body = problem(await post(auth, '/v1/webhook-endpoints', { url: RECEIVER, eventTypes: ['case.created', 'case.exploded'] }), 422);
    expect(body.type).toBe('/problems/unprocessable');
    expect(body.errors).toEqual([{ in: 'body', pointer: '/eventTypes/1', detail: "unknown event type 'case.exploded'" }]);
  });

  it('refuses URLs that are not http(s), carry credentials or lead to a private address, with 422 naming /url', async () => {
    const { auth } = await api.creditor();
    const refused: [string, string][] = [
      ['not a url', 'not a valid absolute URL'],
      ['ftp://93.184.216.34/in', 'only http:// and https:// URLs can receive webhooks'],
      ['https://erp:secret@93.184.216.34/in', 'the URL must not contain credentials'],
      ['http://10.20.30.40/hooks', '10.20.30.40 is a private address'],
      ['http://192.168.1.10:8080/hooks', '192.168.1.10 is a private address'],
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is a cloud metadata address'],
      ['http://100.64.0.1/', '100.64.0.1 is a shared address space (CGNAT) address'],
      ['http://[::1]:4999/hooks', '::1 is a loopback address'],
      ['http://[::ffff:127.0.0.1]:4999/hooks', '::ffff:7f00:1 is a loopback address'],
      ['http://[fe80::1]/', 'fe80::1 is a link-local address'],
      ['http://[fd00::5]/', 'fd00::5 is a unique-local address'],
      ['http://0.0.0.0:4999/', '0.0.0.0 is an unspecified address'],
      // Another name for the allow-listed address is still checked: the list names hosts exactly.
      ['http://127.0.0.2:4999/hooks', '127.0.0.2 is a loopback address'],
      ['http://localhost:4999/hooks', 'loopback'],
    ];
    for (const [url, reason] of refused) {
      const body = problem(await post(auth, '/v1/webhook-endpoints', { url }), 422);
      expect(body.type).toBe('/problems/unprocessable');
      expect(body.errors).toEqual([{ in: 'body', pointer: '/url', detail: expect.stringContaining(reason) }]);
      expect(body.detail).toContain('this URL cannot receive webhooks');
    }
    problem(await post(auth, '/v1/webhook-endpoints', {}), 400);
    problem(await post(auth, '/v1/webhook-endpoints', { url: RECEIVER, eventTypes: 'case.created' }), 400);
    // Both refusals at once.
    const both = problem(await post(auth, '/v1/webhook-endpoints', { url: 'http://10.0.0.1/', eventTypes: ['nope'] }), 422);
    expect(both.errors?.map((e) => e.pointer)).toEqual(['/eventTypes/0', '/url']);
    expect((await get(auth, '/v1/webhook-endpoints')).json().items).toEqual([]);
  });

  it('accepts a public address and the allow-listed host', async () => {
    const { auth } = await api.creditor();
    expect((await post(auth, '/v1/webhook-endpoints', { url: 'https://93.184.216.34:8443/in?source=fordra' })).statusCode).toBe(201);
    expect((await post(auth, '/v1/webhook-endpoints', { url: 'https://[2606:4700:4700::1111]/in' })).statusCode).toBe(201);
    expect((await post(auth, '/v1/webhook-endpoints', { url: 'http://127.0.0.1:4999/in' })).statusCode).toBe(201);
  });

  it('honours Idempotency-Key: a retry answers the same endpoint instead of a second one', async () => {
    const { auth } = await api.creditor();
    const first = await post(auth, '/v1/webhook-endpoints', { url: RECEIVER }, { 'idempotency-key': 'hook-1' });
    const retry = await post(auth, '/v1/webhook-endpoints', { url: RECEIVER }, { 'idempotency-key': 'hook-1' });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    expect((await get(auth, '/v1/webhook-endpoints')).json().items).toHaveLength(1);
  });

  it('lists newest first, a page at a time', async () => {
    const { auth } = await api.creditor();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await endpoint(auth)).id);
      api.clock.advance(1000);
    }
    const first = (await get(auth, '/v1/webhook-endpoints?limit=2')).json();
    expect(first.items.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
    const second = (await get(auth, `/v1/webhook-endpoints?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
  });
});

describe('changing an endpoint', () => {
  it('changes the URL (checked again), the types and the description', async () => {
    const { auth } = await api.creditor();
    const { id } = await endpoint(auth, { description: 'old' });
    api.clock.advance(HOUR);
    const res = await patch(auth, `/v1/webhook-endpoints/${id}`, { url: 'http://127.0.0.1:5000/new', eventTypes: ['case.closed'], description: null });
    expect(res.json()).toMatchObject({ url: 'http://127.0.0.1:5000/new', eventTypes: ['case.closed'], description: null, updatedAt: '2026-11-24T09:00:00.000Z', createdAt: START });
    expect(problem(await patch(auth, `/v1/webhook-endpoints/${id}`, { url: 'http://192.168.0.1/' }), 422).errors).toEqual([expect.objectContaining({ pointer: '/url' })]);
    expect(problem(await patch(auth, `/v1/webhook-endpoints/${id}`, { eventTypes: ['nope'] }), 422).errors).toEqual([expect.objectContaining({ pointer: '/eventTypes/0' })]);
    problem(await patch(auth, `/v1/webhook-endpoints/${id}`, {}), 400);
    expect((await get(auth, `/v1/webhook-endpoints/${id}`)).json().url).toBe('http://127.0.0.1:5000/new');
    problem(await patch(auth, `/v1/webhook-endpoints/${randomUUID()}`, { description: 'x' }), 404);
  });

  it('disables on request, and re-enabling clears why it was disabled and its failure record', async () => {
    const { auth } = await api.creditor();
    const { id } = await endpoint(auth);
    expect((await patch(auth, `/v1/webhook-endpoints/${id}`, { enabled: false })).json()).toMatchObject({ enabled: false, disabledReason: 'disabled by the creditor', disabledAt: START });
    // As the sender leaves an endpoint it disabled after answering 410.
    await api.database.db
      .updateTable('webhook_endpoints')
      .set({ enabled: false, disabled_reason: 'the receiver answered 410 Gone', disabled_at: '2026-11-23T10:00:00Z', failing_since: '2026-11-20T10:00:00Z' })
      .where('id', '=', id)
      .execute();
    expect((await get(auth, `/v1/webhook-endpoints/${id}`)).json()).toMatchObject({ enabled: false, disabledReason: 'the receiver answered 410 Gone', failingSince: '2026-11-20T10:00:00.000Z' });
    expect((await patch(auth, `/v1/webhook-endpoints/${id}`, { enabled: true })).json()).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
    // Enabling an enabled endpoint changes nothing else.
    await api.database.db.updateTable('webhook_endpoints').set({ failing_since: '2026-11-24T07:00:00Z' }).where('id', '=', id).execute();
    expect((await patch(auth, `/v1/webhook-endpoints/${id}`, { enabled: true })).json()).toMatchObject({ enabled: true, failingSince: '2026-11-24T07:00:00.000Z' });
  });
});

describe('deleting an endpoint', () => {
  it('stops it receiving: pending deliveries are cancelled, the secrets destroyed, the id gone', async () => {
    const creditor = await api.creditor();
    const { id } = await endpoint(creditor.auth);
    const keep = await endpoint(creditor.auth);
    const e1 = await outboxEvent(creditor.id, 'case.created', '2026-11-24T07:00:00Z');
    const pending = await delivery(creditor.id, id, e1, { status: 'pending', delivered_at: null });
    const done = await delivery(creditor.id, id, await outboxEvent(creditor.id, 'case.created', '2026-11-24T07:01:00Z'));
    const other = await delivery(creditor.id, keep.id, e1, { status: 'pending', delivered_at: null });

    const res = await del(creditor.auth, `/v1/webhook-endpoints/${id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await deliveryRow(pending.id)).status).toBe('cancelled');
    expect((await deliveryRow(done.id)).status).toBe('delivered');
    expect((await deliveryRow(other.id)).status).toBe('pending');
    const row = await api.database.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ enabled: false, disabled_reason: 'deleted', deleted_at: new Date(START) });
    expect(await api.database.db.selectFrom('webhook_secrets').select('id').where('endpoint_id', '=', id).execute()).toEqual([]);

    problem(await get(creditor.auth, `/v1/webhook-endpoints/${id}`), 404);
    problem(await del(creditor.auth, `/v1/webhook-endpoints/${id}`), 404);
    problem(await patch(creditor.auth, `/v1/webhook-endpoints/${id}`, { enabled: true }), 404);
    problem(await post(creditor.auth, `/v1/webhook-endpoints/${id}/test`), 404);
    problem(await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { deliveryId: done.id }), 404);
    expect((await get(creditor.auth, '/v1/webhook-endpoints')).json().items.map((e: { id: string }) => e.id)).toEqual([keep.id]);
  });
});

describe('rotating the secret', () => {
  /** The secrets that sign at the harness clock's time, as the sender selects them. */
  const signing = (endpointId: string) =>
    api.database.db
      .selectFrom('webhook_secrets')
      .select('secret')
      .where('endpoint_id', '=', endpointId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', api.clock.now())]))
      .execute()
      .then((rows) => rows.map((r) => r.secret));
  const body = JSON.stringify({ specversion: '1.0', id: 'evt', type: 'case.created' });
  const verifies = (secret: string, secrets: string[]) => {
    try {
      new Webhook(secret).verify(body, { ...webhookHeaders({ secrets, messageId: 'evt', timestamp: new Date(), body }) });
      return true;
    } catch {
      return false;
    }
  };

  it('keeps the old secret signing next to the new one until the overlap ends', async () => {
    const { auth } = await api.creditor();
    const created = await endpoint(auth);
    api.clock.advance(HOUR);
    const res = await post(auth, `/v1/webhook-endpoints/${created.id}/rotate-secret`, {});
    expect(res.statusCode).toBe(200);
    const rotated = res.json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.secrets).toEqual([
      { id: expect.any(String), createdAt: '2026-11-24T09:00:00.000Z', expiresAt: null },
      { id: created.secrets[0]!.id, createdAt: START, expiresAt: '2026-11-25T09:00:00.000Z' },
    ]);
    expect((await get(auth, `/v1/webhook-endpoints/${created.id}`)).body).not.toContain(rotated.secret);

    // During the overlap both sign, so a receiver holding either verifies.
    api.clock.set('2026-11-25T08:59:59Z');
    let secrets = await signing(created.id);
    expect(secrets.sort()).toEqual([created.secret, rotated.secret].sort());
    expect(verifies(created.secret, secrets)).toBe(true);
    expect(verifies(rotated.secret, secrets)).toBe(true);
    expect((await get(auth, `/v1/webhook-endpoints/${created.id}`)).json().secrets).toHaveLength(2);

    // After it, only the new one.
    api.clock.set('2026-11-25T09:00:00Z');
    secrets = await signing(created.id);
    expect(secrets).toEqual([rotated.secret]);
    expect(verifies(created.secret, secrets)).toBe(false);
    expect(verifies(rotated.secret, secrets)).toBe(true);
    expect((await get(auth, `/v1/webhook-endpoints/${created.id}`)).json().secrets).toEqual([expect.objectContaining({ expiresAt: null })]);
  });

  it('retires older secrets at once when rotated again, so at most two sign', async () => {
    const { auth } = await api.creditor();
    const created = await endpoint(auth);
    const second = (await post(auth, `/v1/webhook-endpoints/${created.id}/rotate-secret`, { overlapHours: 48 })).json();
    api.clock.advance(HOUR);
    const third = (await post(auth, `/v1/webhook-endpoints/${created.id}/rotate-secret`, { overlapHours: 168 })).json();
    expect((await signing(created.id)).sort()).toEqual([second.secret, third.secret].sort());
    expect(third.secrets).toEqual([
      expect.objectContaining({ expiresAt: null }),
      { id: second.secrets[0].id, createdAt: START, expiresAt: '2026-12-01T09:00:00.000Z' },
    ]);
    // An overlap of 0 retires the current secret at once; secrets past their overlap are not kept.
    const now = (await post(auth, `/v1/webhook-endpoints/${created.id}/rotate-secret`, { overlapHours: 0 })).json();
    expect(await signing(created.id)).toEqual([now.secret]);
    expect(await api.database.db.selectFrom('webhook_secrets').select('secret').where('endpoint_id', '=', created.id).execute()).toHaveLength(1);
  });

  it('refuses an overlap beyond 168 hours, and honours Idempotency-Key', async () => {
    const { auth } = await api.creditor();
    const { id } = await endpoint(auth);
    expect(problem(await post(auth, `/v1/webhook-endpoints/${id}/rotate-secret`, { overlapHours: 169 }), 400).errors).toEqual([expect.objectContaining({ pointer: '/overlapHours' })]);
    problem(await post(auth, `/v1/webhook-endpoints/${id}/rotate-secret`, { overlapHours: -1 }), 400);
    const a = await post(auth, `/v1/webhook-endpoints/${id}/rotate-secret`, { overlapHours: 1 }, { 'idempotency-key': 'rot-1' });
    const b = await post(auth, `/v1/webhook-endpoints/${id}/rotate-secret`, { overlapHours: 1 }, { 'idempotency-key': 'rot-1' });
    expect(b.json().secret).toBe(a.json().secret);
    expect((await signing(id)).length).toBe(2);
    problem(await post(auth, `/v1/webhook-endpoints/${randomUUID()}/rotate-secret`, {}), 404);
  });
});

describe('attempts', () => {
  it('lists every attempt newest first with its delivery’s event, a page at a time', async () => {
    const creditor = await api.creditor();
    const { id } = await endpoint(creditor.auth);
    const e1 = await outboxEvent(creditor.id, 'case.created', '2026-11-24T07:00:00Z');
    const e2 = await outboxEvent(creditor.id, 'payment.received', '2026-11-24T07:05:00Z');
    const d1 = await delivery(creditor.id, id, e1);
    const d2 = await delivery(creditor.id, id, e2, { status: 'pending', delivered_at: null });
    const attempt = (deliveryId: string, at: string, outcome: 'delivered' | 'failed', statusCode: number | null, error: string | null) =>
      api.database.db
        .insertInto('webhook_attempts')
        .values({ delivery_id: deliveryId, endpoint_id: id, creditor_id: creditor.id, attempted_at: at, outcome, status_code: statusCode, error, duration_ms: 12 })
        .execute();
    await attempt(d1.id, '2026-11-24T07:00:01Z', 'failed', 503, 'HTTP 503 Service Unavailable');
    await attempt(d1.id, '2026-11-24T07:00:06Z', 'delivered', 200, null);
    await attempt(d2.id, '2026-11-24T07:05:01Z', 'failed', null, 'connection refused');

    const all = (await get(creditor.auth, `/v1/webhook-endpoints/${id}/attempts`)).json();
    expect(all.items).toEqual([
      { id: expect.any(String), deliveryId: d2.id, eventId: e2.id, eventType: 'payment.received', attemptedAt: '2026-11-24T07:05:01.000Z', outcome: 'failed', statusCode: null, error: 'connection refused', durationMs: 12 },
      expect.objectContaining({ deliveryId: d1.id, eventId: e1.id, eventType: 'case.created', outcome: 'delivered', statusCode: 200 }),
      expect.objectContaining({ deliveryId: d1.id, outcome: 'failed', statusCode: 503, error: 'HTTP 503 Service Unavailable' }),
    ]);
    expect(all.nextCursor).toBeNull();

    const page1 = (await get(creditor.auth, `/v1/webhook-endpoints/${id}/attempts?limit=2`)).json();
    expect(page1.items).toHaveLength(2);
    const page2 = (await get(creditor.auth, `/v1/webhook-endpoints/${id}/attempts?limit=2&cursor=${page1.nextCursor}`)).json();
    expect([...page1.items, ...page2.items]).toEqual(all.items);
    expect(page2.nextCursor).toBeNull();

    expect((await get(creditor.auth, `/v1/webhook-endpoints/${id}/attempts?deliveryId=${d1.id}`)).json().items).toHaveLength(2);
    expect((await get(creditor.auth, `/v1/webhook-endpoints/${id}/attempts?outcome=failed`)).json().items).toHaveLength(2);
    problem(await get(creditor.auth, `/v1/webhook-endpoints/${id}/attempts?cursor=bogus`), 400);
    problem(await get(creditor.auth, `/v1/webhook-endpoints/${randomUUID()}/attempts`), 404);
    // Another endpoint of the same creditor has its own.
    const other = await endpoint(creditor.auth);
    expect((await get(creditor.auth, `/v1/webhook-endpoints/${other.id}/attempts`)).json().items).toEqual([]);
  });
});

describe('replay', () => {
  it('sends one delivery again: pending now, no lease, a fresh retry schedule, the same event', async () => {
    const creditor = await api.creditor();
    const { id } = await endpoint(creditor.auth);
    const e1 = await outboxEvent(creditor.id, 'case.created', '2026-11-24T07:00:00Z');
    const failed = await delivery(creditor.id, id, e1, { status: 'failed', delivered_at: null, attempts: 12, last_status: 500, last_error: 'HTTP 500' });
    const res = await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { deliveryId: failed.id });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ replayed: 1, inFlight: 0 });
    expect(await deliveryRow(failed.id)).toMatchObject({ status: 'pending', next_attempt_at: new Date(START), leased_until: null, attempts: 0, outbox_id: e1.id });

    // One a sender holds right now is left to it.
    const e2 = await outboxEvent(creditor.id, 'case.created', '2026-11-24T07:01:00Z');
    const leased = await delivery(creditor.id, id, e2, { status: 'pending', delivered_at: null, attempts: 1, leased_until: '2026-11-24T08:00:30Z' });
    expect((await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { deliveryId: leased.id })).json()).toEqual({ replayed: 0, inFlight: 1 });
    expect(await deliveryRow(leased.id)).toMatchObject({ attempts: 1, leased_until: new Date('2026-11-24T08:00:30Z') });

    // Another endpoint's delivery is not this endpoint's to replay.
    const other = await endpoint(creditor.auth);
    const foreign = await delivery(creditor.id, other.id, e1);
    problem(await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { deliveryId: foreign.id }), 404);
    expect((await deliveryRow(foreign.id)).status).toBe('delivered');
    problem(await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { deliveryId: randomUUID() }), 404);
    problem(await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, {}), 400);
    problem(await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { deliveryId: failed.id, from: START, to: START }), 400);
  });

  it('sends every event of a time range again, including those the endpoint missed while disabled', async () => {
    const creditor = await api.creditor();
    const { id } = await endpoint(creditor.auth, { eventTypes: ['case.created', 'case.closed'] });
    const before = await outboxEvent(creditor.id, 'case.created', '2026-11-23T23:59:59Z');
    const first = await outboxEvent(creditor.id, 'case.created', '2026-11-24T00:00:00Z');
    const second = await outboxEvent(creditor.id, 'case.closed', '2026-11-24T03:00:00Z');
    const missed = await outboxEvent(creditor.id, 'case.closed', '2026-11-24T04:00:00Z');
    const unwanted = await outboxEvent(creditor.id, 'payment.received', '2026-11-24T05:00:00Z');
    const unpublished = await outboxEvent(creditor.id, 'case.created', '2026-11-24T05:30:00Z', false);
    const test = await outboxEvent(creditor.id, 'webhook.test', '2026-11-24T05:40:00Z');
    const atEnd = await outboxEvent(creditor.id, 'case.created', '2026-11-24T06:00:00Z');
    const dBefore = await delivery(creditor.id, id, before);
    const dFirst = await delivery(creditor.id, id, first);
    const dSecond = await delivery(creditor.id, id, second, { status: 'failed', delivered_at: null, attempts: 12 });
    const dAtEnd = await delivery(creditor.id, id, atEnd);
    const held = await outboxEvent(creditor.id, 'case.created', '2026-11-24T02:30:00Z');
    const dHeld = await delivery(creditor.id, id, held, { status: 'pending', delivered_at: null, attempts: 2, leased_until: '2026-11-24T08:00:30Z' });
    const another = await api.creditor('Other AB');
    const foreign = await outboxEvent(another.id, 'case.created', '2026-11-24T02:00:00Z');

    const res = await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { from: '2026-11-24T00:00:00Z', to: '2026-11-24T06:00:00Z' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ replayed: 3, inFlight: 1 });
    expect(await deliveryRow(dHeld.id)).toMatchObject({ attempts: 2, leased_until: new Date('2026-11-24T08:00:30Z') });
    for (const d of [dFirst, dSecond]) expect(await deliveryRow(d.id)).toMatchObject({ status: 'pending', next_attempt_at: new Date(START), leased_until: null, attempts: 0 });
    for (const d of [dBefore, dAtEnd]) expect(await deliveryRow(d.id)).toMatchObject({ status: 'delivered', attempts: 3 });
    const rows = await api.database.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', id).execute();
    const byEvent = new Map(rows.map((r) => [r.outbox_id, r]));
    expect(byEvent.get(missed.id)).toMatchObject({ status: 'pending', position: missed.position, creditor_id: creditor.id, next_attempt_at: new Date(START), attempts: 0 });
    for (const e of [unwanted, unpublished, test, foreign]) expect(byEvent.has(e.id)).toBe(false);

    // Replaying again is harmless: the same deliveries, no new ones; once the lease ran out, the held one too.
    api.clock.set('2026-11-24T08:01:00Z');
    expect((await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { from: '2026-11-24T00:00:00Z', to: '2026-11-24T06:00:00Z' })).json()).toEqual({ replayed: 4, inFlight: 0 });
    expect(await api.database.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id).execute()).toHaveLength(rows.length);

    problem(await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { from: '2026-11-24T06:00:00Z', to: '2026-11-24T00:00:00Z' }), 400);
    problem(await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { from: '2026-10-01T00:00:00Z', to: '2026-11-24T00:00:00Z' }), 400);
    problem(await post(creditor.auth, `/v1/webhook-endpoints/${id}/replay`, { from: 'yesterday', to: '2026-11-24T00:00:00Z' }), 400);
  });
});

describe('test events', () => {
  it('writes a webhook.test event naming the endpoint to the outbox', async () => {
    const creditor = await api.creditor();
    const { id } = await endpoint(creditor.auth, { eventTypes: ['case.closed'] });
    const res = await post(creditor.auth, `/v1/webhook-endpoints/${id}/test`);
    expect(res.statusCode).toBe(202);
    const { eventId } = res.json();
    const row = await api.database.db.selectFrom('outbox').selectAll().where('id', '=', eventId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ creditor_id: creditor.id, case_id: null, type: 'webhook.test', data: { endpointId: id }, occurred_at: new Date(START), published_at: null });

    const again = await post(creditor.auth, `/v1/webhook-endpoints/${id}/test`, undefined, { 'idempotency-key': 'test-1' });
    const replayed = await post(creditor.auth, `/v1/webhook-endpoints/${id}/test`, undefined, { 'idempotency-key': 'test-1' });
    expect(replayed.json().eventId).toBe(again.json().eventId);
    expect(await api.database.db.selectFrom('outbox').select('id').where('creditor_id', '=', creditor.id).where('type', '=', 'webhook.test').execute()).toHaveLength(2);
  });

  it('refuses a disabled endpoint and an unknown one', async () => {
    const { auth } = await api.creditor();
    const { id } = await endpoint(auth, { enabled: false });
    expect(problem(await post(auth, `/v1/webhook-endpoints/${id}/test`), 409).type).toBe('/problems/conflict');
    problem(await post(auth, `/v1/webhook-endpoints/${randomUUID()}/test`), 404);
  });
});
