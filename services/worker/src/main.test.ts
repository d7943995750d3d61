import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startService, useTestDatabase, useTestRedis } from '@fordra/testkit';

const database = useTestDatabase();
const redis = useTestRedis();
const cwd = fileURLToPath(new URL('..', import.meta.url));

describe('worker process', () => {
  it('starts against Postgres and Redis, logs, and stops cleanly on SIGTERM', async () => {
    const worker = startService('src/main.ts', { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info' }, cwd);
    await worker.waitFor(/worker ready/);
    expect(await worker.stop('SIGTERM'), worker.output()).toBe(0);
    expect(worker.output()).toMatch(/"msg":"stopped"/);
  });

  it('refuses to start with a clear message when the configuration is wrong', async () => {
    const worker = startService('src/main.ts', { DATABASE_URL: 'mysql://nowhere', WORKER_CONCURRENCY: 'many' }, cwd);
    expect(await worker.exit()).toBe(1);
    expect(worker.output()).toMatch(/worker could not start: invalid configuration/);
    expect(worker.output()).toMatch(/DATABASE_URL/);
    expect(worker.output()).toMatch(/WORKER_CONCURRENCY/);
  });
});
