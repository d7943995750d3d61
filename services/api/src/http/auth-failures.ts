import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';

export interface AuthFailureLimit {
  /**
   * Counts a refused key against the client address; answers the seconds it must wait when that
   * was one too many in the window, or null while it is within the limit.
   */
  refused(address: string, log: FastifyBaseLogger): Promise<number | null>;
}

/**
 * Requests with a key that is not valid never reach the per-key rate limit (there is no key to
 * count them against), so they are counted per client address here, in Redis like the rate limit,
 * shared by every API instance. Past `max` in a window, such requests are answered 429 with
 * Retry-After instead of 401. Valid keys are never refused by it: a client behind the same address
 * (a shared NAT, say) keeps working. A Redis failure refuses nobody, as with the rate limit.
 */
export function authFailureLimit(redis: Redis, prefix: string, max: number, windowMs: number): AuthFailureLimit {
  return {
    async refused(address, log) {
      const key = `${prefix}:auth-failures:${address}`;
      try {
        // The window starts with the first refusal and is not extended by later ones.
        const [count, , ttl] = (await redis.multi().incr(key).pexpire(key, windowMs, 'NX').pttl(key).exec()) ?? [];
        if (Number(count?.[1] ?? 0) <= max) return null;
        const ms = Number(ttl?.[1] ?? windowMs);
        return Math.max(1, Math.ceil((ms > 0 ? ms : windowMs) / 1000));
      } catch (err) {
        log.warn({ err }, 'could not count the refused key; the request is answered as usual');
        return null;
      }
    },
  };
}
