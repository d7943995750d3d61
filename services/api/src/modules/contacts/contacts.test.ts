import { describe, expect, it } from 'vitest';
import { businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const api = useApi();
const checklist = { dueDateCorrect: true, specialTermsChecked: true, noComplaints: true, paymentMethodsWork: true };

/** An active case (verified on 2026-11-02, its first reminder sent) handled by `handler`. */
async function activeCase(handler = 'anna@acme.example') {
  api.clock.set('2026-11-02T10:00:00Z');
  const creditor = await api.creditor();
  const opened = (
    await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), handler, invoices: [invoice({ dueDate: '2026-10-30' })] } })
  ).json();
  const verified = await api.app.inject({ method: 'POST', url: `/v1/cases/${opened.id}/verify`, headers: creditor.auth, payload: checklist });
  expect(verified.statusCode).toBe(200);
  const post = (body: Record<string, unknown>) => api.app.inject({ method: 'POST', url: `/v1/cases/${opened.id}/contacts`, headers: creditor.auth, payload: body });
  const read = async () => (await api.app.inject({ url: `/v1/cases/${opened.id}`, headers: creditor.auth })).json();
  return { creditor, caseId: opened.id as string, post, read };
}

const unanswered = { channel: 'phone', direction: 'outbound', reached: 'no_answer', outcome: 'no_contact' };

describe('contacts and tasks', () => {
  it('records an unanswered call, and its next call becomes a task for the handler', async () => {
    const { creditor, caseId, post } = await activeCase();
    const logged = await post({ ...unanswered, nextStep: { action: 'call_again', date: '2026-11-03', note: 'try the mobile' } });
    expect(logged.statusCode).toBe(201);
    const contact = logged.json();
    expect(contact).toMatchObject({ caseId, reached: 'no_answer', outcome: 'no_contact', nextStep: { action: 'call_again', date: '2026-11-03' } });
    expect(contact.openedTaskIds).toHaveLength(1);

    const list = (await api.app.inject({ url: '/v1/tasks?assignee=anna@acme.example&status=open&dueOnOrBefore=2026-11-03', headers: creditor.auth })).json();
    expect(list.items).toEqual([expect.objectContaining({ id: contact.openedTaskIds[0], kind: 'call', dueDate: '2026-11-03', note: 'try the mobile', status: 'open' })]);
    const later = (await api.app.inject({ url: '/v1/tasks?dueOnOrBefore=2026-11-02', headers: creditor.auth })).json();
    expect(later.items).toEqual([]);
    const contacts = (await api.app.inject({ url: `/v1/cases/${caseId}/contacts`, headers: creditor.auth })).json();
    expect(contacts.items.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    const events = await api.database.db.selectFrom('outbox').select('type').where('case_id', '=', caseId).where('type', 'in', ['contact.logged', 'task.created']).execute();
    expect(events.map((e) => e.type).sort()).toEqual(['contact.logged', 'task.created']);
  });

  it('closes a task only with an outcome and a next step, and only once', async () => {
    const { creditor, post } = await activeCase();
    const taskId = (await post({ ...unanswered, nextStep: { action: 'call_again', date: '2026-11-03' } })).json().openedTaskIds[0];

    const withoutNext = problem(await post({ ...unanswered, taskId }), 422);
    expect(withoutNext.errors).toEqual([expect.objectContaining({ pointer: '/nextStep' })]);
    const stillOpen = (await api.app.inject({ url: `/v1/tasks/${taskId}`, headers: creditor.auth })).json();
    expect(stillOpen.status).toBe('open');

    const answered = await post({ channel: 'phone', direction: 'outbound', reached: 'debtor', outcome: 'call_back', taskId, nextStep: { action: 'call_again', date: '2026-11-05' } });
    expect(answered.statusCode).toBe(201);
    const done = (await api.app.inject({ url: `/v1/tasks/${taskId}`, headers: creditor.auth })).json();
    expect(done).toMatchObject({ status: 'done', outcome: 'call_back', contactId: answered.json().id, nextStep: { action: 'call_again', date: '2026-11-05' } });
    expect(done.completedAt).not.toBeNull();

    const again = problem(await post({ ...unanswered, taskId, nextStep: { action: 'call_again', date: '2026-11-06' } }), 409);
    expect(again.detail).toMatch(/already done/);
    const reassign = problem(await api.app.inject({ method: 'PATCH', url: `/v1/tasks/${taskId}`, headers: creditor.auth, payload: { assignee: 'bo' } }), 409);
    expect(reassign.type).toBe('/problems/conflict');
  });

  it('reassigns an open task and moves its day', async () => {
    const { creditor, post } = await activeCase();
    const taskId = (await post({ ...unanswered, nextStep: { action: 'meeting', date: '2026-11-10' } })).json().openedTaskIds[0];
    const moved = await api.app.inject({ method: 'PATCH', url: `/v1/tasks/${taskId}`, headers: creditor.auth, payload: { assignee: 'bo@acme.example', dueDate: '2026-11-11' } });
    expect(moved.json()).toMatchObject({ kind: 'meeting', assignee: 'bo@acme.example', dueDate: '2026-11-11' });
    problem(await api.app.inject({ method: 'PATCH', url: `/v1/tasks/${taskId}`, headers: creditor.auth, payload: {} }), 400);
  });

  it('opens a verification item for a small problem and holds the reminders until it is solved', async () => {
    const { creditor, post, read } = await activeCase();
    const found = await post({ channel: 'phone', direction: 'inbound', reached: 'debtor', outcome: 'problem_found', lateReason: 'invoice_wrong', notes: 'wrong VAT rate', nextStep: { action: 'solve_problem', date: '2026-11-04' } });
    expect(found.statusCode).toBe(201);
    expect(found.json()).toMatchObject({ lateReason: 'invoice_wrong', lateReasonGroup: 'small' });
    const [itemId] = found.json().openedTaskIds;
    expect((await read()).status).toBe('on_hold');
    const item = (await api.app.inject({ url: `/v1/tasks/${itemId}`, headers: creditor.auth })).json();
    expect(item).toMatchObject({ kind: 'verification', status: 'open' });
    expect(item.note).toMatch(/invoice wrong.*wrong VAT rate/);

    api.clock.set('2026-11-04T10:00:00Z');
    const solved = await post({ channel: 'email', direction: 'outbound', reached: 'debtor', outcome: 'call_back', taskId: itemId, notes: 'corrected invoice sent', nextStep: { action: 'continue_policy', date: '2026-11-04' } });
    expect(solved.statusCode).toBe(201);
    expect((await read()).status).toBe('active');
  });

  it('opens a dispute when the debtor is unhappy with the goods', async () => {
    const { post, read } = await activeCase();
    const disputed = await post({ channel: 'phone', direction: 'inbound', reached: 'debtor', outcome: 'dispute', lateReason: 'unhappy_with_goods', openDispute: true, notes: 'the delivery was damaged' });
    expect(disputed.statusCode).toBe(201);
    expect(disputed.json().lateReasonGroup).toBe('large');
    expect(await read()).toMatchObject({ status: 'on_hold' });
  });

  it('refuses contacts that do not add up, with each reason', async () => {
    const { post } = await activeCase();
    const noAgreement = problem(await post({ channel: 'phone', direction: 'outbound', reached: 'debtor', outcome: 'agreement' }), 422);
    expect(noAgreement.errors?.map((e) => e.pointer)).toContain('/agreement');
    const nobody = problem(await post({ channel: 'phone', direction: 'outbound', reached: 'wrong_person', outcome: 'call_back' }), 422);
    expect(nobody.errors?.map((e) => e.pointer)).toContain('/outcome');
    const disputeWithoutReason = problem(await post({ channel: 'phone', direction: 'outbound', reached: 'debtor', outcome: 'dispute', openDispute: true }), 422);
    expect(disputeWithoutReason.errors?.map((e) => e.pointer)).toContain('/openDispute');
    const past = problem(await post({ ...unanswered, nextStep: { action: 'call_again', date: '2026-11-01' } }), 422);
    expect(past.errors?.map((e) => e.pointer)).toContain('/nextStep/date');
    problem(await post({ ...unanswered, channel: 'pigeon' }), 400);
    problem(await post({ ...unanswered, taskId: '00000000-0000-4000-8000-000000000000', nextStep: { action: 'call_again', date: '2026-11-03' } }), 422);
  });
});
