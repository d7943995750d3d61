import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { holdRowLock, openTestCase, pollUntil, startService, useTestDatabase, useTestRedis, verifyTestCase, type RowLock, type RunningService } from '@fordra/testkit';

const database = useTestDatabase();
const redis = useTestRedis();
const cwd = fileURLToPath(new URL('../..', import.meta.url));
const workers: RunningService[] = [];
const locks: RowLock[] = [];

afterAll(async () => {
  await Promise.all(locks.map((l) => l.release()));
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
});

const STEPS = [
  { key: 'email', after: 'PT1S', from: 'due_date' as const, action: 'email_reminder' as const },
  { key: 'letter', after: 'PT1S', action: 'letter_reminder' as const },
  { key: 'call', after: 'PT1S', action: 'call_task' as const },
  { key: 'demand', after: 'PT1S', action: 'final_demand' as const },
];

describe('two worker processes on one Redis and Postgres', () => {
  it('run every step exactly once, even when one is killed in the middle of a step', async () => {
    // A creditor without legal guard rails, so the policy can run in seconds of real time.
    const now = new Date();
    const { creditor, caseId } = await openTestCase(database.db, { now, country: 'GB', timeZone: 'UTC', dueDate: '2026-09-30', steps: STEPS });
    await verifyTestCase(database.db, creditor.id, caseId, now);

    // Hold the case row, so that the first worker to take the first step waits inside its transaction.
    const blocker = await holdRowLock(database.url, 'SELECT id FROM cases WHERE id = $1 FOR UPDATE', [caseId]);
    locks.push(blocker);

    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info', RECONCILE_INTERVAL_MS: '200', JOB_LOCK_MS: '2000' };
    for (let i = 0; i < 2; i++) workers.push(startService('src/main.ts', env, cwd));
    await Promise.all(workers.map((w) => w.waitFor(/worker ready/)));

    const stuck = await pollUntil(
      async () => {
        const [waiting] = await blocker.waiters('fordra-worker-%');
        return waiting ? Number(waiting.replace('fordra-worker-', '')) : undefined;
      },
      { what: 'a worker to be inside the first step', timeoutMs: 20_000 },
    );
    const victim = workers.find((w) => w.child.pid === stuck);
    expect(victim).toBeDefined();
    expect(await victim!.stop('SIGKILL')).toBeNull();
    await blocker.release();

    const done = await pollUntil(
      async () => {
        const rows = await database.db.selectFrom('case_deadlines').select(['step_key', 'status']).where('case_id', '=', caseId).orderBy('step_index').execute();
        return rows.every((r) => r.status === 'done') ? rows : undefined;
      },
      { what: 'every step to run', timeoutMs: 30_000 },
    );
    expect(done.map((r) => r.step_key)).toEqual(['email', 'letter', 'call', 'demand']);

    // Once each, and in the policy's order: no step overtook the one held up by the killed worker.
    const runs = await database.db.selectFrom('case_activity').select('data').where('case_id', '=', caseId).where('type', '=', 'step.completed').orderBy('id').execute();
    expect(runs.map((r) => (r.data as { step: string }).step)).toEqual(['email', 'letter', 'call', 'demand']);
    const notifications = await database.db.selectFrom('notifications').select('channel').where('case_id', '=', caseId).orderBy('created_at').execute();
    expect(notifications.map((n) => n.channel)).toEqual(['email', 'letter', 'letter']);
    const tasks = await database.db.selectFrom('tasks').select('id').where('case_id', '=', caseId).execute();
    expect(tasks).toHaveLength(1);
  });
});
