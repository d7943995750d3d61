import { describe, expect, it } from 'vitest';
import { admin, businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const api = useApi();

describe('case life', () => {
  const checklist = { dueDateCorrect: true, specialTermsChecked: true, noComplaints: true, paymentMethodsWork: true };

  it('verifies a case after the invoice check, planning its steps, and previews them before', async () => {
    const creditor = await api.creditor();
    api.clock.set('2026-10-29T12:00:00Z');
    const opened = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice({ dueDate: '2026-10-30' })] } })).json();
    const preview = (await api.app.inject({ method: 'GET', url: `/v1/cases/${opened.id}/schedule`, headers: creditor.auth })).json();
    expect(preview.planned).toBe(false);
    expect(preview.steps.map((s: { day: string; status: string }) => [s.day, s.status])).toEqual([
      ['2026-11-02', 'preview'],
      ['2026-11-12', 'preview'],
      ['2026-11-19', 'preview'],
      ['2026-11-26', 'preview'],
      ['2026-12-10', 'preview'],
    ]);

    const refused = await api.app.inject({ method: 'POST', url: `/v1/cases/${opened.id}/verify`, headers: creditor.auth, payload: { ...checklist, noComplaints: false } });
    expect(problem(refused, 422).errors?.[0]?.pointer).toBe('/noComplaints');
    const verified = await api.app.inject({ method: 'POST', url: `/v1/cases/${opened.id}/verify`, headers: creditor.auth, payload: checklist });
    expect(verified.json().status).toBe('active');
    const schedule = (await api.app.inject({ method: 'GET', url: `/v1/cases/${opened.id}/schedule`, headers: creditor.auth })).json();
    expect(schedule.steps.map((s: { status: string }) => s.status)).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled', 'scheduled']);
    const again = await api.app.inject({ method: 'POST', url: `/v1/cases/${opened.id}/verify`, headers: creditor.auth, payload: checklist });
    expect(problem(again, 409).type).toBe('/problems/illegal-transition');
  });

  it('starts collecting at once for a creditor that verifies automatically', async () => {
    const created = (await api.app.inject({ method: 'POST', url: '/v1/admin/creditors', headers: admin, payload: { name: 'Auto AB', country: 'SE', autoVerify: true } })).json();
    const auth = { authorization: `Bearer ${created.apiKey.key}` };
    const opened = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: auth, payload: { debtor: businessDebtor(), invoices: [invoice()] } })).json();
    expect(opened.status).toBe('active');
    expect(opened.recentActivity[0].type).toBe('case.verified');
  });

  it('records disputes, pauses and closes, and refuses what the status does not allow', async () => {
    const creditor = await api.creditor();
    const opened = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice()] } })).json();
    const url = (action: string) => `/v1/cases/${opened.id}/${action}`;
    problem(await api.app.inject({ method: 'POST', url: url('dispute'), headers: creditor.auth, payload: {} }), 400);
    const disputed = await api.app.inject({ method: 'POST', url: url('dispute'), headers: creditor.auth, payload: { complaint: 'The goods arrived damaged' } });
    expect(disputed.json().status).toBe('on_hold');
    expect(disputed.json().recentActivity[0]).toMatchObject({ type: 'case.disputed', data: { note: 'The goods arrived damaged' } });
    problem(await api.app.inject({ method: 'POST', url: url('resume'), headers: creditor.auth, payload: {} }), 409);
    const resolved = await api.app.inject({ method: 'POST', url: url('resolve-dispute'), headers: creditor.auth, payload: { resolution: 'Replacement sent' } });
    expect(resolved.json().status).toBe('verification');
    await api.app.inject({ method: 'POST', url: url('verify'), headers: creditor.auth, payload: checklist });
    expect((await api.app.inject({ method: 'POST', url: url('pause'), headers: creditor.auth, payload: { reason: 'Customer on holiday' } })).json().status).toBe('on_hold');
    expect((await api.app.inject({ method: 'POST', url: url('resume'), headers: creditor.auth, payload: {} })).json().status).toBe('active');
    const closed = await api.app.inject({ method: 'POST', url: url('write-off'), headers: creditor.auth, payload: { reason: 'Debtor bankrupt' } });
    expect(closed.json()).toMatchObject({ status: 'closed', closeReason: 'written_off' });
    const schedule = (await api.app.inject({ method: 'GET', url: `/v1/cases/${opened.id}/schedule`, headers: creditor.auth })).json();
    expect(new Set(schedule.steps.map((s: { status: string }) => s.status))).toEqual(new Set(['cancelled']));
    problem(await api.app.inject({ method: 'POST', url: url('withdraw'), headers: creditor.auth, payload: {} }), 409);

    const events = await api.database.db.selectFrom('outbox').select('type').where('case_id', '=', opened.id).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(['case.created', 'case.disputed', 'case.dispute_resolved', 'case.verified', 'case.paused', 'case.resumed', 'case.closed']);
  });

  it('moves a running case to another policy, cancelling the old waiting steps', async () => {
    const creditor = await api.creditor();
    const quick = (
      await api.app.inject({
        method: 'POST',
        url: '/v1/policies',
        headers: creditor.auth,
        payload: { name: 'Letters only', steps: [{ key: 'letter', after: 'P5D', from: 'due_date', action: 'letter_reminder' }] },
      })
    ).json();
    const opened = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice()] } })).json();
    await api.app.inject({ method: 'POST', url: `/v1/cases/${opened.id}/verify`, headers: creditor.auth, payload: checklist });
    api.clock.advance(60_000);
    const moved = await api.app.inject({ method: 'PATCH', url: `/v1/cases/${opened.id}`, headers: creditor.auth, payload: { policyId: quick.id } });
    expect(moved.json().policyId).toBe(quick.id);
    const schedule = (await api.app.inject({ method: 'GET', url: `/v1/cases/${opened.id}/schedule`, headers: creditor.auth })).json();
    expect(schedule.policy).toEqual({ id: quick.id, version: 1 });
    expect(schedule.steps.map((s: { key: string; status: string }) => `${s.key}:${s.status}`)).toEqual([
      'friendly-reminder:cancelled',
      'reminder-letter:cancelled',
      'call:cancelled',
      'final-demand:cancelled',
      'hand-over:cancelled',
      'letter:scheduled',
    ]);
    problem(await api.app.inject({ method: 'PATCH', url: `/v1/cases/${opened.id}`, headers: creditor.auth, payload: { policyId: '00000000-0000-4000-8000-000000000000' } }), 404);
  });
});
