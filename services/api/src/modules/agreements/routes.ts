import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applyCaseAction, endActiveAgreement, makeAgreement } from '@fordra/collection';
import { activity, agreements, cases } from '@fordra/db';
import { actorOf, creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdempotencyHeaders, IdParams, Text } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { scheduleJobs, sendSoon } from '../case-life/jobs.js';
import { AgreementBody, agreementRequest, AgreementSchema, toAgreement } from './schemas.js';

const tags = ['agreements'];

export const agreementRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { db, clock } = deps;

  app.post(
    '/cases/:id/agreements',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Make an agreement: a promise to pay or an instalment plan',
        description: `Holds the policy's reminders, schedules a check of the payments the morning after each promised date (plus the creditor's grace days), and sends the debtor the written follow-up: what the debtor will do and by when, what the creditor will do, when the creditor follows up, what happens if the agreement is not kept, and a link to confirm it. A new agreement replaces the one being kept. To record the call it was made on as well, post it inside a contact instead. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        params: IdParams,
        headers: IdempotencyHeaders,
        body: AgreementBody,
        response: { 201: AgreementSchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const creditorId = creditorOf(request).creditorId;
      const now = clock.now();
      const { body, made } = await db.transaction().execute(async (trx) => {
        const row = await cases.getCaseForUpdate(trx, creditorId, request.params.id);
        if (!row) throw new HttpProblem('not-found', 'no such case');
        const made = await makeAgreement(trx, row, agreementRequest(request.body), actorOf(request), now);
        return { body: await commitResponse(trx, request, 201, toAgreement(made.agreement, made.instalments)), made };
      });
      await scheduleJobs(deps, made.deadlines, now, request.log);
      if (made.notificationId) await sendSoon(deps, [made.notificationId], request.log);
      return reply.code(201).header('location', `/v1/agreements/${body.id}`).send(body);
    },
  );

  app.get(
    '/cases/:id/agreements',
    {
      schema: { summary: "A case's agreements, oldest first", tags, params: IdParams, response: { 200: z.object({ items: z.array(AgreementSchema) }), ...problemResponses(400, 401, 404) } },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      if (!(await cases.getCase(db, creditorId, request.params.id))) throw new HttpProblem('not-found', 'no such case');
      const rows = await db.selectFrom('agreements').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', request.params.id).orderBy('made_at').orderBy('id').execute();
      const instalments = await agreements.listInstalments(db, creditorId, rows.map((r) => r.id));
      return { items: rows.map((r) => toAgreement(r, instalments)) };
    },
  );

  app.get(
    '/agreements/:id',
    { schema: { summary: 'One agreement with its instalments and their checks', tags, params: IdParams, response: { 200: AgreementSchema, ...problemResponses(400, 401, 404) } } },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const row = await db.selectFrom('agreements').selectAll().where('creditor_id', '=', creditorId).where('id', '=', request.params.id).executeTakeFirst();
      if (!row) throw new HttpProblem('not-found', 'no such agreement');
      return toAgreement(row, await agreements.listInstalments(db, creditorId, [row.id]));
    },
  );

  app.post(
    '/agreements/:id/cancel',
    {
      schema: {
        summary: 'Cancel an agreement being kept: no fallback runs and the policy resumes',
        description: 'For an agreement recorded in error or overtaken by events. A broken agreement is not cancelled: its fallback has already run.',
        tags,
        params: IdParams,
        body: z.object({ reason: Text(500).describe('Why the agreement is cancelled.') }),
        response: { 200: AgreementSchema, ...problemResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const now = clock.now();
      const { body, deadlines } = await db.transaction().execute(async (trx) => {
        const found = await trx.selectFrom('agreements').select(['case_id']).where('creditor_id', '=', creditorId).where('id', '=', request.params.id).executeTakeFirst();
        if (!found) throw new HttpProblem('not-found', 'no such agreement');
        const row = await cases.getCaseForUpdate(trx, creditorId, found.case_id);
        const agreement = await trx.selectFrom('agreements').selectAll().where('id', '=', request.params.id).executeTakeFirstOrThrow();
        if (!row || agreement.status !== 'active') throw new HttpProblem('conflict', `the agreement is ${agreement.status}, not active`);
        await endActiveAgreement(trx, row.id, 'cancelled', request.body.reason, now);
        await activity.appendActivity(trx, [{ creditorId, caseId: row.id, type: 'agreement.cancelled', actor: actorOf(request), data: { agreementId: agreement.id, reason: request.body.reason } }], now);
        const released = row.status === 'on_hold' && row.hold_reason === 'agreement' ? await applyCaseAction(trx, row, 'end_agreement_hold', { note: request.body.reason }, actorOf(request), now) : null;
        const ended = await trx.selectFrom('agreements').selectAll().where('id', '=', agreement.id).executeTakeFirstOrThrow();
        return { body: toAgreement(ended, await agreements.listInstalments(trx, creditorId, [ended.id])), deadlines: released?.deadlines ?? [] };
      });
      await scheduleJobs(deps, deadlines, now, request.log);
      return body;
    },
  );
};
