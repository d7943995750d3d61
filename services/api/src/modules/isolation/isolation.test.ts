import { beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { businessDebtor, invoice, problem, SAMPLE_PDF, useApi } from '../../test/harness.js';

const api = useApi();

interface Owned {
  caseId: string;
  invoiceId: string;
  debtorId: string;
  customerNumber: string;
  externalReference: string;
  policyId: string;
  notificationId: string;
}

type Probe = { request: (a: Owned) => InjectOptions; check: (res: LightMyRequestResponse, a: Owned) => void };

const notFound = (res: LightMyRequestResponse) => {
  expect(problem(res, 404).type).toBe('/problems/not-found');
};
const leaksNothing = (res: LightMyRequestResponse, a: Owned) => {
  expect(res.statusCode).toBeLessThan(500);
  for (const id of [a.caseId, a.invoiceId, a.debtorId, a.customerNumber, a.externalReference, a.policyId]) expect(res.body).not.toContain(id);
};

/**
 * Every creditor route, called by creditor B with creditor A's ids. A new route must be added
 * here: the test fails for any route of the OpenAPI document this table does not cover.
 */
const probes: Record<string, Probe> = {
  'GET /v1/debtors': { request: (a) => ({ url: `/v1/debtors?customerNumber=${a.customerNumber}` }), check: (res, a) => { expect(res.json().items).toEqual([]); leaksNothing(res, a); } },
  'POST /v1/debtors': {
    // A's customer number is free for B: numbers are scoped per creditor.
    request: (a) => ({ method: 'POST', url: '/v1/debtors', payload: businessDebtor({ customerNumber: a.customerNumber }) }),
    check: (res) => expect(res.statusCode).toBe(201),
  },
  'GET /v1/debtors/{id}': { request: (a) => ({ url: `/v1/debtors/${a.debtorId}` }), check: notFound },
  'PATCH /v1/debtors/{id}': { request: (a) => ({ method: 'PATCH', url: `/v1/debtors/${a.debtorId}`, payload: { name: 'Taken over' } }), check: notFound },
  'GET /v1/cases': {
    request: (a) => ({ url: `/v1/cases?debtorId=${a.debtorId}` }),
    check: (res, a) => { expect(res.json().items).toEqual([]); leaksNothing(res, a); },
  },
  'POST /v1/cases': { request: (a) => ({ method: 'POST', url: '/v1/cases', payload: { debtorId: a.debtorId, invoices: [invoice()] } }), check: notFound },
  'GET /v1/cases/{id}': { request: (a) => ({ url: `/v1/cases/${a.caseId}` }), check: notFound },
  'PATCH /v1/cases/{id}': { request: (a) => ({ method: 'PATCH', url: `/v1/cases/${a.caseId}`, payload: { handler: 'mallory' } }), check: notFound },
  'POST /v1/cases/{id}/invoices': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/invoices`, payload: invoice({ number: 'X-1' }) }), check: notFound },
  'PUT /v1/cases/{id}/invoices/{invoiceId}/document': {
    request: (a) => ({ method: 'PUT', url: `/v1/cases/${a.caseId}/invoices/${a.invoiceId}/document`, headers: { 'content-type': 'application/pdf' }, payload: SAMPLE_PDF }),
    check: notFound,
  },
  'GET /v1/cases/{id}/invoices/{invoiceId}/document': { request: (a) => ({ url: `/v1/cases/${a.caseId}/invoices/${a.invoiceId}/document` }), check: notFound },
  'GET /v1/cases/{id}/activity': { request: (a) => ({ url: `/v1/cases/${a.caseId}/activity` }), check: notFound },
  'GET /v1/cases/{id}/schedule': { request: (a) => ({ url: `/v1/cases/${a.caseId}/schedule` }), check: notFound },
  'POST /v1/cases/{id}/verify': {
    request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/verify`, payload: { dueDateCorrect: true, specialTermsChecked: true, noComplaints: true, paymentMethodsWork: true } }),
    check: notFound,
  },
  'POST /v1/cases/{id}/dispute': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/dispute`, payload: { complaint: 'x' } }), check: notFound },
  'POST /v1/cases/{id}/resolve-dispute': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/resolve-dispute`, payload: { resolution: 'x' } }), check: notFound },
  'POST /v1/cases/{id}/pause': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/pause`, payload: {} }), check: notFound },
  'POST /v1/cases/{id}/resume': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/resume`, payload: {} }), check: notFound },
  'POST /v1/cases/{id}/withdraw': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/withdraw`, payload: {} }), check: notFound },
  'POST /v1/cases/{id}/write-off': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/write-off`, payload: {} }), check: notFound },
  'GET /v1/policies': { request: () => ({ url: '/v1/policies' }), check: leaksNothing },
  'POST /v1/policies': {
    // A's policy name is free for B.
    request: () => ({ method: 'POST', url: '/v1/policies', payload: { name: 'Owned policy', steps: [{ key: 'r', after: 'P1D', from: 'due_date', action: 'email_reminder' }] } }),
    check: (res) => expect(res.statusCode).toBe(201),
  },
  'GET /v1/policies/{id}': { request: (a) => ({ url: `/v1/policies/${a.policyId}` }), check: notFound },
  'PUT /v1/policies/{id}': { request: (a) => ({ method: 'PUT', url: `/v1/policies/${a.policyId}`, payload: { name: 'Hijacked' } }), check: notFound },
  'GET /v1/policies/{id}/versions/{version}': { request: (a) => ({ url: `/v1/policies/${a.policyId}/versions/1` }), check: notFound },
  'GET /v1/cases/{id}/notifications': { request: (a) => ({ url: `/v1/cases/${a.caseId}/notifications` }), check: notFound },
  'GET /v1/notifications/{id}': { request: (a) => ({ url: `/v1/notifications/${a.notificationId}` }), check: notFound },
  'GET /v1/notifications/{id}/pdf': { request: (a) => ({ url: `/v1/notifications/${a.notificationId}/pdf` }), check: notFound },
  'GET /v1/templates': { request: () => ({ url: '/v1/templates' }), check: (res) => expect(res.json().items.every((t: { custom: boolean }) => !t.custom)).toBe(true) },
  'GET /v1/templates/{kind}/{language}': { request: () => ({ url: '/v1/templates/friendly_reminder/sv' }), check: (res) => expect(res.json()).toMatchObject({ custom: false }) },
  'PUT /v1/templates/{kind}/{language}': {
    request: () => ({ method: 'PUT', url: '/v1/templates/reminder_letter/en', payload: { subject: 'B', text: 'B', html: 'B' } }),
    check: (res) => expect(res.statusCode).toBe(200),
  },
  'DELETE /v1/templates/{kind}/{language}': { request: () => ({ method: 'DELETE', url: '/v1/templates/friendly_reminder/sv' }), check: (res) => expect(res.json().custom).toBe(false) },
  'POST /v1/templates/{kind}/{language}/preview': {
    request: (a) => ({ method: 'POST', url: '/v1/templates/friendly_reminder/sv/preview', payload: { caseId: a.caseId } }),
    check: notFound,
  },
  'GET /v1/creditor': { request: () => ({ url: '/v1/creditor' }), check: (res, a) => { expect(res.json().name).toBe('Intruder AB'); leaksNothing(res, a); } },
  'PATCH /v1/creditor': { request: () => ({ method: 'PATCH', url: '/v1/creditor', payload: { senderName: 'Intruder' } }), check: (res) => expect(res.json().name).toBe('Intruder AB') },
};

describe('a creditor never sees another creditor’s data', () => {
  let owned: Owned;
  let intruder: { authorization: string };
  let ownerAuth: { authorization: string };

  beforeAll(async () => {
    const a = await api.creditor('Owner AB');
    ownerAuth = a.auth;
    intruder = (await api.creditor('Intruder AB')).auth;
    const created = (
      await api.app.inject({
        method: 'POST',
        url: '/v1/cases',
        headers: a.auth,
        payload: { debtor: businessDebtor({ customerNumber: 'CUST-OWNED' }), externalReference: 'EXT-OWNED', invoices: [invoice()] },
      })
    ).json();
    const policy = (
      await api.app.inject({ method: 'POST', url: '/v1/policies', headers: a.auth, payload: { name: 'Owned policy', steps: [{ key: 'r', after: 'P1D', from: 'due_date', action: 'email_reminder' }] } })
    ).json();
    const [notification] = await api.database.db
      .insertInto('notifications')
      .values({
        creditor_id: a.id,
        case_id: created.id,
        deadline_id: null,
        idempotency_key: `owned-${created.id}`,
        channel: 'letter',
        template: 'reminder_letter',
        language: 'sv',
        recipient: JSON.stringify({ name: 'Kund AB' }),
        status: 'sent',
        pdf: Buffer.from('%PDF-1.4\n%%EOF\n'),
        rendered_at: new Date(),
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
      .execute();
    await api.app.inject({ method: 'PUT', url: '/v1/templates/friendly_reminder/sv', headers: a.auth, payload: { subject: 'Owned', text: 'Owned', html: 'Owned' } });
    owned = {
      notificationId: notification!.id,
      caseId: created.id,
      invoiceId: created.invoices[0].id,
      debtorId: created.debtorId,
      customerNumber: 'CUST-OWNED',
      externalReference: 'EXT-OWNED',
      policyId: policy.id,
    };
    await api.app.inject({ method: 'PUT', url: `/v1/cases/${owned.caseId}/invoices/${owned.invoiceId}/document`, headers: { ...a.auth, 'content-type': 'application/pdf' }, payload: SAMPLE_PDF });
  });

  it('covers every creditor route in the OpenAPI document', () => {
    const doc = api.app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.security === undefined && path.startsWith('/v1/'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(Object.keys(probes).sort());
  });

  for (const [route, probe] of Object.entries(probes)) {
    it(`${route} with another creditor's ids`, async () => {
      const options = probe.request(owned);
      const res = await api.app.inject({ method: 'GET', ...options, headers: { ...options.headers, ...intruder } });
      probe.check(res, owned);
    });
  }

  it('left the owner’s data as it was', async () => {
    const res = await api.app.inject({ method: 'GET', url: `/v1/cases/${owned.caseId}`, headers: ownerAuth });
    expect(res.json()).toMatchObject({ handler: null, status: 'verification', invoices: [{ number: 'F-1001' }] });
    const policy = await api.app.inject({ method: 'GET', url: `/v1/policies/${owned.policyId}`, headers: ownerAuth });
    expect(policy.json()).toMatchObject({ name: 'Owned policy', version: 1 });
    const template = await api.app.inject({ method: 'GET', url: '/v1/templates/friendly_reminder/sv', headers: ownerAuth });
    expect(template.json()).toMatchObject({ custom: true, subject: 'Owned' });
    const debtor = await api.app.inject({ method: 'GET', url: `/v1/debtors/${owned.debtorId}`, headers: ownerAuth });
    expect(debtor.json().name).toBe('Kund AB');
  });
});
