import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { apiEnv, parseEnv } from '@fordra/config';
import { createLogger } from '@fordra/runtime';
import { useTestRedis } from '@fordra/testkit';
import { buildApp } from '../app.js';
import { admin, ADMIN_TOKEN, problem, useApi } from '../test/harness.js';

const LIMITS = { RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' };
const redis = useTestRedis();
const api = useApi({ ...LIMITS, REDIS_PREFIX: redis.prefix });

const others: { app: FastifyInstance; redis: Redis }[] = [];
afterAll(async () => {
  for (const other of others) {
    await other.app.close();
    other.redis.disconnect();
  }
});

/** Another API process: its own Fastify, caches, plugins and Redis connection, on the same Postgres and Redis prefix. */
async function secondInstance(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = parseEnv(apiEnv, { ADMIN_TOKEN, LOG_LEVEL: 'silent', NODE_ENV: 'test', REDIS_PREFIX: redis.prefix, ...LIMITS, ...env });
  const connection = redis.redis.duplicate();
  const app = await buildApp({ db: api.database.db, redis: connection, clock: api.clock, config, logger: createLogger({ name: 'api-test-2', level: 'silent', pretty: false }) });
  others.push({ app, redis: connection });
  await app.ready();
  return app;
}

const remaining = (res: LightMyRequestResponse) => Number(res.headers['ratelimit-remaining']);

describe('rate limits per API key, shared through Redis', () => {
  it('counts each key on its own, answers 429 problem+json with Retry-After, and spares admin, health and docs', async () => {
    const a = await api.creditor('Acme AB');
    const b = await api.creditor('Beta AB');
    const list = (auth: { authorization: string }) => api.app.inject({ method: 'GET', url: '/v1/cases', headers: auth });

    const first = await list(a.auth);
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-limit']).toBe('5');
    expect(remaining(first)).toBe(4);
    expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(first.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
    expect(first.headers['retry-after']).toBeUndefined();

    for (let i = 3; i >= 0; i--) expect(remaining(await list(a.auth))).toBe(i);
    const limited = await list(a.auth);
    const body = problem(limited, 429);
    expect(body).toMatchObject({ type: '/problems/rate-limited', title: 'Too many requests', status: 429 });
    expect(body.requestId).toBe(limited.headers['x-request-id']);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    // Every route of the key is in the same count, writes included.
    problem(await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: a.auth, payload: {} }), 429);

    // Another key of the same client address has its own count.
    const other = await list(b.auth);
    expect(other.statusCode).toBe(200);
    expect(remaining(other)).toBe(4);

    // The admin token counts apart; probes and documents are not counted at all.
    const read = await api.app.inject({ method: 'GET', url: `/v1/admin/creditors/${a.id}`, headers: admin });
    expect(read.statusCode).toBe(200);
    expect(remaining(read)).toBe(5 - 3);
    for (const url of ['/health/live', '/health/ready', '/openapi.json', '/asyncapi.json', '/docs/', '/problems/rate-limited']) {
      for (let i = 0; i < 7; i++) {
        const res = await api.app.inject({ method: 'GET', url, headers: a.auth });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['ratelimit-limit'], url).toBeUndefined();
      }
    }
  });

  it('shares one count between two API instances on the same Redis prefix', async () => {
    const c = await api.creditor('Gamma AB');
    const other = await secondInstance();
    const on = (app: FastifyInstance) => app.inject({ method: 'GET', url: '/v1/debtors', headers: c.auth });
    expect(remaining(await on(api.app))).toBe(4);
    expect(remaining(await on(other))).toBe(3);
    expect(remaining(await on(api.app))).toBe(2);
    expect(remaining(await on(other))).toBe(1);
    expect(remaining(await on(other))).toBe(0);
    expect(problem(await on(api.app), 429).type).toBe('/problems/rate-limited');
    expect(problem(await on(other), 429).type).toBe('/problems/rate-limited');
    // The count lives under the installation's prefix, so installations sharing a Redis count apart.
    expect(await redis.redis.keys(`${redis.prefix}:rate-limit:*`)).not.toHaveLength(0);
  });

  it('counts requests without a key by client address, read from X-Forwarded-For only behind a trusted proxy', async () => {
    // A link nobody signed: answered 4xx, but counted like any request without a key.
    const link = (app: FastifyInstance, forwardedFor: string) =>
      app.inject({ method: 'GET', url: '/v1/public/agreements/not-a-token', headers: { 'x-forwarded-for': forwardedFor, accept: 'application/json' } });
    // Not trusted (the default): the header is the caller's own claim, and the connection's address counts.
    expect(remaining(await link(api.app, '198.51.100.1'))).toBe(4);
    expect(remaining(await link(api.app, '198.51.100.2'))).toBe(3);
    // Behind a proxy the operator named (the test's connections come from 127.0.0.1), each client counts apart.
    const behindProxy = await secondInstance({ TRUST_PROXY: '127.0.0.1' });
    for (let i = 4; i >= 0; i--) expect(remaining(await link(behindProxy, '203.0.113.1'))).toBe(i);
    expect(problem(await link(behindProxy, '203.0.113.1'), 429).type).toBe('/problems/rate-limited');
    expect(remaining(await link(behindProxy, '203.0.113.2'))).toBe(4);
  });

  it('does not count requests refused for a bad key against any key’s limit (they count against their address, below)', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: 'Bearer fdr_nope_nope' } });
    problem(res, 401);
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });

  it('answers 429 to an address that keeps sending keys that are not valid, and never refuses a valid key from it', async () => {
    // An instance with counts of its own, so that the admin requests below leave this file's admin count alone.
    const prefix = `${redis.prefix}:auth`;
    const app = await secondInstance({ REDIS_PREFIX: prefix, AUTH_FAILURE_MAX: '3', TRUST_PROXY: '127.0.0.1' });
    const newKey = async (name: string) => {
      const created = await app.inject({ method: 'POST', url: '/v1/admin/creditors', headers: admin, payload: { name, country: 'SE' } });
      return created.json().apiKey.key as string;
    };
    const key = await newKey('Epsilon AB');
    // Well formed, the right lookup prefix, the wrong secret.
    const wrong = `Bearer ${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    const from = (address: string, authorization: string) =>
      app.inject({ method: 'GET', url: '/v1/debtors', headers: { authorization, 'x-forwarded-for': address } });
    expect((await from('192.0.2.10', `Bearer ${key}`)).statusCode).toBe(200);
    for (const bad of [wrong, 'Bearer not-even-a-key', wrong]) problem(await from('192.0.2.10', bad), 401);
    const refused = await from('192.0.2.10', wrong);
    expect(problem(refused, 429).detail).toMatch(/keys that are not valid/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Valid keys from there go on working, a key never seen before included (a shared NAT's other clients).
    expect((await from('192.0.2.10', `Bearer ${key}`)).statusCode).toBe(200);
    expect((await from('192.0.2.10', `Bearer ${await newKey('Zeta AB')}`)).statusCode).toBe(200);
    // Another address is not affected.
    problem(await from('192.0.2.11', wrong), 401);
    // Counted in Redis, so every API instance sees the same count.
    expect(await redis.redis.get(`${prefix}:auth-failures:192.0.2.10`)).toBe('4');
  });

  it('documents the 429 on every limited operation', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>();
    expect(Object.keys(doc.paths['/v1/cases']!.get!.responses)).toContain('429');
    expect(Object.keys(doc.paths['/v1/admin/creditors']!.post!.responses)).toContain('429');
    expect(Object.keys(doc.paths['/health/ready']!.get!.responses)).not.toContain('429');
  });
});

describe('limits on size', () => {
  it('refuses a page larger than 200 with a validation problem naming the parameter', async () => {
    // The admin token's fifth request of the window, its last.
    const d = (await api.creditor('Delta AB')).auth;
    const res = await api.app.inject({ method: 'GET', url: '/v1/cases?limit=201', headers: d });
    const body = problem(res, 400);
    expect(body.type).toBe('/problems/validation');
    expect(body.errors).toEqual([expect.objectContaining({ in: 'query', pointer: '/limit' })]);
    expect((await api.app.inject({ method: 'GET', url: '/v1/cases?limit=200', headers: d })).statusCode).toBe(200);
  });
});
