import { describe, expect, it } from 'vitest';
import { businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const api = useApi();

const checklist = { dueDateCorrect: true, specialTermsChecked: true, noComplaints: true, paymentMethodsWork: true };
const at = (s: string) => new Date(s);

/** Rows the contact, agreement and payment routes will write; inserted directly here. */
function rows(creditorId: string, caseId: string) {
  const db = api.database.db;
  return {
    payment: (amount: number, paidOn: string) =>
      db
        .insertInto('payments')
        .values({ creditor_id: creditorId, case_id: caseId, amount_minor: amount, currency: 'SEK', paid_on: paidOn, method: 'bank_transfer', payer_reference: null, source: 'api', actor_kind: 'system', actor_id: null, created_at: at(`${paidOn}T12:00:00Z`) })
        .execute(),
    closePaid: (closedAt: string) =>
      db.updateTable('cases').set({ status: 'closed', close_reason: 'paid', closed_at: at(closedAt), hold_reason: null, held_since: null }).where('id', '=', caseId).execute(),
  };
}

describe('the dossier', () => {
  it('shows the case with its invoices, attempts, agreements, dispute, tasks and next step', async () => {
    const creditor = await api.creditor();
    api.clock.set('2026-10-30T12:00:00Z');
    const opened = (
      await api.app.inject({
        method: 'POST',
        url: '/v1/cases',
        headers: creditor.auth,
        payload: {
          debtor: businessDebtor({ phone: '+46 8 123 456' }),
          handler: 'anna',
          invoices: [invoice({ number: 'F-2', dueDate: '2026-11-10', amount: 50_000 }), invoice({ number: 'F-1', dueDate: '2026-10-31', amount: 100_000 })],
        },
      })
    ).json();
    const caseId: string = opened.id;
    expect((await api.app.inject({ method: 'POST', url: `/v1/cases/${caseId}/verify`, headers: creditor.auth, payload: checklist })).statusCode).toBe(200);

    const db = api.database.db;
    const steps = await db.selectFrom('case_deadlines').selectAll().where('case_id', '=', caseId).orderBy('step_index').execute();
    expect(steps.map((s) => s.step_key)).toEqual(['friendly-reminder', 'reminder-letter', 'call', 'final-demand', 'hand-over']);
    const [reminder, letter, call] = steps;
    // The worker ran the reminder (its email was sent) and skipped the letter.
    await db.updateTable('case_deadlines').set({ status: 'done', completed_at: at('2026-11-02T08:00:00Z'), outcome: JSON.stringify({ notification: 'queued' }) }).where('id', '=', reminder!.id).execute();
    await db.updateTable('case_deadlines').set({ status: 'skipped', completed_at: at('2026-11-12T08:00:00Z'), outcome: JSON.stringify({ skipped: 'below minimum' }) }).where('id', '=', letter!.id).execute();
    const [email] = await db
      .insertInto('notifications')
      .values({
        creditor_id: creditor.id,
        case_id: caseId,
        deadline_id: reminder!.id,
        idempotency_key: `dossier-${reminder!.id}`,
        channel: 'email',
        template: 'friendly_reminder',
        language: 'sv',
        recipient: JSON.stringify({ email: 'ap@kund.example' }),
        status: 'sent',
        attempts: 1,
        sent_at: at('2026-11-02T08:00:05Z'),
        created_at: at('2026-11-02T08:00:00Z'),
        updated_at: at('2026-11-02T08:00:05Z'),
      })
      .returning('id')
      .execute();
    await db.insertInto('case_charges').values({ creditor_id: creditor.id, case_id: caseId, deadline_id: null, kind: 'reminder_fee', amount_minor: 6_000, currency: 'SEK', created_at: at('2026-11-02T08:00:00Z') }).execute();

    const [contact] = await db
      .insertInto('contacts')
      .values({
        creditor_id: creditor.id,
        case_id: caseId,
        channel: 'phone',
        direction: 'outbound',
        reached: 'debtor',
        outcome: 'agreement',
        late_reason: 'cannot_pay_now',
        notes: 'Customer waits for a large payment',
        next_step: JSON.stringify({ action: 'follow_agreement', date: '2026-11-20' }),
        occurred_at: at('2026-11-05T10:00:00Z'),
        actor_kind: 'api_key',
        created_at: at('2026-11-05T10:05:00Z'),
      })
      .returning('id')
      .execute();
    const agreement = (over: { kind: 'promise' | 'instalment_plan'; status: 'kept' | 'broken'; total: number; madeAt: string; followUp: string; endedAt: string }) =>
      db
        .insertInto('agreements')
        .values({
          creditor_id: creditor.id,
          case_id: caseId,
          debtor_id: opened.debtorId,
          contact_id: contact!.id,
          kind: over.kind,
          status: over.status,
          currency: 'SEK',
          total_minor: over.total,
          follow_up_date: over.followUp,
          follow_up_at: at(`${over.followUp}T08:00:00Z`),
          fallback: JSON.stringify({ action: 'hand_over', stepKey: null }),
          fallback_revealed: false,
          grace_days: 0,
          channel: 'email',
          made_at: at(over.madeAt),
          ended_at: at(over.endedAt),
          end_reason: over.status === 'kept' ? 'paid' : 'instalment 1 not paid',
          actor_kind: 'api_key',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const broken = await agreement({ kind: 'promise', status: 'broken', total: 156_000, madeAt: '2026-11-05T10:00:00Z', followUp: '2026-11-10', endedAt: '2026-11-10T08:00:00Z' });
    const kept = await agreement({ kind: 'instalment_plan', status: 'kept', total: 120_000, madeAt: '2026-11-12T10:00:00Z', followUp: '2026-11-20', endedAt: '2026-11-20T08:00:00Z' });
    await db
      .insertInto('agreement_instalments')
      .values([
        { creditor_id: creditor.id, agreement_id: broken.id, case_id: caseId, seq: 1, due_date: '2026-11-10', amount_minor: 156_000, check_at: at('2026-11-10T08:00:00Z'), status: 'broken', checked_at: at('2026-11-10T08:00:00Z') },
        { creditor_id: creditor.id, agreement_id: kept.id, case_id: caseId, seq: 1, due_date: '2026-11-15', amount_minor: 60_000, check_at: at('2026-11-16T08:00:00Z'), status: 'kept', checked_at: at('2026-11-16T08:00:00Z') },
        { creditor_id: creditor.id, agreement_id: kept.id, case_id: caseId, seq: 2, due_date: '2026-11-20', amount_minor: 60_000, check_at: at('2026-11-20T08:00:00Z'), status: 'kept', checked_at: at('2026-11-20T08:00:00Z') },
      ])
      .execute();
    await rows(creditor.id, caseId).payment(120_000, '2026-11-18');
    await db.insertInto('tasks').values({ creditor_id: creditor.id, case_id: caseId, kind: 'call', assignee: 'anna', due_date: '2026-11-26', status: 'open', note: 'Ask about the dispute', created_at: at('2026-11-21T09:00:00Z') }).execute();
    await db.insertInto('tasks').values({ creditor_id: creditor.id, case_id: caseId, kind: 'call', assignee: 'anna', due_date: '2026-11-06', status: 'done', outcome: 'reached', next_step: '{}', created_at: at('2026-11-02T09:00:00Z') }).execute();

    api.clock.set('2026-11-21T09:00:00Z');
    const disputed = await api.app.inject({ method: 'POST', url: `/v1/cases/${caseId}/dispute`, headers: creditor.auth, payload: { complaint: 'Half of the chairs arrived broken' } });
    expect(disputed.json().status).toBe('on_hold');

    // 23:30 UTC is already the next day in Stockholm: overdue days count to the creditor's today.
    api.clock.set('2026-11-24T23:30:00Z');
    const res = await api.app.inject({ method: 'GET', url: `/v1/cases/${caseId}/dossier`, headers: creditor.auth });
    expect(res.statusCode).toBe(200);
    const dossier = res.json();
    expect(dossier.today).toBe('2026-11-25');
    expect(dossier.case).toMatchObject({
      id: caseId,
      status: 'on_hold',
      holdReason: 'dispute',
      closeReason: null,
      handler: 'anna',
      currency: 'SEK',
      principal: { amount: 150_000, currency: 'SEK' },
      fees: { amount: 6_000, currency: 'SEK' },
      paid: { amount: 120_000, currency: 'SEK' },
      outstanding: { amount: 36_000, currency: 'SEK' },
      earliestDueDate: '2026-10-31',
    });
    // The payment covers F-1 (due first) and 20 000 of F-2.
    expect(dossier.unpaidInvoices).toEqual([
      {
        id: expect.any(String),
        number: 'F-2',
        issueDate: '2026-10-01',
        dueDate: '2026-11-10',
        amount: { amount: 50_000, currency: 'SEK' },
        unpaid: { amount: 30_000, currency: 'SEK' },
        daysOverdue: 15,
      },
    ]);
    expect(dossier.debtor).toMatchObject({ id: opened.debtorId, name: 'Kund AB', kind: 'business', email: 'ap@kund.example', phone: '+46 8 123 456', preferredLanguage: 'sv' });
    expect(dossier.debtor.address).toMatchObject({ line1: 'Storgatan 1', city: 'Stockholm' });

    expect(dossier.attempts.map((a: { kind: string; at: string }) => [a.kind, a.at])).toEqual([
      ['step', '2026-11-02T08:00:00.000Z'],
      ['notification', '2026-11-02T08:00:05.000Z'],
      ['contact', '2026-11-05T10:00:00.000Z'],
      ['step', '2026-11-12T08:00:00.000Z'],
    ]);
    expect(dossier.attempts[0]).toMatchObject({ key: 'friendly-reminder', action: 'email_reminder', status: 'done', outcome: { notification: 'queued' } });
    expect(dossier.attempts[1]).toMatchObject({ id: email!.id, channel: 'email', template: 'friendly_reminder', status: 'sent', sentAt: '2026-11-02T08:00:05.000Z', failureReason: null, tries: 1, stepKey: 'friendly-reminder' });
    expect(dossier.attempts[2]).toMatchObject({
      id: contact!.id,
      channel: 'phone',
      direction: 'outbound',
      reached: 'debtor',
      outcome: 'agreement',
      lateReason: 'cannot_pay_now',
      notes: 'Customer waits for a large payment',
      nextStep: { action: 'follow_agreement', date: '2026-11-20', note: null },
    });
    expect(dossier.attempts[3]).toMatchObject({ key: 'reminder-letter', action: 'letter_reminder', status: 'skipped' });

    expect(dossier.agreements).toMatchObject([
      { id: broken.id, kind: 'promise', status: 'broken', kept: false, total: { amount: 156_000, currency: 'SEK' }, contactId: contact!.id, instalments: [{ seq: 1, dueDate: '2026-11-10', status: 'broken', kept: false }] },
      {
        id: kept.id,
        kind: 'instalment_plan',
        status: 'kept',
        kept: true,
        instalments: [
          { seq: 1, dueDate: '2026-11-15', amount: { amount: 60_000, currency: 'SEK' }, kept: true },
          { seq: 2, dueDate: '2026-11-20', kept: true },
        ],
      },
    ]);
    expect(dossier.openDisputes).toEqual([{ caseId, openedAt: '2026-11-21T09:00:00.000Z', complaint: 'Half of the chairs arrived broken' }]);
    expect(dossier.openTasks).toMatchObject([{ kind: 'call', dueDate: '2026-11-26', assignee: 'anna', note: 'Ask about the dispute' }]);
    expect(dossier.nextStep).toEqual({ key: 'call', action: 'call_task', day: call!.day, dueAt: call!.due_at.toISOString() });

    expect(dossier.history).toEqual({
      debtorId: opened.debtorId,
      cases: { total: 1, open: 1, closed: 0, paid: 0, withdrawn: 0, writtenOff: 0 },
      payments: { paidOnTime: 0, paidLate: 0, averageDaysLate: null, maxDaysLate: null },
      outstanding: [{ amount: 36_000, currency: 'SEK' }],
      agreements: { made: 2, kept: 1, broken: 1, active: 0, cancelled: 0 },
      disputes: { opened: 1, open: 1 },
      lastContact: expect.objectContaining({ id: contact!.id, caseId, channel: 'phone', outcome: 'agreement', occurredAt: '2026-11-05T10:00:00.000Z' }),
    });
    const history = await api.app.inject({ method: 'GET', url: `/v1/debtors/${opened.debtorId}/history`, headers: creditor.auth });
    expect(history.json()).toEqual(dossier.history);
  });

  it('computes the debtor’s payment record over its closed cases exactly', async () => {
    const creditor = await api.creditor();
    api.clock.set('2026-11-24T08:00:00Z');
    const debtor = (await api.app.inject({ method: 'POST', url: '/v1/debtors', headers: creditor.auth, payload: businessDebtor() })).json();
    const open = async (dueDate: string, amount: number) =>
      (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtorId: debtor.id, invoices: [invoice({ dueDate, amount })] } })).json().id as string;

    // Paid in full the day before it was due.
    const onTime = await open('2026-10-15', 80_000);
    await rows(creditor.id, onTime).payment(80_000, '2026-10-14');
    await rows(creditor.id, onTime).closePaid('2026-10-14T13:00:00Z');
    // Paid in two parts, the last 10 days after the due date, and closed later still: the last payment's day counts.
    const late = await open('2026-10-20', 60_000);
    await rows(creditor.id, late).payment(20_000, '2026-10-25');
    await rows(creditor.id, late).payment(40_000, '2026-10-30');
    await rows(creditor.id, late).closePaid('2026-11-02T09:00:00Z');

    const res = await api.app.inject({ method: 'GET', url: `/v1/debtors/${debtor.id}/history`, headers: creditor.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      debtorId: debtor.id,
      cases: { total: 2, open: 0, closed: 2, paid: 2, withdrawn: 0, writtenOff: 0 },
      payments: { paidOnTime: 1, paidLate: 1, averageDaysLate: 10, maxDaysLate: 10 },
      outstanding: [],
      agreements: { made: 0, kept: 0, broken: 0, active: 0, cancelled: 0 },
      disputes: { opened: 0, open: 0 },
      lastContact: null,
    });

    const dossier = (await api.app.inject({ method: 'GET', url: `/v1/cases/${late}/dossier`, headers: creditor.auth })).json();
    expect(dossier.case).toMatchObject({ status: 'closed', closeReason: 'paid', outstanding: { amount: 0, currency: 'SEK' }, paid: { amount: 60_000, currency: 'SEK' } });
    expect(dossier.unpaidInvoices).toEqual([]);
    expect(dossier.nextStep).toBeNull();
    expect(dossier.history).toEqual(res.json());
  });

  it('answers 404 for another creditor’s case or debtor, and 400 for an id that is not one', async () => {
    const owner = await api.creditor('Owner AB');
    const other = await api.creditor('Other AB');
    const opened = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: owner.auth, payload: { debtor: businessDebtor(), invoices: [invoice()] } })).json();

    const dossier = problem(await api.app.inject({ method: 'GET', url: `/v1/cases/${opened.id}/dossier`, headers: other.auth }), 404);
    expect(dossier.type).toBe('/problems/not-found');
    const history = problem(await api.app.inject({ method: 'GET', url: `/v1/debtors/${opened.debtorId}/history`, headers: other.auth }), 404);
    expect(history.type).toBe('/problems/not-found');
    // The owner sees both.
    expect((await api.app.inject({ method: 'GET', url: `/v1/cases/${opened.id}/dossier`, headers: owner.auth })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: `/v1/debtors/${opened.debtorId}/history`, headers: owner.auth })).statusCode).toBe(200);

    for (const url of ['/v1/cases/not-a-uuid/dossier', '/v1/debtors/42/history']) {
      const bad = problem(await api.app.inject({ method: 'GET', url, headers: owner.auth }), 400);
      expect(bad.type).toBe('/problems/validation');
      expect(bad.errors?.[0]).toMatchObject({ in: 'params', pointer: '/id' });
    }
  });
});
