import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';

export interface AuthFailureLimit {
  /** Seconds until the address may try unknown keys again, or null when it may now. */
  blockedFor(address: string, log: FastifyBaseLogger): Promise<number | null>;
  /** Counts a refused key against the address. */
  record(address: string, log: FastifyBaseLogger): Promise<void>;
}

/**
 * Requests with a key that is not valid never reach the per-key rate limit (there is no key to
 * count them against), so they are counted per client address here, in Redis like the rate limit,
 * shared by every API instance. An address over `max` refused keys in a window is answered 429
 * without a key lookup until the window ends. Only lookups are guarded: a key already verified and
 * cached on this instance goes on working from a blocked address (a shared NAT, say). A Redis
 * failure blocks nobody, as with the rate limit.
 */
export function authFailureLimit(redis: Redis, prefix: string, max: number, windowMs: number): AuthFailureLimit {
  const keyOf = (address: string) => `${prefix}:auth-failures:${address}`;
  return {
    async blockedFor(address, log) {
      try {
        const [count, ttl] = (await redis.multi().get(keyOf(address)).pttl(keyOf(address)).exec()) ?? [];
        if (Number(count?.[1] ?? 0) < max) return null;
        const ms = Number(ttl?.[1] ?? windowMs);
        return Math.max(1, Math.ceil((ms > 0 ? ms : windowMs) / 1000));
      } catch (err) {
        log.warn({ err }, 'could not read the refused-key count; the request goes on');
        return null;
      }
    },
    async record(address, log) {
      try {
        // The window starts with the first refusal and is not extended by later ones.
        await redis.multi().incr(keyOf(address)).pexpire(keyOf(address), windowMs, 'NX').exec();
      } catch (err) {
        log.warn({ err }, 'could not count the refused key');
      }
    },
  };
}
