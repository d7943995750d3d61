import { describe, expect, it } from 'vitest';
import { QUEUES } from '@fordra/jobs';
import { ADMIN_TOKEN, admin, problem, useApi } from '../../test/harness.js';

const api = useApi();
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('the queue dashboard (Bull Board) under /admin/queues', () => {
  it('asks for the admin token, and a browser for it with HTTP Basic', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-admin-token-at-all' }, basic('admin', 'wrong-token-0123456789abcdef'), basic('', ''), { authorization: 'Basic %%%' }]) {
      const res = await api.app.inject({ method: 'GET', url: '/admin/queues', headers });
      const body = problem(res, 401);
      expect(body.type).toMatch(/\/problems\/unauthorized$/);
      expect(res.headers['www-authenticate']).toBe('Basic realm="Fordra queues", charset="UTF-8"');
    }
    // The board's assets and API are behind the token too.
    problem(await api.app.inject({ method: 'GET', url: '/admin/queues/api/queues' }), 401);
  });

  it('shows the board with the token as a bearer token or as the Basic password', async () => {
    for (const headers of [admin, basic('admin', ADMIN_TOKEN), basic('anyone', ADMIN_TOKEN)]) {
      const res = await api.app.inject({ method: 'GET', url: '/admin/queues', headers });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<base href="/admin/queues/" />');
    }
    // Its script and styles come from under the same path, behind the same token.
    const page = (await api.app.inject({ method: 'GET', url: '/admin/queues', headers: admin })).body;
    const css = /href="(static\/css\/[^"]+\.css)"/.exec(page)?.[1];
    expect(css).toBeDefined();
    problem(await api.app.inject({ method: 'GET', url: `/admin/queues/${css}` }), 401);
    const asset = await api.app.inject({ method: 'GET', url: `/admin/queues/${css}`, headers: basic('admin', ADMIN_TOKEN) });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/css/);
  });

  it('lists every queue, read-only, through its API', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ queues: { name: string; readOnlyMode: boolean; counts: Record<string, number> }[] }>();
    expect(body.queues.map((q) => q.name).sort()).toEqual(Object.values(QUEUES).sort());
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
    // Read-only on the server too, not only in the page.
    const pause = await api.app.inject({ method: 'PUT', url: `/admin/queues/api/queues/${QUEUES.deadlines}/pause`, headers: admin });
    expect(pause.statusCode).toBeGreaterThanOrEqual(400);
    const paused = await api.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: admin });
    expect(paused.json<{ queues: { name: string; isPaused: boolean }[] }>().queues.find((q) => q.name === QUEUES.deadlines)?.isPaused).toBe(false);
  });

  it('is not in the OpenAPI document', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
  });
});
