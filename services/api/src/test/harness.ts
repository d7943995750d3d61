import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { apiEnv, parseEnv } from '@fordra/config';
import { ManualClock } from '@fordra/domain';
import { createLogger } from '@fordra/runtime';
import { useTestDatabase, useTestRedis, type TestDatabase } from '@fordra/testkit';
import { buildApp } from '../app.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface TestApi {
  readonly app: FastifyInstance;
  readonly clock: ManualClock;
  readonly database: TestDatabase;
  /** Creates a creditor through the admin API and returns its id and auth header. */
  creditor(name?: string, country?: string): Promise<{ id: string; key: string; auth: { authorization: string } }>;
}

/** An API on this test file's own database and Redis prefix, with a clock the test moves. */
export function useApi(env: Record<string, string> = {}): TestApi {
  const database = useTestDatabase();
  const redis = useTestRedis();
  const clock = new ManualClock('2026-11-24T08:00:00Z');
  let app: FastifyInstance | undefined;

  beforeAll(async () => {
    const config = parseEnv(apiEnv, { ADMIN_TOKEN, LOG_LEVEL: 'silent', NODE_ENV: 'test', REDIS_PREFIX: redis.prefix, ...env });
    app = await buildApp({ db: database.db, redis: redis.redis, clock, config, logger: createLogger({ name: 'api-test', level: 'silent', pretty: false }) });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  const api: TestApi = {
    get app() {
      if (!app) throw new Error('the app exists only inside tests');
      return app;
    },
    clock,
    database,
    async creditor(name = 'Acme AB', country = 'SE') {
      const res = await api.app.inject({ method: 'POST', url: '/v1/admin/creditors', headers: admin, payload: { name, country } });
      if (res.statusCode !== 201) throw new Error(`creating a creditor failed: ${res.statusCode} ${res.body}`);
      const body = res.json<{ creditor: { id: string }; apiKey: { key: string } }>();
      return { id: body.creditor.id, key: body.apiKey.key, auth: { authorization: `Bearer ${body.apiKey.key}` } };
    },
  };
  return api;
}

/** Asserts the answer is problem+json of the given status and returns its body. */
export function problem(res: LightMyRequestResponse, status: number) {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${res.headers['content-type']}`);
  }
  return res.json<{ type: string; title: string; status: number; detail?: string; errors?: { in: string; pointer: string; detail: string }[]; existingId?: string; requestId: string }>();
}

export const invoice = (over: Record<string, unknown> = {}) => ({
  number: 'F-1001',
  issueDate: '2026-10-01',
  dueDate: '2026-10-31',
  amount: 125_000,
  ...over,
});

export const businessDebtor = (over: Record<string, unknown> = {}) => ({
  kind: 'business',
  name: 'Kund AB',
  identityNumber: '556016-0680',
  email: 'ap@kund.example',
  address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' },
  ...over,
});

/** A minimal valid PDF: enough for the header check and for PDF readers. */
export const SAMPLE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);
