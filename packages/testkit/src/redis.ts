import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';

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

export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
