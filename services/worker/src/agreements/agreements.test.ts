import { describe, expect, it } from 'vitest';
import type { AgreementRequest } from '@fordra/collection';
import { agreeOnTestCase, openTestCase, pollUntil, verifyTestCase } from '@fordra/testkit';
import { useRunningWorker } from '../test/running-worker.js';

const { database, clock } = useRunningWorker('2026-10-29T12:00:00Z');
const db = () => database.db;

const deadlinesOf = (caseId: string) =>
  db().selectFrom('case_deadlines').select(['step_key', 'status', 'day', 'due_at', 'outcome']).where('case_id', '=', caseId).orderBy('step_index').execute();

/** A case under the default policy whose friendly reminder went out on 2026-11-02, with an agreement made the next day. */
async function caseWithAgreement(request: AgreementRequest) {
  clock.set('2026-10-29T12:00:00Z');
  const { creditor, caseId } = await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30' });
  const planned = await verifyTestCase(db(), creditor.id, caseId, clock.now());
  clock.set(planned[0]!.due_at);
  await pollUntil(async () => ((await deadlinesOf(caseId))[0]?.status === 'done' ? true : undefined), { what: 'the friendly reminder' });
  clock.set('2026-11-03T10:00:00Z');
  const made = await agreeOnTestCase(db(), creditor.id, caseId, request, clock.now());
  return { creditor, caseId, agreementId: made.agreement.id };
}

describe('the worker keeps agreements', () => {
  it('finds a promise broken the morning after and sends the final demand that day, the policy going on from there', async () => {
    const { caseId, agreementId } = await caseWithAgreement({
      kind: 'promise',
      instalments: [{ dueDate: '2026-11-10', amountMinor: 125_000 }],
      followUpDate: '2026-11-11',
      fallback: { action: 'final_demand' },
    });
    const held = await db().selectFrom('cases').select(['status', 'hold_reason']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(held).toEqual({ status: 'on_hold', hold_reason: 'agreement' });

    // Nothing runs while the promise stands, not even the reminder letter that was due on 2026-11-12.
    clock.set('2026-11-11T07:59:00Z');
    const before = await db().selectFrom('agreements').select('status').where('id', '=', agreementId).executeTakeFirstOrThrow();
    expect(before.status).toBe('active');

    clock.set('2026-11-11T08:00:00Z');
    await pollUntil(
      async () => {
        const finalDemand = (await deadlinesOf(caseId)).find((d) => d.step_key === 'final-demand');
        return finalDemand?.status === 'done' ? finalDemand : undefined;
      },
      { what: 'the final demand step to run' },
    );
    const steps = await deadlinesOf(caseId);
    expect(steps.map((d) => [d.step_key, d.status])).toEqual([
      ['friendly-reminder', 'done'],
      ['reminder-letter', 'skipped'],
      ['call', 'skipped'],
      ['final-demand', 'done'],
      ['hand-over', 'scheduled'],
    ]);
    expect(steps[3]!.due_at.toISOString()).toBe('2026-11-11T08:00:00.000Z');
    // The hand-over keeps its two weeks after the final demand.
    expect(steps[4]!.day).toBe('2026-11-25');
    const letters = await db().selectFrom('notifications').select(['template', 'channel', 'created_at']).where('case_id', '=', caseId).where('template', '=', 'final_demand').execute();
    expect(letters).toEqual([{ template: 'final_demand', channel: 'letter', created_at: new Date('2026-11-11T08:00:00Z') }]);
    const events = await db().selectFrom('outbox').select('type').where('case_id', '=', caseId).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['agreement.made', 'agreement.broken']));
  });

  it('opens the follow-up task on the agreed day while an instalment plan is being kept', async () => {
    const { caseId, agreementId } = await caseWithAgreement({
      kind: 'instalment_plan',
      instalments: [
        { dueDate: '2026-11-20', amountMinor: 60_000 },
        { dueDate: '2026-12-21', amountMinor: 65_000 },
      ],
      followUpDate: '2026-11-13',
      fallback: { action: 'hand_over' },
    });
    clock.set('2026-11-13T08:00:00Z');
    const task = await pollUntil(
      async () => db().selectFrom('tasks').selectAll().where('case_id', '=', caseId).where('kind', '=', 'follow_up').executeTakeFirst(),
      { what: 'the follow-up task' },
    );
    expect(task).toMatchObject({ agreement_id: agreementId, due_date: '2026-11-13', assignee: 'anna', status: 'open' });
    const agreement = await db().selectFrom('agreements').select(['status', 'follow_up_task_id']).where('id', '=', agreementId).executeTakeFirstOrThrow();
    expect(agreement).toEqual({ status: 'active', follow_up_task_id: task.id });
  });
});
