import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotency } from '@fordra/db';
import { ManualClock } from '@fordra/domain';
import { bullPrefix, QUEUES } from '@fordra/jobs';
import { createLogger } from '@fordra/runtime';
import { pollUntil, useTestDatabase, useTestRedis } from '@fordra/testkit';
import { PURGE_JOB, startHousekeeping } from './queue.js';

const database = useTestDatabase();
const redis = useTestRedis();
const clock = new ManualClock('2026-11-24T10:00:00Z');
let housekeeping: Awaited<ReturnType<typeof startHousekeeping>>;

beforeAll(async () => {
  housekeeping = await startHousekeeping({
    db: database.db,
    clock,
    logger: createLogger({ name: 'test', level: 'silent', pretty: false }),
    connection: redis.redis,
    prefix: bullPrefix(redis.prefix),
  });
});

afterAll(async () => {
  await housekeeping?.close();
});

describe('housekeeping', () => {
  it('declares one hourly schedule, however many workers start', async () => {
    const schedulers = await housekeeping.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([[PURGE_JOB, '3600000']].map(([k, e]) => [k, Number(e)]));
    expect(housekeeping.queue.name).toBe(QUEUES.housekeeping);
  });

  it('purges expired idempotency keys through the queue', async () => {
    const claim = (key: string, now: Date) =>
      idempotency.claimIdempotencyKey(database.db, { owner: 'admin', key, fingerprint: 'f', now, lockMs: 1000, ttlMs: 86_400_000 });
    await claim('old', new Date('2026-11-22T10:00:00Z'));
    await claim('fresh', new Date('2026-11-24T09:00:00Z'));
    await housekeeping.queue.add(PURGE_JOB, {}, { jobId: 'purge-now' });
    const left = await pollUntil(async () => {
      const rows = await database.db.selectFrom('idempotency_keys').select('key').execute();
      return rows.length === 1 ? rows.map((r) => r.key) : undefined;
    }, { what: 'the expired key to be purged' });
    expect(left).toEqual(['fresh']);
  });
});
