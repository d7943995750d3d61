import { describe, expect, it } from 'vitest';
import { businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const api = useApi();

const quickPolicy = {
  name: 'Quick',
  steps: [
    { key: 'email', after: 'P1D', from: 'due_date', action: 'email_reminder', attachInvoice: true },
    { key: 'demand', after: 'P10D', action: 'final_demand' },
    { key: 'agency', after: 'P14D', action: 'escalate_to_agency' },
  ],
};

describe('collection policies', () => {
  it('gives every new creditor a good-practice default policy', async () => {
    const creditor = await api.creditor();
    const list = (await api.app.inject({ method: 'GET', url: '/v1/policies', headers: creditor.auth })).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ name: 'Standard', isDefault: true, version: 1 });
    expect(list.items[0].steps.map((s: { action: string }) => s.action)).toEqual(['email_reminder', 'letter_reminder', 'call_task', 'final_demand', 'escalate_to_agency']);
  });

  it('creates policies and versions them: a running case keeps the version it started with', async () => {
    const creditor = await api.creditor();
    const created = await api.app.inject({ method: 'POST', url: '/v1/policies', headers: creditor.auth, payload: quickPolicy });
    expect(created.statusCode).toBe(201);
    const policy = created.json();
    const opened = (
      await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), policyId: policy.id, invoices: [invoice()] } })
    ).json();
    await api.app.inject({
      method: 'POST',
      url: `/v1/cases/${opened.id}/verify`,
      headers: creditor.auth,
      payload: { dueDateCorrect: true, specialTermsChecked: true, noComplaints: true, paymentMethodsWork: true },
    });

    const changed = await api.app.inject({ method: 'PUT', url: `/v1/policies/${policy.id}`, headers: creditor.auth, payload: { steps: quickPolicy.steps.slice(0, 1) } });
    expect(changed.json()).toMatchObject({ version: 2, steps: [{ key: 'email' }] });
    const v1 = await api.app.inject({ method: 'GET', url: `/v1/policies/${policy.id}/versions/1`, headers: creditor.auth });
    expect(v1.json().steps).toHaveLength(3);

    const schedule = (await api.app.inject({ method: 'GET', url: `/v1/cases/${opened.id}/schedule`, headers: creditor.auth })).json();
    expect(schedule).toMatchObject({ planned: true, policy: { id: policy.id, version: 1 } });
    expect(schedule.steps.map((s: { key: string }) => s.key)).toEqual(['email', 'demand', 'agency']);
  });

  it('holds Swedish policies to the law, with every problem named', async () => {
    const creditor = await api.creditor();
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/policies',
      headers: creditor.auth,
      payload: {
        name: 'Harsh',
        steps: [
          { key: 'email', after: 'P1D', from: 'due_date', action: 'email_reminder', fee: { amount: 10_000, currency: 'SEK' } },
          { key: 'agency', after: 'P3D', action: 'escalate_to_agency' },
        ],
      },
    });
    expect(problem(res, 422).errors).toEqual([
      { in: 'body', pointer: '/steps/0/fee/amount', detail: 'exceeds the legal maximum of 6000 minor units' },
      { in: 'body', pointer: '/steps/1/action', detail: 'a final demand must precede the hand-over to the agency' },
    ]);
    problem(await api.app.inject({ method: 'POST', url: '/v1/policies', headers: creditor.auth, payload: { name: 'Bad', steps: [{ key: 'x', after: 'ten days', action: 'email_reminder' }] } }), 400);
  });

  it('makes one policy the default at a time', async () => {
    const creditor = await api.creditor();
    const policy = (await api.app.inject({ method: 'POST', url: '/v1/policies', headers: creditor.auth, payload: { ...quickPolicy, isDefault: true } })).json();
    const list = (await api.app.inject({ method: 'GET', url: '/v1/policies', headers: creditor.auth })).json();
    expect(list.items.filter((p: { isDefault: boolean }) => p.isDefault).map((p: { id: string }) => p.id)).toEqual([policy.id]);
    problem(await api.app.inject({ method: 'POST', url: '/v1/policies', headers: creditor.auth, payload: quickPolicy }), 409);
  });
});
