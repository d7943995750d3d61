import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { logContact, TaskNotOpen } from '@fordra/collection';
import { cases } from '@fordra/db';
import { actorOf, creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdempotencyHeaders, IdParams } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { agreementRequest, toAgreement } from '../agreements/schemas.js';
import { scheduleJobs, sendSoon } from '../case-life/jobs.js';
import { ContactBody, ContactSchema, LoggedContactSchema, toContact } from './schemas.js';

const tags = ['contacts'];

export const contactRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { db, clock } = deps;

  app.post(
    '/cases/:id/contacts',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Log a contact: a call, meeting, email, letter or the debtor\'s own message',
        description: `Every attempt is recorded, answered or not. A contact that answers a task closes it, and only with an outcome and a next step. A small problem opens a verification item and holds the reminders until it is solved; an unhappy-with-goods reason can open a dispute; an agreement made on the call is posted inside the contact. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        params: IdParams,
        headers: IdempotencyHeaders,
        body: ContactBody,
        response: { 201: LoggedContactSchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const creditorId = creditorOf(request).creditorId;
      const now = clock.now();
      const b = request.body;
      const { body, logged } = await db.transaction().execute(async (trx) => {
        const row = await cases.getCaseForUpdate(trx, creditorId, request.params.id);
        if (!row) throw new HttpProblem('not-found', 'no such case');
        if (row.status === 'closed') throw new HttpProblem('illegal-transition', 'the case is closed');
        const logged = await logContact(
          trx,
          row,
          {
            channel: b.channel,
            direction: b.direction,
            reached: b.reached,
            outcome: b.outcome,
            lateReason: b.lateReason ?? null,
            notes: b.notes ?? null,
            nextStep: b.nextStep ?? null,
            taskId: b.taskId ?? null,
            openDispute: b.openDispute,
            occurredAt: b.occurredAt ? new Date(b.occurredAt) : null,
            agreement: b.agreement ? agreementRequest(b.agreement) : null,
          },
          actorOf(request),
          now,
        ).catch((err: unknown) => {
          if (err instanceof TaskNotOpen) throw new HttpProblem('conflict', err.message);
          throw err;
        });
        const answer = {
          ...toContact(logged.contact),
          agreement: logged.agreement ? toAgreement(logged.agreement.agreement, logged.agreement.instalments) : null,
          openedTaskIds: logged.openedTaskIds,
        };
        return { body: await commitResponse(trx, request, 201, answer), logged };
      });
      await scheduleJobs(deps, logged.deadlines, now, request.log);
      if (logged.agreement?.notificationId) await sendSoon(deps, [logged.agreement.notificationId], request.log);
      return reply.code(201).send(body);
    },
  );

  app.get(
    '/cases/:id/contacts',
    { schema: { summary: "A case's contacts, oldest first", tags, params: IdParams, response: { 200: z.object({ items: z.array(ContactSchema) }), ...problemResponses(400, 401, 404) } } },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      if (!(await cases.getCase(db, creditorId, request.params.id))) throw new HttpProblem('not-found', 'no such case');
      const rows = await db.selectFrom('contacts').selectAll().where('creditor_id', '=', creditorId).where('case_id', '=', request.params.id).orderBy('occurred_at').orderBy('id').execute();
      return { items: rows.map(toContact) };
    },
  );
};
