import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';

/**
 * Fails start-up with a plain message when Postgres or Redis cannot be reached, instead of a
 * process that looks alive and does nothing.
 */
export async function checkConnections(db: Kysely<any>, redis: Redis, timeoutMs = 10_000): Promise<void> {
  const within = <T>(what: string, p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs).unref())]);
  try {
    await within('Postgres', sql`SELECT 1`.execute(db));
  } catch (err) {
    throw new Error(`cannot reach Postgres (DATABASE_URL): ${(err as Error).message}`);
  }
  try {
    await within('Redis', redis.ping());
  } catch (err) {
    throw new Error(`cannot reach Redis (REDIS_URL): ${(err as Error).message}`);
  }
}
