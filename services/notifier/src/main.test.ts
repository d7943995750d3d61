import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startService, useTestDatabase, useTestRedis } from '@fordra/testkit';

const database = useTestDatabase();
const redis = useTestRedis();
const cwd = fileURLToPath(new URL('..', import.meta.url));

describe('notifier process', () => {
  it('starts against Postgres and Redis, logs, and stops cleanly on SIGTERM', async () => {
    const notifier = startService('src/main.ts', { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info' }, cwd);
    await notifier.waitFor(/notifier ready/);
    expect(await notifier.stop('SIGTERM'), notifier.output()).toBe(0);
    expect(notifier.output()).toMatch(/"msg":"stopped"/);
  });

  it('fails fast when Postgres cannot be reached', async () => {
    const notifier = startService('src/main.ts', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', REDIS_URL: redis.url }, cwd);
    expect(await notifier.exit()).toBe(1);
    expect(notifier.output()).toMatch(/notifier could not start: cannot reach Postgres/);
  });
});
