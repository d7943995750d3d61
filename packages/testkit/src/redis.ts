import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { deleteKeysWithPrefix } from '@fordra/jobs';

export { deleteKeysWithPrefix };

export interface TestRedis {
  readonly url: string;
  /** Every key this test file writes starts with this prefix; nothing else is touched. */
  readonly prefix: string;
  readonly redis: Redis;
}

export function useTestRedis(): TestRedis {
  const url = inject('fordraRedisUrl');
  const prefix = `fordra-test-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  let redis: Redis | undefined;

  beforeAll(() => {
    redis = new Redis(url, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    if (!redis) return;
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  return {
    url,
    prefix,
    get redis() {
      if (!redis) throw new Error('the test Redis connection exists only inside tests (after beforeAll)');
      return redis;
    },
  };
}
