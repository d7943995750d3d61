import { fileURLToPath } from 'node:url';
import { Job, Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { bullPrefix, notificationJobId, QUEUES } from '@fordra/jobs';
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

/** Cases whose steps fall due together, in waves a few seconds apart. */
const CASES = 200;
const STEPS = [
  { key: 'call', after: 'PT1S', from: 'due_date' as const, action: 'call_task' as const },
  { key: 'email', after: 'PT2S', action: 'email_reminder' as const },
  { key: 'letter', after: 'PT2S', action: 'letter_reminder' as const },
  { key: 'demand', after: 'PT2S', action: 'final_demand' as const },
];
/** closeOnSignals' grace period. */
const GRACE_MS = 20_000;
/** A job whose worker vanished would sit stalled this long: everything must be done well before. */
const JOB_LOCK_MS = 30_000;

describe('a worker stopped with SIGTERM in the middle of a burst of due steps', () => {
  it('finishes the steps it runs, hands everything else to the next worker, and no step runs twice or stalls', { timeout: 120_000 }, async () => {
    // Creditors without legal guard rails, so that the policy runs in seconds of real time.
    const now = new Date();
    const opened: { creditorId: string; caseId: string }[] = [];
    for (let i = 0; i < CASES; i += 10) {
      const some = await Promise.all(
        Array.from({ length: Math.min(10, CASES - i) }, () => openTestCase(database.db, { now, country: 'GB', timeZone: 'UTC', dueDate: '2026-09-30', steps: STEPS })),
      );
      opened.push(...some.map((o) => ({ creditorId: o.creditor.id, caseId: o.caseId })));
    }
    // Verified together: every case's first step is due at once, the later ones in waves.
    const start = new Date();
    for (let i = 0; i < CASES; i += 10) {
      await Promise.all(opened.slice(i, i + 10).map((o) => verifyTestCase(database.db, o.creditorId, o.caseId, start)));
    }
    const total = CASES * STEPS.length;
    const doneCount = async () =>
      Number((await database.db.selectFrom('case_deadlines').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'done').executeTakeFirstOrThrow()).n);

    // Hold one case's creditor row: the batch of due steps that includes that case cannot write the
    // case's call task (its key check waits for the lock), so the worker is in the middle of the
    // first wave, its steps claimed and none committed, when the signal comes.
    const heldCreditor = opened[0]!.creditorId;
    const blocker = await holdRowLock(database.url, 'SELECT id FROM creditors WHERE id = $1 FOR UPDATE', [heldCreditor]);
    locks.push(blocker);

    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info', RECONCILE_INTERVAL_MS: '60000', JOB_LOCK_MS: String(JOB_LOCK_MS) };
    const first = startService('src/main.ts', env, cwd);
    workers.push(first);
    await first.waitFor(/worker ready/);
    await pollUntil(
      async () => ((await blocker.waiters(`fordra-worker-${first.child.pid}`)).length > 0 ? true : undefined),
      { what: 'the worker to be inside the first wave', timeoutMs: 20_000 },
    );
    const beforeSignal = await doneCount();
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    const firstExit = first.exit(GRACE_MS + 5_000);
    await first.waitFor(/"msg":"shutting down"/);
    // The steps under way are finished, not dropped: the worker is still there to finish them.
    expect(first.child.exitCode).toBeNull();
    await blocker.release();
    const code = await firstExit;
    const exitedAfterMs = Date.now() - signalled;
    expect(code, first.output()).toBe(0);
    expect(exitedAfterMs).toBeLessThan(GRACE_MS);
    expect(first.output()).toMatch(/"msg":"stopped"/);
    // The wave under way is done, the held case's step with it, by the worker that had it.
    const firstWave = await database.db.selectFrom('case_deadlines').select('status').where('step_key', '=', 'call').execute();
    expect(firstWave.filter((d) => d.status !== 'done')).toEqual([]);
    const byFirst = await doneCount();
    expect(byFirst).toBeGreaterThan(beforeSignal);

    // A second worker takes over the rest of the burst; nothing waits for a lock to run out.
    const secondStarted = Date.now();
    const second = startService('src/main.ts', env, cwd);
    workers.push(second);
    await pollUntil(async () => ((await doneCount()) === total ? true : undefined), { what: 'every step to run', timeoutMs: 20_000 });
    const finishedAfterMs = Date.now() - secondStarted;
    expect(finishedAfterMs).toBeLessThan(JOB_LOCK_MS);

    // Every step once: one completion per step, one notification per sending step, one task per call.
    const completed = await database.db.selectFrom('case_activity').select(['case_id', 'data']).where('type', '=', 'step.completed').execute();
    const runs = new Map<string, number>();
    for (const c of completed) {
      const key = `${c.case_id}/${(c.data as { step: string }).step}`;
      runs.set(key, (runs.get(key) ?? 0) + 1);
    }
    expect(runs.size).toBe(total);
    expect([...runs].filter(([, n]) => n !== 1)).toEqual([]);
    const sending = await database.db.selectFrom('case_deadlines').select('id').where('action', 'in', ['email_reminder', 'letter_reminder', 'final_demand']).execute();
    const notifications = await database.db.selectFrom('notifications').select(['id', 'deadline_id']).execute();
    const perDeadline = new Map<string, number>();
    for (const n of notifications) perDeadline.set(n.deadline_id ?? 'none', (perDeadline.get(n.deadline_id ?? 'none') ?? 0) + 1);
    expect(sending).toHaveLength(CASES * 3);
    expect(sending.filter((d) => perDeadline.get(d.id) !== 1).map((d) => d.id)).toEqual([]);
    expect(notifications).toHaveLength(CASES * 3);
    const tasks = await database.db.selectFrom('tasks').select('case_id').execute();
    expect(tasks).toHaveLength(CASES);
    expect(new Set(tasks.map((t) => t.case_id)).size).toBe(CASES);

    // Nothing left behind in Redis: no step job active, stalled or failed, and every message
    // handed to the notifier's queue by whichever worker ran its step.
    const prefix = bullPrefix(redis.prefix);
    const deadlineQueue = new Queue(QUEUES.deadlines, { connection: redis.redis, prefix });
    const notificationQueue = new Queue(QUEUES.notifications, { connection: redis.redis, prefix });
    try {
      const counts = await pollUntil(
        async () => {
          const c = await deadlineQueue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'failed', 'paused');
          return Object.values(c).every((n) => n === 0) ? c : undefined;
        },
        { what: 'the deadline queue to empty', timeoutMs: JOB_LOCK_MS - finishedAfterMs - 2_000 },
      );
      expect(counts.active).toBe(0);
      const jobs = await Promise.all(notifications.map((n) => Job.fromId(notificationQueue, notificationJobId(n.id))));
      expect(notifications.filter((_, i) => !jobs[i]).map((n) => n.id)).toEqual([]);
    } finally {
      await deadlineQueue.close();
      await notificationQueue.close();
    }
    expect(await second.stop('SIGTERM')).toBe(0);

    console.info(
      `worker under SIGTERM: ${total} steps of ${CASES} cases; ${beforeSignal} ran before the signal, ${byFirst - beforeSignal} while the first worker drained ` +
        `(it exited 0 ${exitedAfterMs} ms after the signal), ${total - byFirst} by the second worker within ${finishedAfterMs} ms of its start; ` +
        `${completed.length} completions, ${notifications.length} notifications, ${tasks.length} tasks, each exactly once`,
    );
  });
});
