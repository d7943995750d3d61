import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caseOutstanding } from '@fordra/collection';
import { cases } from '@fordra/db';
import { toJsonAmount } from '@fordra/domain';
import { checkWebhookUrl } from '@fordra/webhooks';
import { actorOf, creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdempotencyHeaders, IdParams } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { scheduleJobs } from '../case-life/jobs.js';
import {
  AgencyConnectorSchema,
  AgencyUpdateBody,
  AgencyUpdateSchema,
  HandoverSchema,
  PutAgencyConnectorBody,
  RecordedAgencyUpdate,
  toAgencyUpdate,
  toConnector,
  toHandover,
} from './schemas.js';
import { applyAgencyUpdate } from './updates.js';

const tags = ['agency'];

export const agencyRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { db, clock, config } = deps;
  const connectorOf = (creditorId: string) => db.selectFrom('agency_connectors').selectAll().where('creditor_id', '=', creditorId).executeTakeFirst();

  app.get(
    '/creditor/agency-connector',
    { schema: { summary: 'Where handed-over cases go', tags, response: { 200: AgencyConnectorSchema, ...problemResponses(401) } } },
    async (request) => toConnector(await connectorOf(creditorOf(request).creditorId)),
  );

  app.put(
    '/creditor/agency-connector',
    {
      schema: {
        summary: 'Choose the agency connector',
        description: 'Every later hand-over goes through it; hand-overs already delivered stay where they went. The credentials are write-only. The URL’s host must resolve only to public addresses (no private, loopback, link-local or cloud metadata address), checked now and again at every delivery; the operator may allow named hosts (WEBHOOK_ALLOWED_HOSTS). A refused URL answers 422 naming /url.',
        tags,
        body: PutAgencyConnectorBody,
        response: { 200: AgencyConnectorSchema, ...problemResponses(400, 401, 422) },
      },
    },
    async (request) => {
      const b = request.body;
      const creditorId = creditorOf(request).creditorId;
      // The creditor chooses where the notifier posts debtors' data: the same guard as for webhooks.
      if (b.kind === 'http' && b.url) {
        const check = await checkWebhookUrl(b.url, { allowedHosts: config.WEBHOOK_ALLOWED_HOSTS });
        if (!check.ok) {
          throw new HttpProblem('unprocessable', `hand-overs cannot be sent to this URL: ${check.reason}`, { errors: [{ in: 'body', pointer: '/url', detail: check.reason }] });
        }
      }
      // Omitted credentials stay as they were: a client cannot read them back to send them again.
      const credentials = b.authHeader === undefined ? ((await connectorOf(creditorId))?.auth_header ?? null) : b.authHeader;
      const http = b.kind === 'http';
      const values = { kind: b.kind, agency_name: b.agencyName, url: http ? b.url! : null, auth_header: http ? credentials : null, updated_at: clock.now() };
      const row = await db
        .insertInto('agency_connectors')
        .values({ creditor_id: creditorId, ...values })
        .onConflict((oc) => oc.column('creditor_id').doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toConnector(row);
    },
  );

  app.delete(
    '/creditor/agency-connector',
    { schema: { summary: 'Go back to the default folder connector', tags, response: { 200: AgencyConnectorSchema, ...problemResponses(401) } } },
    async (request) => {
      await db.deleteFrom('agency_connectors').where('creditor_id', '=', creditorOf(request).creditorId).execute();
      return toConnector(undefined);
    },
  );

  app.get(
    '/cases/:id/handovers',
    {
      schema: { summary: "A case's hand-overs to the agency, oldest first", tags, params: IdParams, response: { 200: z.object({ items: z.array(HandoverSchema) }), ...problemResponses(400, 401, 404) } },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      if (!(await cases.getCase(db, creditorId, request.params.id))) throw new HttpProblem('not-found', 'no such case');
      const rows = await db.selectFrom('handovers').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', request.params.id).orderBy('created_at').orderBy('id').execute();
      return { items: rows.map(toHandover) };
    },
  );

  app.post(
    '/cases/:id/agency-updates',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Report what the agency did with a handed-over case',
        description: `received stores the agency's reference; payment_collected records a payment (a settled case closes as paid); closed closes the case (paid, or written off when something is left); returned brings the case back to active collection with a call task for its handler today. Only a case that was handed over takes reports, and a closed one only 'received'. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        params: IdParams,
        headers: IdempotencyHeaders,
        body: AgencyUpdateBody,
        response: { 201: RecordedAgencyUpdate, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const auth = creditorOf(request);
      const now = clock.now();
      const b = request.body;
      const report = { kind: b.kind, agencyReference: b.agencyReference ?? null, amountMinor: b.amount ?? null, paidOn: b.paidOn ?? null, note: b.note ?? null };
      const { body, deadlines } = await db.transaction().execute(async (trx) => {
        const row = await cases.getCaseForUpdate(trx, auth.creditorId, request.params.id);
        if (!row) throw new HttpProblem('not-found', 'no such case');
        const result = await applyAgencyUpdate(trx, row, report, actorOf(request), auth.timeZone, now);
        const outstanding = await caseOutstanding(trx, result.row, now);
        const answer = {
          ...toAgencyUpdate(result.update, row.currency),
          caseStatus: result.row.status,
          closeReason: result.row.close_reason,
          outstanding: { amount: toJsonAmount(outstanding), currency: outstanding.currency },
          handover: toHandover(result.handover),
        };
        return { body: await commitResponse(trx, request, 201, answer), deadlines: result.deadlines };
      });
      await scheduleJobs(deps, deadlines, now, request.log);
      return reply.code(201).send(body);
    },
  );

  app.get(
    '/cases/:id/agency-updates',
    {
      schema: { summary: "What the agency reported on a case, oldest first", tags, params: IdParams, response: { 200: z.object({ items: z.array(AgencyUpdateSchema) }), ...problemResponses(400, 401, 404) } },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const row = await cases.getCase(db, creditorId, request.params.id);
      if (!row) throw new HttpProblem('not-found', 'no such case');
      const rows = await db.selectFrom('agency_updates').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', row.id).orderBy('reported_at').orderBy('id').execute();
      return { items: rows.map((u) => toAgencyUpdate(u, row.currency)) };
    },
  );
};
