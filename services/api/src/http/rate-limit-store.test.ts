import { describe, expect, it } from 'vitest';
import { pollUntil, useTestRedis } from '@fordra/testkit';
import { LeasedRedisStore, redisReserve } from './rate-limit-store.js';

const redis = useTestRedis();
let keys = 0;
/** A key of this file's own, unused by any other test. */
const freshKey = () => `key-${++keys}`;

/** A store on the test Redis, counting its reservations. */
function store(options?: ConstructorParameters<typeof LeasedRedisStore>[2]) {
  const reserve = redisReserve(redis.redis);
  const sizes: number[] = [];
  const s = new LeasedRedisStore(
    (key, windowMs, n) => {
      sizes.push(n);
      return reserve(key, windowMs, n);
    },
    `${redis.prefix}:rl:`,
    options,
  );
  const count = (key: string, windowMs: number, max: number) =>
    new Promise<{ current: number; ttl: number }>((resolve, reject) => s.incr(key, (err, res) => (err ? reject(err) : resolve(res!)), windowMs, max));
  return { store: s, count, sizes };
}

describe('the leased rate-limit store', () => {
  it('counts a key used now and then exactly, one request per reservation, shared by instances', async () => {
    // A request a second, through two instances.
    let now = Date.now();
    const clock = () => now;
    const a = store({ now: clock });
    const b = store({ now: clock });
    const key = freshKey();
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      now += 1_000;
      seen.push((await (i % 2 ? b : a).count(key, 60_000, 1200)).current);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...a.sizes, ...b.sizes]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await redis.redis.get(`${redis.prefix}:rl:${key}`)).toBe('6');
    const ttl = await redis.redis.pttl(`${redis.prefix}:rl:${key}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('serves a busy key from reservations, each count handed out once', async () => {
    const a = store();
    const key = freshKey();
    const results = await Promise.all(Array.from({ length: 2000 }, () => a.count(key, 60_000, 1_000_000)));
    const counts = results.map((r) => r.current).sort((x, y) => x - y);
    expect(new Set(counts).size).toBe(2000);
    expect(counts[0]).toBe(1);
    // Far fewer round trips than requests, and never more counts reserved than the share of the limit allows.
    expect(a.sizes.length).toBeLessThan(100);
    expect(Math.max(...a.sizes)).toBeLessThanOrEqual(10_000);
    const reserved = Number(await redis.redis.get(`${redis.prefix}:rl:${key}`));
    expect(reserved).toBe(a.sizes.reduce((x, y) => x + y, 0));
    expect(reserved).toBeGreaterThanOrEqual(2000);
    for (const r of results) expect(r.ttl).toBeGreaterThan(0);
  });

  it('never lets more than the limit through, however many instances share a busy key', async () => {
    const max = 3000;
    const instances = [store(), store(), store()];
    const key = freshKey();
    const results = await Promise.all(instances.flatMap((s) => Array.from({ length: 1500 }, () => s.count(key, 60_000, max))));
    const allowed = results.filter((r) => r.current <= max).length;
    expect(allowed).toBeLessThanOrEqual(max);
    // What reservations cost: each instance may hold up to 1% of the limit unused.
    expect(allowed).toBeGreaterThanOrEqual(max - instances.length * max * 0.01);
    for (const s of instances) expect(Math.max(...s.sizes)).toBeLessThanOrEqual(max * 0.01);
  });

  it('starts a new count when the window ends, dropping counts reserved for the old one', async () => {
    const a = store({ leaseMs: 1_000 });
    const key = freshKey();
    // A busy start, so that the instance holds counts beyond the ones it used.
    await Promise.all(Array.from({ length: 50 }, () => a.count(key, 300, 1_000_000)));
    expect(Number(await redis.redis.get(`${redis.prefix}:rl:${key}`))).toBeGreaterThan(50);
    const next = await pollUntil(async () => {
      const r = await a.count(key, 300, 1_000_000);
      return r.current < 50 ? r : undefined;
    }, { timeoutMs: 5_000 });
    expect(next.current).toBe(1);
  });

  it('counts a route with limits of its own apart, under the route’s own key', async () => {
    const a = store();
    const key = freshKey();
    const route = a.store.child({ routeInfo: { method: 'POST', url: '/v1/cases/:id/payments' } });
    await a.count(key, 60_000, 1200);
    const own = await new Promise<number>((resolve, reject) => route.incr(key, (err, res) => (err ? reject(err) : resolve(res!.current)), 60_000, 1200));
    expect(own).toBe(1);
    expect(await redis.redis.get(`${redis.prefix}:rl:POST/v1/cases/:id/payments-${key}`)).toBe('1');
    expect(await redis.redis.get(`${redis.prefix}:rl:${key}`)).toBe('1');
  });

  it('forgets keys once their window has ended, and idle keys when too many addresses come at once', async () => {
    // Memory only: each key a window of its own, answered without Redis.
    let now = Date.now();
    const s = new LeasedRedisStore(async (_key, windowMs, n) => [n, windowMs], 'memory:', { now: () => now });
    const count = (key: string) => new Promise<void>((resolve, reject) => s.incr(key, (err) => (err ? reject(err) : resolve()), 60_000, 1200));
    await Promise.all(Array.from({ length: 10_000 }, (_, i) => count(`ip:10.0.${i >> 8}.${i & 255}`)));
    expect(s.size).toBe(10_000);
    now += 61_000;
    await count('ip:192.0.2.1');
    expect(s.size).toBe(1);
    // Within one window: past 100 000 keys, the idle ones go.
    await Promise.all(Array.from({ length: 100_000 }, (_, i) => count(`ip:2001:db8::${i.toString(16)}`)));
    expect(s.size).toBe(100_001);
    // Sweeps come at most once a second.
    now += 1_001;
    await count('ip:192.0.2.2');
    expect(s.size).toBe(1);
  });

  it('passes a Redis failure to every request waiting on the reservation', async () => {
    const failing = new LeasedRedisStore(() => Promise.reject(new Error('connection is closed')), `${redis.prefix}:rl:`);
    const key = freshKey();
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => new Promise<string>((resolve) => failing.incr(key, (err, res) => resolve(err ? err.message : `count ${res?.current}`), 60_000, 1200))),
    );
    expect(outcomes).toEqual(Array.from({ length: 5 }, () => 'connection is closed'));
  });
});
