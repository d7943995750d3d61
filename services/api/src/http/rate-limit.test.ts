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

let second: FastifyInstance | undefined;
let secondRedis: Redis | undefined;
afterAll(async () => {
  await second?.close();
  secondRedis?.disconnect();
});

/** Another API process: its own Fastify, caches, plugins and Redis connection, on the same Postgres and Redis prefix. */
async function secondInstance(): Promise<FastifyInstance> {
  const config = parseEnv(apiEnv, { ADMIN_TOKEN, LOG_LEVEL: 'silent', NODE_ENV: 'test', REDIS_PREFIX: redis.prefix, ...LIMITS });
  secondRedis = redis.redis.duplicate();
  second = await buildApp({ db: api.database.db, redis: secondRedis, clock: api.clock, config, logger: createLogger({ name: 'api-test-2', level: 'silent', pretty: false }) });
  await second.ready();
  return second;
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

  it('does not count requests refused for a bad key against anyone', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: 'Bearer fdr_nope_nope' } });
    problem(res, 401);
    expect(res.headers['ratelimit-limit']).toBeUndefined();
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
