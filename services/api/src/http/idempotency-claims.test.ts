import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@fordra/testkit';
import { idempotency } from '@fordra/db';

const { claimIdempotencyKey, completeIdempotencyKey, purgeExpiredIdempotencyKeys } = idempotency;

const database = useTestDatabase();
const t0 = new Date('2026-11-24T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const request = (key: string, now: Date, fingerprint = 'f1') => ({ owner: 'creditor:test', key, fingerprint, now, lockMs: 60_000, ttlMs: 86_400_000 });

describe('idempotency key claims', () => {
  it('lets a retry take over a claim whose request died, and refuses the dead request its completion', async () => {
    const first = await claimIdempotencyKey(database.db, request('k1', t0));
    expect(first.kind).toBe('claimed');
    expect((await claimIdempotencyKey(database.db, request('k1', at(30_000)))).kind).toBe('in_flight');
    const takeover = await claimIdempotencyKey(database.db, request('k1', at(61_000)));
    expect(takeover.kind).toBe('claimed');

    const claim = (c: typeof first) => ({ owner: 'creditor:test', key: 'k1', token: c.kind === 'claimed' ? c.token : '' });
    expect(await completeIdempotencyKey(database.db, claim(first), { status: 201, body: { late: true } })).toBe(false);
    expect(await completeIdempotencyKey(database.db, claim(takeover), { status: 201, body: { id: 'x' } })).toBe(true);
    expect(await claimIdempotencyKey(database.db, request('k1', at(62_000)))).toEqual({ kind: 'replay', status: 201, body: { id: 'x' } });
  });

  it('does not let another request take over a dead claim', async () => {
    await claimIdempotencyKey(database.db, request('k2', t0));
    expect((await claimIdempotencyKey(database.db, request('k2', at(61_000), 'f2'))).kind).toBe('mismatch');
  });

  it('purges expired keys only', async () => {
    await claimIdempotencyKey(database.db, request('k3', t0));
    await claimIdempotencyKey(database.db, request('k4', at(3_600_000)));
    const purged = await purgeExpiredIdempotencyKeys(database.db, at(86_400_000 + 1));
    expect(purged).toBeGreaterThanOrEqual(1);
    const left = await database.db.selectFrom('idempotency_keys').select('key').where('key', 'in', ['k3', 'k4']).execute();
    expect(left.map((r) => r.key)).toEqual(['k4']);
  });
});
