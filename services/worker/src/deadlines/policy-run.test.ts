import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { bullPrefix, handoverJobId, QUEUES } from '@fordra/jobs';
import { deleteKeysWithPrefix, pollUntil, actOnTestCase, openTestCase, verifyTestCase } from '@fordra/testkit';
import { useRunningWorker } from '../test/running-worker.js';

const { database, redis, clock, reconcile } = useRunningWorker('2026-10-29T12:00:00Z');
const db = () => database.db;

const deadlinesOf = (caseId: string) =>
  db().selectFrom('case_deadlines').select(['id', 'step_key', 'status', 'day', 'due_at']).where('case_id', '=', caseId).orderBy('step_index').execute();

async function stepDone(caseId: string, key: string) {
  await pollUntil(async () => ((await deadlinesOf(caseId)).find((d) => d.step_key === key)?.status === 'done' ? true : undefined), {
    what: `step ${key} to run`,
  });
}

describe('the worker carries a case along its policy', () => {
  it('runs the default policy step by step, in order, on Swedish business days', async () => {
    clock.set('2026-10-29T12:00:00Z');
    const { creditor, caseId } = await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30' });
    const planned = await verifyTestCase(db(), creditor.id, caseId, clock.now());
    expect(planned.map((d) => d.day)).toEqual(['2026-11-02', '2026-11-12', '2026-11-19', '2026-11-26', '2026-12-10']);

    for (const [i, step] of planned.entries()) {
      // A minute before the step is due nothing happens.
      clock.set(new Date(step.due_at.getTime() - 60_000));
      const before = await deadlinesOf(caseId);
      expect(before[i]?.status).toBe('scheduled');
      clock.set(step.due_at);
      await stepDone(caseId, step.step_key);
      const after = await deadlinesOf(caseId);
      expect(after.slice(i + 1).every((d) => d.status === 'scheduled')).toBe(true);
    }

    const notifications = await db().selectFrom('notifications').select(['channel', 'template', 'attach_invoice', 'language']).where('case_id', '=', caseId).orderBy('created_at').execute();
    expect(notifications).toEqual([
      { channel: 'email', template: 'friendly_reminder', attach_invoice: true, language: 'sv' },
      { channel: 'letter', template: 'reminder_letter', attach_invoice: true, language: 'sv' },
      { channel: 'letter', template: 'final_demand', attach_invoice: false, language: 'sv' },
    ]);
    const tasks = await db().selectFrom('tasks').select(['kind', 'due_date', 'assignee']).where('case_id', '=', caseId).execute();
    expect(tasks).toEqual([{ kind: 'call', due_date: '2026-11-19', assignee: 'anna' }]);
    const caseRow = await db().selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(caseRow.status).toBe('escalated');
    const events = await db().selectFrom('outbox').select('type').where('case_id', '=', caseId).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(['case.verified', 'task.created', 'case.escalated']);
    // The escalation's hand-over goes to the notifier at once, not at its next reconciliation.
    const handover = await db().selectFrom('handovers').select(['id', 'status']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
    expect(handover.status).toBe('pending');
    const handovers = new Queue(QUEUES.handovers, { connection: redis.redis, prefix: bullPrefix(redis.prefix) });
    try {
      expect(await handovers.getJob(handoverJobId(handover.id))).toBeDefined();
    } finally {
      await handovers.close();
    }
  });

  it('loses no step and runs none twice when Redis loses every key mid-run', async () => {
    clock.set('2026-10-29T12:00:00Z');
    const { creditor, caseId } = await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30' });
    const planned = await verifyTestCase(db(), creditor.id, caseId, clock.now());
    clock.set(planned[0]!.due_at);
    await stepDone(caseId, planned[0]!.step_key);
    // The next step's job is waiting in Redis when everything there is lost (as after FLUSHALL).
    clock.set(new Date(planned[1]!.due_at.getTime() - 5 * 60_000));
    await pollUntil(async () => ((await redis.redis.keys(`${redis.prefix}:bull:deadlines:*`)).length > 0 ? true : undefined), { what: 'the job to be in Redis' });
    await deleteKeysWithPrefix(redis.redis, redis.prefix);
    for (const step of planned.slice(1)) {
      clock.set(step.due_at);
      await stepDone(caseId, step.step_key);
    }
    const runs = await db().selectFrom('case_activity').select('data').where('case_id', '=', caseId).where('type', '=', 'step.completed').execute();
    expect(runs.map((r) => (r.data as { step: string }).step)).toEqual(planned.map((d) => d.step_key));
    const sent = await db().selectFrom('notifications').select('deadline_id').where('case_id', '=', caseId).execute();
    expect(sent).toHaveLength(3);
  });

  it('holds the schedule while paused or disputed, and moves it by the hold when resumed', async () => {
    clock.set('2026-10-29T12:00:00Z');
    const { creditor, caseId } = await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30' });
    const planned = await verifyTestCase(db(), creditor.id, caseId, clock.now());
    clock.set(planned[0]!.due_at);
    await stepDone(caseId, planned[0]!.step_key);

    // Paused on Tuesday 3 November; the letter (due 12 November) must not go out during the pause.
    clock.set('2026-11-03T10:00:00Z');
    await actOnTestCase(db(), creditor.id, caseId, 'pause', clock.now());
    clock.set('2026-11-13T10:00:00Z');
    expect(await reconcile()).toBe(0);
    expect((await deadlinesOf(caseId))[1]?.status).toBe('scheduled');

    // Resumed after exactly 14 days: every waiting step moves 14 days; the hand-over would land on
    // Christmas Eve, a day off for deadlines, and moves on to Monday 28 December.
    clock.set('2026-11-17T10:00:00Z');
    await actOnTestCase(db(), creditor.id, caseId, 'resume', clock.now());
    expect((await deadlinesOf(caseId)).map((d) => d.day)).toEqual(['2026-11-02', '2026-11-26', '2026-12-03', '2026-12-10', '2026-12-28']);

    // A dispute holds it the same way; nothing runs while it is open.
    clock.set('2026-11-20T10:00:00Z');
    await actOnTestCase(db(), creditor.id, caseId, 'dispute', clock.now());
    clock.set('2026-11-27T10:00:00Z');
    expect(await reconcile()).toBe(0);
    expect((await deadlinesOf(caseId))[1]?.status).toBe('scheduled');
    await actOnTestCase(db(), creditor.id, caseId, 'resolve_dispute', clock.now());
    const afterDispute = await deadlinesOf(caseId);
    expect(afterDispute[1]?.day).toBe('2026-12-03');
    clock.set(afterDispute[1]!.due_at);
    await stepDone(caseId, afterDispute[1]!.step_key);
  });

  it('cancels what is pending when the case closes', async () => {
    clock.set('2026-10-29T12:00:00Z');
    const { creditor, caseId } = await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30' });
    await verifyTestCase(db(), creditor.id, caseId, clock.now());
    await actOnTestCase(db(), creditor.id, caseId, 'withdraw', clock.now());
    expect((await deadlinesOf(caseId)).map((d) => d.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
  });

  it('runs a burst of steps falling due at once, each once', async () => {
    clock.set('2026-10-29T12:00:00Z');
    const opened = [];
    for (let i = 0; i < 30; i++) opened.push(await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30' }));
    const planned = [];
    for (const o of opened) planned.push(await verifyTestCase(db(), o.creditor.id, o.caseId, clock.now()));
    clock.set(planned[0]![0]!.due_at);
    const caseIds = opened.map((o) => o.caseId);
    const first = planned.map((p) => p[0]!.id);
    await pollUntil(async () => {
      const rows = await db().selectFrom('case_deadlines').select('status').where('id', 'in', first).execute();
      return rows.every((r) => r.status === 'done') ? true : undefined;
    }, { what: 'all 30 first steps to run', timeoutMs: 20_000 });
    const sent = await db().selectFrom('notifications').select(['case_id', 'deadline_id']).where('case_id', 'in', caseIds).execute();
    expect(sent).toHaveLength(30);
    expect(new Set(sent.map((n) => n.deadline_id))).toEqual(new Set(first));
    const runs = await db().selectFrom('case_activity').select('case_id').where('case_id', 'in', caseIds).where('type', '=', 'step.completed').execute();
    expect(runs).toHaveLength(30);
    // Only the first step of each case ran: the second is not due yet.
    const second = await db().selectFrom('case_deadlines').select('status').where('id', 'in', planned.map((p) => p[1]!.id)).execute();
    expect(second.every((r) => r.status === 'scheduled')).toBe(true);
  });
});
