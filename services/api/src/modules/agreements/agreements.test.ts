import { describe, expect, it } from 'vitest';
import { agreementToken, runInstalmentCheck } from '@fordra/collection';
import { businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const SECRET = 'test-agreement-link-secret-0123456789';
const api = useApi({ AGREEMENT_LINK_SECRET: SECRET });
const checklist = { dueDateCorrect: true, specialTermsChecked: true, noComplaints: true, paymentMethodsWork: true };

/** An active case of 1 250,00 SEK (due 2026-10-30, verified 2026-11-02). */
async function activeCase(profile: Record<string, unknown> = {}) {
  api.clock.set('2026-11-02T10:00:00Z');
  const creditor = await api.creditor();
  if (Object.keys(profile).length) await api.app.inject({ method: 'PATCH', url: '/v1/creditor', headers: creditor.auth, payload: profile });
  const opened = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), handler: 'anna', invoices: [invoice({ dueDate: '2026-10-30' })] } })).json();
  await api.app.inject({ method: 'POST', url: `/v1/cases/${opened.id}/verify`, headers: creditor.auth, payload: checklist });
  const caseId = opened.id as string;
  return {
    creditor,
    caseId,
    agree: (body: Record<string, unknown>) => api.app.inject({ method: 'POST', url: `/v1/cases/${caseId}/agreements`, headers: creditor.auth, payload: body }),
    pay: (amount: number, paidOn: string) => api.app.inject({ method: 'POST', url: `/v1/cases/${caseId}/payments`, headers: creditor.auth, payload: { amount, currency: 'SEK', paidOn, method: 'bank_transfer' } }),
    read: async () => (await api.app.inject({ url: `/v1/cases/${caseId}`, headers: creditor.auth })).json(),
  };
}

const promise = (over: Record<string, unknown> = {}) => ({
  kind: 'promise',
  instalments: [{ dueDate: '2026-11-10', amount: 125_000 }],
  followUpDate: '2026-11-11',
  fallback: { action: 'offer_instalment_plan' },
  ...over,
});

const checkAll = async (agreementId: string) => {
  const rows = await api.database.db.selectFrom('agreement_instalments').select(['id']).where('agreement_id', '=', agreementId).orderBy('seq').execute();
  const runs = [];
  for (const r of rows) runs.push(await runInstalmentCheck(api.database.db, api.clock, r.id));
  return runs;
};

describe('agreements', () => {
  it('logs a call with a promise: the reminders wait, the follow-up is queued, the check is set for the morning after', async () => {
    const { creditor, caseId, read } = await activeCase();
    const res = await api.app.inject({
      method: 'POST',
      url: `/v1/cases/${caseId}/contacts`,
      headers: creditor.auth,
      payload: { channel: 'phone', direction: 'outbound', reached: 'debtor', outcome: 'agreement', lateReason: 'cannot_pay_now', agreement: promise() },
    });
    expect(res.statusCode).toBe(201);
    const contact = res.json();
    expect(contact.nextStep).toEqual({ action: 'follow_agreement', date: '2026-11-11' });
    const agreement = contact.agreement;
    expect(agreement).toMatchObject({ kind: 'promise', status: 'active', amount: { amount: 125_000, currency: 'SEK' }, contactId: contact.id, fallbackRevealed: false });
    // 2026-11-10 is a Tuesday: checked at 09:00 Stockholm time the next morning.
    expect(agreement.instalments).toEqual([expect.objectContaining({ seq: 1, dueDate: '2026-11-10', status: 'pending', checkAt: '2026-11-11T08:00:00.000Z' })]);
    expect((await read()).status).toBe('on_hold');

    const note = await api.database.db.selectFrom('notifications').selectAll().where('id', '=', agreement.notificationId).executeTakeFirstOrThrow();
    expect(note).toMatchObject({ template: 'agreement_follow_up', channel: 'email', agreement_id: agreement.id, status: 'queued', language: 'sv' });
    const waiting = await api.database.db.selectFrom('case_deadlines').select(['status']).where('case_id', '=', caseId).where('status', '=', 'scheduled').execute();
    expect(waiting.length).toBeGreaterThan(0);
    const listed = (await api.app.inject({ url: `/v1/cases/${caseId}/agreements`, headers: creditor.auth })).json();
    expect(listed.items.map((a: { id: string }) => a.id)).toEqual([agreement.id]);
    const events = await api.database.db.selectFrom('outbox').select('type').where('case_id', '=', caseId).where('type', '=', 'agreement.made').execute();
    expect(events).toHaveLength(1);
  });

  it('refuses agreements that are incomplete, do not add up or come at the wrong time', async () => {
    const { agree } = await activeCase();
    problem(await agree({ kind: 'promise', instalments: [{ dueDate: '2026-11-10', amount: 1000 }], fallback: { action: 'final_demand' } }), 400);
    problem(await agree({ kind: 'promise', instalments: [{ dueDate: '2026-11-10', amount: 1000 }], followUpDate: '2026-11-11' }), 400);
    const tooMuch = problem(await agree(promise({ instalments: [{ dueDate: '2026-11-10', amount: 125_001 }] })), 422);
    expect(tooMuch.errors?.[0]?.pointer).toBe('/instalments/0/amount');
    const short = problem(
      await agree({ kind: 'instalment_plan', instalments: [{ dueDate: '2026-11-10', amount: 60_000 }, { dueDate: '2026-12-10', amount: 60_000 }], followUpDate: '2026-11-11', fallback: { action: 'hand_over' } }),
      422,
    );
    expect(short.errors?.[0]?.detail).toMatch(/add up to 120000 but 125000 is due/);
    const unknownStep = problem(await agree(promise({ fallback: { action: 'continue_policy', stepKey: 'no-such-step' } })), 422);
    expect(unknownStep.errors?.[0]?.pointer).toBe('/fallback/stepKey');
    const past = problem(await agree(promise({ instalments: [{ dueDate: '2026-11-01', amount: 1000 }] })), 422);
    expect(past.errors?.[0]?.pointer).toBe('/instalments/0/dueDate');
  });

  it('refuses an agreement on a case still being verified', async () => {
    api.clock.set('2026-11-02T10:00:00Z');
    const creditor = await api.creditor();
    const opened = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice({ dueDate: '2026-10-30' })] } })).json();
    const res = problem(await api.app.inject({ method: 'POST', url: `/v1/cases/${opened.id}/agreements`, headers: creditor.auth, payload: promise() }), 409);
    expect(res.type).toBe('/problems/illegal-transition');
  });

  it('adds the plan fee the creditor’s terms allow, capped by law, and the plan must cover it', async () => {
    const { agree, read } = await activeCase({ instalmentPlanFee: 20_000 });
    const without = problem(
      await agree({ kind: 'instalment_plan', instalments: [{ dueDate: '2026-11-10', amount: 62_500 }, { dueDate: '2026-12-10', amount: 62_500 }], followUpDate: '2026-11-11', fallback: { action: 'hand_over' } }),
      422,
    );
    expect(without.errors?.[0]?.detail).toMatch(/plan fee of 17000/);
    const made = await agree({ kind: 'instalment_plan', instalments: [{ dueDate: '2026-11-10', amount: 71_000 }, { dueDate: '2026-12-10', amount: 71_000 }], followUpDate: '2026-11-11', fallback: { action: 'hand_over' } });
    expect(made.statusCode).toBe(201);
    expect(made.json().planFee).toEqual({ amount: 17_000, currency: 'SEK' });
    expect((await read()).outstanding).toEqual({ amount: 142_000, currency: 'SEK' });
  });

  it('a broken promise offers an instalment plan that very morning: a message and a call task', async () => {
    const { caseId, agree, read } = await activeCase();
    const agreement = (await agree(promise())).json();
    api.clock.set('2026-11-11T07:59:00Z');
    expect((await checkAll(agreement.id))[0]!.ran).toBe(false);
    api.clock.set('2026-11-11T08:00:00Z');
    const [run] = await checkAll(agreement.id);
    expect(run!.ran).toBe(true);
    expect(run!.caseId).toBe(caseId);
    expect(run!.notificationIds).toHaveLength(1);
    const offer = await api.database.db.selectFrom('notifications').selectAll().where('id', '=', run!.notificationIds[0]!).executeTakeFirstOrThrow();
    expect(offer).toMatchObject({ template: 'instalment_plan_offer', agreement_id: agreement.id, status: 'queued' });
    const tasks = await api.database.db.selectFrom('tasks').selectAll().where('case_id', '=', caseId).where('agreement_id', '=', agreement.id).execute();
    expect(tasks).toEqual([expect.objectContaining({ kind: 'call', due_date: '2026-11-11', assignee: 'anna', status: 'open' })]);
    expect((await read()).status).toBe('active');
    const state = await api.database.db.selectFrom('agreements').select(['status']).where('id', '=', agreement.id).executeTakeFirstOrThrow();
    expect(state.status).toBe('broken');
    const events = await api.database.db.selectFrom('outbox').select(['type', 'data']).where('case_id', '=', caseId).where('type', '=', 'agreement.broken').execute();
    expect(events).toEqual([expect.objectContaining({ data: expect.objectContaining({ agreementId: agreement.id, instalment: 1, fallback: 'offer_instalment_plan' }) })]);
    // A second check, a retry, changes nothing.
    expect((await checkAll(agreement.id))[0]!.ran).toBe(false);

    // The second agreement of a debtor who broke one tells the fallback.
    const second = (await agree(promise({ instalments: [{ dueDate: '2026-11-20', amount: 125_000 }], followUpDate: '2026-11-21', fallback: { action: 'hand_over' } }))).json();
    expect(second.fallbackRevealed).toBe(true);
  });

  it('an instalment plan kept to its end closes the case as paid', async () => {
    const { creditor, agree, pay, read } = await activeCase();
    const plan = (
      await agree({ kind: 'instalment_plan', instalments: [{ dueDate: '2026-11-10', amount: 60_000 }, { dueDate: '2026-12-10', amount: 65_000 }], followUpDate: '2026-11-11', fallback: { action: 'hand_over' } })
    ).json();
    api.clock.set('2026-11-09T12:00:00Z');
    expect((await pay(60_000, '2026-11-09')).json()).toMatchObject({ outstanding: { amount: 65_000 }, caseClosed: false });
    api.clock.set('2026-11-11T08:00:00Z');
    await checkAll(plan.id);
    const midway = (await api.app.inject({ url: `/v1/agreements/${plan.id}`, headers: creditor.auth })).json();
    expect(midway.status).toBe('active');
    expect(midway.instalments.map((i: { status: string }) => i.status)).toEqual(['kept', 'pending']);
    expect((await read()).status).toBe('on_hold');
    api.clock.set('2026-12-09T12:00:00Z');
    const last = (await pay(65_000, '2026-12-09')).json();
    expect(last).toMatchObject({ outstanding: { amount: 0 }, caseClosed: true });
    expect(await read()).toMatchObject({ status: 'closed', closeReason: 'paid', paid: { amount: 125_000 } });
    const kept = await api.database.db.selectFrom('agreements').select(['status']).where('id', '=', plan.id).executeTakeFirstOrThrow();
    expect(kept.status).toBe('kept');
    const instalments = await api.database.db.selectFrom('agreement_instalments').select(['status']).where('agreement_id', '=', plan.id).orderBy('seq').execute();
    expect(instalments.map((i) => i.status)).toEqual(['kept', 'kept']);
  });

  it('a broken instalment plan hands the case over', async () => {
    const { caseId, agree, pay, read } = await activeCase();
    const plan = (
      await agree({ kind: 'instalment_plan', instalments: [{ dueDate: '2026-11-10', amount: 60_000 }, { dueDate: '2026-12-10', amount: 65_000 }], followUpDate: '2026-11-11', fallback: { action: 'hand_over' } })
    ).json();
    api.clock.set('2026-11-10T12:00:00Z');
    await pay(60_000, '2026-11-10');
    api.clock.set('2026-11-11T08:00:00Z');
    await checkAll(plan.id);
    api.clock.set('2026-12-11T08:00:00Z');
    const [, run] = await checkAll(plan.id);
    expect(run!.handoverId).not.toBeNull();
    expect((await read()).status).toBe('escalated');
    const handover = await api.database.db.selectFrom('handovers').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
    expect(handover.status).toBe('pending');
  });

  it('a new agreement replaces the one being kept; a cancelled one lets the policy resume', async () => {
    const { creditor, agree, read } = await activeCase();
    const first = (await agree(promise())).json();
    const second = (await agree(promise({ instalments: [{ dueDate: '2026-11-20', amount: 125_000 }], followUpDate: '2026-11-21' }))).json();
    const replaced = (await api.app.inject({ url: `/v1/agreements/${first.id}`, headers: creditor.auth })).json();
    expect(replaced).toMatchObject({ status: 'cancelled', endReason: 'replaced by a new agreement' });
    const cancelled = await api.app.inject({ method: 'POST', url: `/v1/agreements/${second.id}/cancel`, headers: creditor.auth, payload: { reason: 'recorded on the wrong case' } });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', instalments: [expect.objectContaining({ status: 'cancelled' })] });
    expect((await read()).status).toBe('active');
    problem(await api.app.inject({ method: 'POST', url: `/v1/agreements/${second.id}/cancel`, headers: creditor.auth, payload: { reason: 'again' } }), 409);
  });

  it('records the debtor’s confirmation through the signed link, once, and refuses forged or expired links', async () => {
    const { caseId, agree } = await activeCase();
    const agreement = (await agree(promise())).json();
    const token = agreementToken(SECRET, agreement.id, new Date('2026-12-01T00:00:00Z'));
    const url = `/v1/public/agreements/${token}`;
    const shown = await api.app.inject({ url });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ creditor: 'Acme AB', kind: 'promise', amount: { amount: 125_000 }, confirmedAt: null, instalments: [{ dueDate: '2026-11-10' }] });
    expect(shown.body).not.toContain('ap@kund.example');

    api.clock.set('2026-11-03T18:00:00Z');
    const confirmed = await api.app.inject({ method: 'POST', url, payload: { name: 'Karin Kund' } });
    expect(confirmed.json().confirmedAt).toBe('2026-11-03T18:00:00.000Z');
    api.clock.set('2026-11-04T09:00:00Z');
    expect((await api.app.inject({ method: 'POST', url, payload: {} })).json().confirmedAt).toBe('2026-11-03T18:00:00.000Z');
    const entries = await api.database.db.selectFrom('case_activity').select(['actor_kind', 'data']).where('case_id', '=', caseId).where('type', '=', 'agreement.confirmed').execute();
    expect(entries).toEqual([{ actor_kind: 'debtor', data: expect.objectContaining({ agreementId: agreement.id, name: 'Karin Kund' }) }]);
    const events = await api.database.db.selectFrom('outbox').select('type').where('case_id', '=', caseId).where('type', '=', 'agreement.confirmed').execute();
    expect(events).toHaveLength(1);

    problem(await api.app.inject({ url: `${url.slice(0, -3)}abc` }), 404);
    problem(await api.app.inject({ url: `/v1/public/agreements/${agreementToken('another-secret-of-thirty-two-chars!!', agreement.id, new Date('2026-12-01T00:00:00Z'))}` }), 404);
    problem(await api.app.inject({ url: `/v1/public/agreements/${agreementToken(SECRET, agreement.id, new Date('2026-11-04T08:00:00Z'))}` }), 410);
    problem(await api.app.inject({ url: '/v1/public/agreements/nonsense' }), 404);
  });

  it('shows a browser a page in the debtor’s language whose button confirms the agreement', async () => {
    const { caseId, agree } = await activeCase();
    const agreement = (await agree(promise())).json();
    const url = `/v1/public/agreements/${agreementToken(SECRET, agreement.id, new Date('2026-12-01T00:00:00Z'))}`;
    const page = await api.app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<html lang="sv">');
    expect(page.body.replace(/[\u00a0\u202f]/g, ' ')).toContain('1 250,00 kr');
    expect(page.body).toContain('<form method="post">');
    const posted = await api.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: 'name=Karin+Kund' });
    expect(posted.statusCode).toBe(200);
    expect(posted.body).toContain('Överenskommelsen är bekräftad');
    const entry = await api.database.db.selectFrom('case_activity').select('data').where('case_id', '=', caseId).where('type', '=', 'agreement.confirmed').executeTakeFirstOrThrow();
    expect(entry.data).toMatchObject({ name: 'Karin Kund' });
  });
});

describe('payments', () => {
  it('takes a partial payment off the outstanding amount and refuses one in another currency or dated ahead', async () => {
    const { caseId, creditor, pay, read } = await activeCase();
    const partial = await pay(25_000, '2026-11-02');
    expect(partial.statusCode).toBe(201);
    expect(partial.json()).toMatchObject({ amount: { amount: 25_000, currency: 'SEK' }, outstanding: { amount: 100_000 }, caseClosed: false, source: 'api' });
    expect(await read()).toMatchObject({ status: 'active', outstanding: { amount: 100_000 }, paid: { amount: 25_000 } });
    const euro = problem(await api.app.inject({ method: 'POST', url: `/v1/cases/${caseId}/payments`, headers: creditor.auth, payload: { amount: 100, currency: 'EUR', paidOn: '2026-11-02', method: 'card' } }), 422);
    expect(euro.errors?.[0]?.pointer).toBe('/currency');
    const ahead = problem(await pay(100, '2026-11-03'), 422);
    expect(ahead.errors?.[0]?.pointer).toBe('/paidOn');
    const listed = (await api.app.inject({ url: `/v1/cases/${caseId}/payments`, headers: creditor.auth })).json();
    expect(listed.items).toHaveLength(1);
  });

  it('closes a case paid in full, cancelling its steps, and records an overpayment', async () => {
    const { caseId, pay, read } = await activeCase();
    const paid = (await pay(130_000, '2026-11-02')).json();
    expect(paid).toMatchObject({ outstanding: { amount: -5_000 }, caseClosed: true });
    expect(await read()).toMatchObject({ status: 'closed', closeReason: 'paid' });
    const waiting = await api.database.db.selectFrom('case_deadlines').select('id').where('case_id', '=', caseId).where('status', '=', 'scheduled').execute();
    expect(waiting).toEqual([]);
    const entry = await api.database.db.selectFrom('case_activity').select('data').where('case_id', '=', caseId).where('type', '=', 'payment.received').executeTakeFirstOrThrow();
    expect(entry.data).toMatchObject({ overpaid: 5_000 });
  });
});
