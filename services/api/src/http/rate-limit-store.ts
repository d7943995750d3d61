import type { Redis } from 'ioredis';

/**
 * Adds `n` to a key's count in the current window and answers the new total and the window's
 * remaining milliseconds. The first reservation of a window starts it; later ones never extend it.
 */
const RESERVE = `
local n = tonumber(ARGV[2])
local total = redis.call('INCRBY', KEYS[1], n)
local ttl = redis.call('PTTL', KEYS[1])
if total == n or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {total, ttl}
`;

type Reserve = (key: string, windowMs: number, n: number) => Promise<[number, number]>;
type Answer = (err: Error | null, result?: { current: number; ttl: number }) => void;

/** What one instance knows of one key: the counts it reserved and not yet handed out, and who waits. */
interface Lease {
  /** The next count to hand out, and the last one reserved (inclusive). */
  next: number;
  last: number;
  /** When the window these counts belong to ends (epoch ms, read before the reservation was sent). */
  endsAt: number;
  waiting: Answer[];
  reserving: boolean;
  /** Requests seen since the last reservation was sent, and when that was: the key's current rate. */
  seen: number;
  sentAt: number;
}

export interface LeaseOptions {
  /** How much of a busy key's traffic one reservation covers, in milliseconds of its current rate. */
  leaseMs?: number;
  /** The most one reservation takes, as a share of the limit. */
  maxShare?: number;
  /** Epoch milliseconds; Redis's clock keeps the windows, this one only measures rates and ages. */
  now?: () => number;
}

/** Past this many keys, keys whose window has ended are forgotten (at most once a second). */
const SWEEP_ABOVE = 10_000;
/**
 * Past this many after a sweep (clients from very many addresses within one window), idle keys are
 * forgotten too: their unused counts are lost, which only refuses those keys a little earlier.
 */
const KEYS_AT_MOST = 100_000;

/**
 * The rate-limit count for @fastify/rate-limit, kept in Redis so that every API instance shares it,
 * without a Redis round trip per request for a busy key.
 *
 * Each request needs a count: its place in the key's window (the plugin refuses it when the count
 * is over the limit). An instance reserves counts from Redis and hands them out itself. A key used
 * now and then reserves one count per request, so the count is exact across instances, as with one
 * INCR per request. A busy key reserves as many as it uses in `leaseMs` at its current rate, at most
 * `maxShare` of the limit, and requests that arrive while a reservation is on its way wait for it.
 * Each count is handed out once, so no more than the limit is ever let through in a window. What a
 * reservation costs: counts an instance reserved but did not use by the end of the window are lost,
 * so a busy key may be refused up to `maxShare` of its limit early per API instance.
 *
 * A Redis failure is passed to every request waiting for that reservation (the plugin's
 * skipOnError then lets them through).
 */
export class LeasedRedisStore {
  private readonly leases = new Map<string, Lease>();
  private sweptAt = 0;
  private readonly leaseMs: number;
  private readonly maxShare: number;
  private readonly now: () => number;

  constructor(
    private readonly reserve: Reserve,
    private readonly keyPrefix: string,
    options: LeaseOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 50;
    this.maxShare = options.maxShare ?? 0.01;
    this.now = options.now ?? Date.now;
  }

  /** The plugin's call: the request's count in `key`'s window, and the window's remaining milliseconds. */
  incr(key: string, answer: Answer, windowMs: number, max: number): void {
    let lease = this.leases.get(key);
    if (!lease) {
      if (this.leases.size >= SWEEP_ABOVE && this.now() - this.sweptAt > 1_000) this.sweep();
      // No reservation yet, so no rate: the first one is for the requests waiting.
      lease = { next: 1, last: 0, endsAt: 0, waiting: [], reserving: false, seen: 0, sentAt: 0 };
      this.leases.set(key, lease);
    }
    lease.seen++;
    const now = this.now();
    if (lease.next <= lease.last && now < lease.endsAt) {
      answer(null, { current: lease.next++, ttl: lease.endsAt - now });
      return;
    }
    lease.waiting.push(answer);
    if (!lease.reserving) this.reserveFor(key, lease, windowMs, max);
  }

  /**
   * A route with limits of its own counts apart, under its own key prefix. The plugin passes its
   * merged settings, which name the route in `routeInfo` (its type declaration says otherwise).
   */
  child(routeOptions: object): LeasedRedisStore {
    const { method = '', url = '' } = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo ?? {};
    return new LeasedRedisStore(this.reserve, `${this.keyPrefix}${method}${url}-`, { leaseMs: this.leaseMs, maxShare: this.maxShare, now: this.now });
  }

  private reserveFor(key: string, lease: Lease, windowMs: number, max: number): void {
    const sentAt = this.now();
    const elapsed = Math.max(1, sentAt - lease.sentAt);
    const atRate = Math.round((lease.seen / elapsed) * this.leaseMs);
    const n = Math.max(1, Math.min(Math.floor(max * this.maxShare), Math.max(atRate, lease.waiting.length)));
    lease.reserving = true;
    lease.seen = 0;
    lease.sentAt = sentAt;
    this.reserve(`${this.keyPrefix}${key}`, windowMs, n).then(
      ([total, ttl]) => {
        lease.reserving = false;
        // Whatever was left of an older window is gone with it.
        lease.next = total - n + 1;
        lease.last = total;
        lease.endsAt = sentAt + ttl;
        const now = this.now();
        while (lease.waiting.length > 0 && lease.next <= lease.last) {
          lease.waiting.shift()!(null, { current: lease.next++, ttl: Math.max(0, lease.endsAt - now) });
        }
        if (lease.waiting.length > 0) this.reserveFor(key, lease, windowMs, max);
      },
      (err: unknown) => {
        lease.reserving = false;
        const failed = lease.waiting.splice(0);
        for (const answer of failed) answer(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  /** Forgets keys whose window has ended and that nobody waits on. */
  private sweep(): void {
    const now = this.now();
    this.sweptAt = now;
    for (const [key, lease] of this.leases) {
      if (!lease.reserving && lease.waiting.length === 0 && now >= lease.endsAt) this.leases.delete(key);
    }
    if (this.leases.size < KEYS_AT_MOST) return;
    for (const [key, lease] of this.leases) {
      if (!lease.reserving && lease.waiting.length === 0) this.leases.delete(key);
    }
  }

  /** How many keys this instance remembers. */
  get size(): number {
    return this.leases.size;
  }
}

/** Reservations through one Lua script on `redis`, as one command per reservation. */
export function redisReserve(redis: Redis): Reserve {
  const command = 'fordraRateLimitReserve';
  if (!(command in redis)) redis.defineCommand(command, { numberOfKeys: 1, lua: RESERVE });
  const run = (redis as unknown as Record<string, (key: string, windowMs: number, n: number) => Promise<[number, number]>>)[command]!.bind(redis);
  return async (key, windowMs, n) => {
    const [total, ttl] = await run(key, windowMs, n);
    return [Number(total), Number(ttl)];
  };
}

/**
 * The `store` option of @fastify/rate-limit, which constructs the store itself: a class whose
 * instances share the given Redis connection and key prefix.
 */
export function leasedRedisStore(redis: Redis, keyPrefix: string, options?: LeaseOptions) {
  const reserve = redisReserve(redis);
  return class extends LeasedRedisStore {
    constructor() {
      super(reserve, keyPrefix, options);
    }
  };
}
