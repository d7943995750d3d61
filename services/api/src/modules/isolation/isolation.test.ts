import { beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { admin, businessDebtor, invoice, problem, SAMPLE_PDF, useApi } from '../../test/harness.js';
import { grants, ROUTE_SCOPES, SCOPE_NAMES, type Scope } from '../../http/scopes.js';

// The example agencies do not resolve here: the operator's allow-list lets them through.
const api = useApi({ WEBHOOK_ALLOWED_HOSTS: 'owner-agency.example,intruder.example' });

interface Owned {
  caseId: string;
  invoiceId: string;
  debtorId: string;
  customerNumber: string;
  externalReference: string;
  policyId: string;
  notificationId: string;
  agreementId: string;
  taskId: string;
  /** A camt.054 file of A's: one credit naming A's case by its reference, one with an unknown reference. */
  paymentFileXml: string;
  paymentFileId: string;
  unmatchedPaymentId: string;
  /** A's webhook endpoint and one delivery to it. */
  webhookEndpointId: string;
  webhookDeliveryId: string;
}

/** A small camt.054 with one credit per reference. */
const bankFile = (references: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>ISO-1</MsgId></GrpHdr><Ntfctn><Id>1</Id>${references
  .map(
    (ref, i) =>
      `<Ntry><Amt Ccy="SEK">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt><AcctSvcrRef>ISO-${i}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Ref>${ref}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>`,
  )
  .join('')}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;

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
  'GET /v1/debtors/{id}/history': { request: (a) => ({ url: `/v1/debtors/${a.debtorId}/history` }), check: notFound },
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
  'GET /v1/cases/{id}/dossier': { request: (a) => ({ url: `/v1/cases/${a.caseId}/dossier` }), check: notFound },
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
  'POST /v1/cases/{id}/contacts': {
    request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/contacts`, payload: { channel: 'phone', direction: 'outbound', reached: 'no_answer', outcome: 'no_contact' } }),
    check: notFound,
  },
  'GET /v1/cases/{id}/contacts': { request: (a) => ({ url: `/v1/cases/${a.caseId}/contacts` }), check: notFound },
  'POST /v1/cases/{id}/agreements': {
    request: (a) => ({
      method: 'POST',
      url: `/v1/cases/${a.caseId}/agreements`,
      payload: { kind: 'promise', instalments: [{ dueDate: '2099-01-10', amount: 100 }], followUpDate: '2099-01-11', fallback: { action: 'final_demand' } },
    }),
    check: notFound,
  },
  'GET /v1/cases/{id}/agreements': { request: (a) => ({ url: `/v1/cases/${a.caseId}/agreements` }), check: notFound },
  'GET /v1/agreements/{id}': { request: (a) => ({ url: `/v1/agreements/${a.agreementId}` }), check: notFound },
  'POST /v1/agreements/{id}/cancel': { request: (a) => ({ method: 'POST', url: `/v1/agreements/${a.agreementId}/cancel`, payload: { reason: 'intrusion' } }), check: notFound },
  'GET /v1/tasks': { request: () => ({ url: '/v1/tasks' }), check: (res, a) => { expect(res.json().items).toEqual([]); expect(res.body).not.toContain(a.taskId); } },
  'GET /v1/tasks/{id}': { request: (a) => ({ url: `/v1/tasks/${a.taskId}` }), check: notFound },
  'PATCH /v1/tasks/{id}': { request: (a) => ({ method: 'PATCH', url: `/v1/tasks/${a.taskId}`, payload: { assignee: 'intruder' } }), check: notFound },
  'POST /v1/cases/{id}/payments': {
    request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/payments`, payload: { amount: 100, currency: 'SEK', paidOn: '2026-01-02', method: 'card' } }),
    check: notFound,
  },
  'GET /v1/cases/{id}/ledger': { request: (a) => ({ url: `/v1/cases/${a.caseId}/ledger` }), check: notFound },
  'GET /v1/cases/{id}/statement': { request: (a) => ({ url: `/v1/cases/${a.caseId}/statement` }), check: notFound },
  'POST /v1/cases/{id}/credit-notes': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/credit-notes`, payload: { amount: 100, bookedOn: '2026-01-02' } }), check: notFound },
  'POST /v1/cases/{id}/refunds': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/refunds`, payload: { amount: 100, bookedOn: '2026-01-02' } }), check: notFound },
  'GET /v1/reference-rates': { request: () => ({ url: '/v1/reference-rates' }), check: leaksNothing },
  'GET /v1/cases/{id}/payments': { request: (a) => ({ url: `/v1/cases/${a.caseId}/payments` }), check: notFound },
  'POST /v1/cases/{id}/escalate': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/escalate`, payload: {} }), check: notFound },
  'GET /v1/cases/{id}/handovers': { request: (a) => ({ url: `/v1/cases/${a.caseId}/handovers` }), check: notFound },
  'POST /v1/cases/{id}/agency-updates': { request: (a) => ({ method: 'POST', url: `/v1/cases/${a.caseId}/agency-updates`, payload: { kind: 'received', agencyReference: 'X' } }), check: notFound },
  'GET /v1/cases/{id}/agency-updates': { request: (a) => ({ url: `/v1/cases/${a.caseId}/agency-updates` }), check: notFound },
  'GET /v1/creditor/agency-connector': {
    request: () => ({ url: '/v1/creditor/agency-connector' }),
    check: (res) => { expect(res.statusCode).toBe(200); expect(res.body).not.toContain('owner-agency.example'); },
  },
  'PUT /v1/creditor/agency-connector': {
    request: () => ({ method: 'PUT', url: '/v1/creditor/agency-connector', payload: { kind: 'http', agencyName: 'Intruder agency', url: 'https://intruder.example/intake' } }),
    check: (res) => expect(res.json()).toMatchObject({ agencyName: 'Intruder agency', hasAuthHeader: false }),
  },
  'DELETE /v1/creditor/agency-connector': { request: () => ({ method: 'DELETE', url: '/v1/creditor/agency-connector' }), check: (res) => expect(res.json().isDefault).toBe(true) },
  'POST /v1/payment-files': {
    // The same bytes are B's own import: A's case reference matches nothing of B's.
    request: (a) => ({ method: 'POST', url: '/v1/payment-files', headers: { 'content-type': 'application/xml' }, payload: a.paymentFileXml }),
    check: (res, a) => {
      expect(res.statusCode).toBe(201);
      expect(res.json().counts).toMatchObject({ matched: 0, duplicates: 0 });
      leaksNothing(res, a);
      for (const id of [a.paymentFileId, a.unmatchedPaymentId]) expect(res.body).not.toContain(id);
    },
  },
  'GET /v1/payment-files/{id}': { request: (a) => ({ url: `/v1/payment-files/${a.paymentFileId}` }), check: notFound },
  'GET /v1/unmatched-payments': { request: () => ({ url: '/v1/unmatched-payments' }), check: (res, a) => { expect(res.body).not.toContain(a.unmatchedPaymentId); leaksNothing(res, a); } },
  'POST /v1/unmatched-payments/{id}/match': {
    request: (a) => ({ method: 'POST', url: `/v1/unmatched-payments/${a.unmatchedPaymentId}/match`, payload: { caseId: a.caseId } }),
    check: notFound,
  },
  'GET /v1/events': {
    request: () => ({ url: '/v1/events?limit=500' }),
    check: (res, a) => { expect(res.statusCode).toBe(200); expect(res.json().items).toEqual([]); leaksNothing(res, a); },
  },
  'GET /v1/webhook-endpoints': {
    request: () => ({ url: '/v1/webhook-endpoints' }),
    check: (res, a) => { expect(res.json().items).toEqual([]); expect(res.body).not.toContain(a.webhookEndpointId); expect(res.body).not.toContain('owner-hook'); },
  },
  'POST /v1/webhook-endpoints': {
    request: () => ({ method: 'POST', url: '/v1/webhook-endpoints', payload: { url: 'https://93.184.216.34/intruder-hook' } }),
    check: (res, a) => { expect(res.statusCode).toBe(201); expect(res.body).not.toContain(a.webhookEndpointId); },
  },
  'GET /v1/webhook-endpoints/{id}': { request: (a) => ({ url: `/v1/webhook-endpoints/${a.webhookEndpointId}` }), check: notFound },
  'PATCH /v1/webhook-endpoints/{id}': {
    request: (a) => ({ method: 'PATCH', url: `/v1/webhook-endpoints/${a.webhookEndpointId}`, payload: { url: 'https://93.184.216.34/stolen', enabled: false } }),
    check: notFound,
  },
  'DELETE /v1/webhook-endpoints/{id}': { request: (a) => ({ method: 'DELETE', url: `/v1/webhook-endpoints/${a.webhookEndpointId}` }), check: notFound },
  'POST /v1/webhook-endpoints/{id}/rotate-secret': { request: (a) => ({ method: 'POST', url: `/v1/webhook-endpoints/${a.webhookEndpointId}/rotate-secret`, payload: {} }), check: notFound },
  'GET /v1/webhook-endpoints/{id}/attempts': { request: (a) => ({ url: `/v1/webhook-endpoints/${a.webhookEndpointId}/attempts` }), check: notFound },
  'POST /v1/webhook-endpoints/{id}/replay': {
    request: (a) => ({ method: 'POST', url: `/v1/webhook-endpoints/${a.webhookEndpointId}/replay`, payload: { deliveryId: a.webhookDeliveryId } }),
    check: notFound,
  },
  'POST /v1/webhook-endpoints/{id}/test': { request: (a) => ({ method: 'POST', url: `/v1/webhook-endpoints/${a.webhookEndpointId}/test` }), check: notFound },
  'GET /v1/creditor': { request: () => ({ url: '/v1/creditor' }), check: (res, a) => { expect(res.json().name).toBe('Intruder AB'); leaksNothing(res, a); } },
  'PATCH /v1/creditor': { request: () => ({ method: 'PATCH', url: '/v1/creditor', payload: { senderName: 'Intruder' } }), check: (res) => expect(res.json().name).toBe('Intruder AB') },
  'GET /v1/debtors/{id}/export': { request: (a) => ({ url: `/v1/debtors/${a.debtorId}/export` }), check: notFound },
  'POST /v1/debtors/{id}/erase': { request: (a) => ({ method: 'POST', url: `/v1/debtors/${a.debtorId}/erase` }), check: notFound },
  'GET /v1/audit-events': {
    // B's own log names A's case only in B's own refused attempts (the probes above), never A's requests.
    request: (a) => ({ url: `/v1/audit-events?resourceId=${a.caseId}&limit=200` }),
    check: (res) => {
      const items = res.json().items as { status: number; apiKeyId: string }[];
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((e) => e.status === 404)).toBe(true);
      expect(new Set(items.map((e) => e.apiKeyId)).size).toBe(1);
    },
  },
};

/** The creditor routes of the OpenAPI document, as `METHOD /path`. */
function creditorRoutes(): string[] {
  const doc = api.app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => op.security === undefined && path.startsWith('/v1/'))
      .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
}

/** Two scopes unrelated to each other: every route needs something neither of them grants, or one of them. */
const UNRELATED: [Scope, Scope] = ['events:read', 'templates:read'];

describe('a creditor never sees another creditor’s data', () => {
  let owned: Owned;
  let intruder: { authorization: string };
  let ownerAuth: { authorization: string };
  /** Keys of the owner with one scope each (the UNRELATED ones), and one with every read scope. */
  let ownerWith: Record<string, { authorization: string }>;
  let ownerReadOnly: { authorization: string };

  beforeAll(async () => {
    const a = await api.creditor('Owner AB');
    ownerAuth = a.auth;
    const issue = async (scopes: string[]) => {
      const res = await api.app.inject({ method: 'POST', url: `/v1/admin/creditors/${a.id}/api-keys`, headers: admin, payload: { name: scopes.join(' '), scopes } });
      expect(res.statusCode).toBe(201);
      return { authorization: `Bearer ${res.json<{ key: string }>().key}` };
    };
    ownerWith = {};
    for (const scope of UNRELATED) ownerWith[scope] = await issue([scope]);
    ownerReadOnly = await issue(SCOPE_NAMES.filter((s) => s.endsWith(':read')));
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
    await api.app.inject({
      method: 'PUT',
      url: '/v1/creditor/agency-connector',
      headers: a.auth,
      payload: { kind: 'http', agencyName: 'Owner agency', url: 'https://owner-agency.example/intake', authHeader: 'Bearer owner-secret' },
    });
    const task = await api.database.db
      .insertInto('tasks')
      .values({ creditor_id: a.id, case_id: created.id, kind: 'call', assignee: 'owner', due_date: '2026-01-05', status: 'open', created_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const agreement = await api.database.db
      .insertInto('agreements')
      .values({
        creditor_id: a.id,
        case_id: created.id,
        debtor_id: created.debtorId,
        kind: 'promise',
        status: 'active',
        currency: 'SEK',
        total_minor: 100,
        follow_up_date: '2099-01-11',
        follow_up_at: new Date('2099-01-11T08:00:00Z'),
        fallback: JSON.stringify({ action: 'final_demand' }),
        fallback_revealed: false,
        grace_days: 0,
        channel: 'email',
        made_at: new Date(),
        actor_kind: 'system',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    owned = {
      agreementId: agreement.id,
      taskId: task.id,
      notificationId: notification!.id,
      caseId: created.id,
      invoiceId: created.invoices[0].id,
      debtorId: created.debtorId,
      customerNumber: 'CUST-OWNED',
      externalReference: 'EXT-OWNED',
      policyId: policy.id,
      paymentFileXml: '',
      paymentFileId: '',
      unmatchedPaymentId: '',
      webhookEndpointId: '',
      webhookDeliveryId: '',
    };
    owned.paymentFileXml = bankFile([created.paymentReference ?? '1000173', '9999999999999999999999999']);
    const imported = (await api.app.inject({ method: 'POST', url: '/v1/payment-files', headers: { ...a.auth, 'content-type': 'application/xml' }, payload: owned.paymentFileXml })).json();
    owned.paymentFileId = imported.id;
    owned.unmatchedPaymentId = imported.entries.find((e: { unmatchedPaymentId: string | null }) => e.unmatchedPaymentId).unmatchedPaymentId;
    await api.app.inject({ method: 'PUT', url: `/v1/cases/${owned.caseId}/invoices/${owned.invoiceId}/document`, headers: { ...a.auth, 'content-type': 'application/pdf' }, payload: SAMPLE_PDF });
    const hook = await api.app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: a.auth, payload: { url: 'https://93.184.216.34/owner-hook' } });
    owned.webhookEndpointId = hook.json().id;
    const event = await api.database.db.selectFrom('outbox').select('id').where('creditor_id', '=', a.id).limit(1).executeTakeFirstOrThrow();
    const hookDelivery = await api.database.db
      .insertInto('webhook_deliveries')
      .values({ creditor_id: a.id, endpoint_id: owned.webhookEndpointId, outbox_id: event.id, position: 1, case_id: owned.caseId, status: 'delivered', next_attempt_at: new Date(), created_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    owned.webhookDeliveryId = hookDelivery.id;
    // Publish A's events as the relay would, so the feed has A's events to leak.
    await api.database.db.updateTable('outbox').set((eb) => ({ position: eb.ref('seq'), published_at: new Date() })).where('creditor_id', '=', a.id).execute();
  });

  it('covers every creditor route in the OpenAPI document', () => {
    expect(creditorRoutes().sort()).toEqual(Object.keys(probes).sort());
  });

  for (const [route, probe] of Object.entries(probes)) {
    it(`${route} with another creditor's ids`, async () => {
      const options = probe.request(owned);
      const res = await api.app.inject({ method: 'GET', ...options, headers: { ...options.headers, ...intruder } });
      probe.check(res, owned);
    });
  }

  it('names the scope of every creditor route in the OpenAPI document', () => {
    const routes = creditorRoutes();
    expect(routes.length).toBeGreaterThan(50);
    expect(routes.filter((route) => !ROUTE_SCOPES[route])).toEqual([]);
  });

  for (const [route, probe] of Object.entries(probes)) {
    const needed = ROUTE_SCOPES[route];
    it(`${route} with the owner's own ids and a key without ${needed ?? 'its scope'}`, async () => {
      expect(needed, `${route} has no scope in ROUTE_SCOPES`).toBeDefined();
      const scope = UNRELATED.find((s) => !grants([s], needed!))!;
      const options = probe.request(owned);
      const res = await api.app.inject({ method: 'GET', ...options, headers: { ...options.headers, ...ownerWith[scope] } });
      const body = problem(res, 403);
      expect(body.type).toBe('/problems/forbidden');
      expect(body.detail).toContain(needed);
    });
  }

  it('refuses every route that writes or manages to a key with every read scope', async () => {
    const refused: string[] = [];
    for (const [route, probe] of Object.entries(probes)) {
      const needed = ROUTE_SCOPES[route]!;
      if (needed.endsWith(':read')) continue;
      const options = probe.request(owned);
      const res = await api.app.inject({ method: 'GET', ...options, headers: { ...options.headers, ...ownerReadOnly } });
      expect(problem(res, 403).type, route).toBe('/problems/forbidden');
      refused.push(route);
    }
    expect(refused.length).toBeGreaterThan(30);
  });

  it('left the owner’s data as it was', async () => {
    const res = await api.app.inject({ method: 'GET', url: `/v1/cases/${owned.caseId}`, headers: ownerAuth });
    expect(res.json()).toMatchObject({ handler: null, status: 'verification', invoices: [{ number: 'F-1001' }] });
    const policy = await api.app.inject({ method: 'GET', url: `/v1/policies/${owned.policyId}`, headers: ownerAuth });
    expect(policy.json()).toMatchObject({ name: 'Owned policy', version: 1 });
    const template = await api.app.inject({ method: 'GET', url: '/v1/templates/friendly_reminder/sv', headers: ownerAuth });
    expect(template.json()).toMatchObject({ custom: true, subject: 'Owned' });
    const debtor = await api.app.inject({ method: 'GET', url: `/v1/debtors/${owned.debtorId}`, headers: ownerAuth });
    expect(debtor.json().name).toBe('Kund AB');
    const connector = await api.app.inject({ method: 'GET', url: '/v1/creditor/agency-connector', headers: ownerAuth });
    expect(connector.json()).toMatchObject({ agencyName: 'Owner agency', url: 'https://owner-agency.example/intake', hasAuthHeader: true });
    const unmatched = await api.app.inject({ method: 'GET', url: '/v1/unmatched-payments', headers: ownerAuth });
    expect(unmatched.json().items).toEqual([expect.objectContaining({ id: owned.unmatchedPaymentId, status: 'open' })]);
    const hook = await api.app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${owned.webhookEndpointId}`, headers: ownerAuth });
    expect(hook.json()).toMatchObject({ url: 'https://93.184.216.34/owner-hook', enabled: true, secrets: [expect.objectContaining({ expiresAt: null })] });
    expect(await api.database.db.selectFrom('webhook_deliveries').select('status').where('id', '=', owned.webhookDeliveryId).executeTakeFirstOrThrow()).toEqual({ status: 'delivered' });
    const feed = await api.app.inject({ method: 'GET', url: '/v1/events?limit=500', headers: ownerAuth });
    expect(feed.json().items.map((e: { subject?: string }) => e.subject)).toContain(owned.caseId);
  });
});
