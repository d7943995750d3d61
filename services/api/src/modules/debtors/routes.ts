import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { debtors, splitPage } from '@fordra/db';
import { creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { decodeCursor, encodeCursor, pageOf, pageQuery } from '../../http/pagination.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdempotencyHeaders, IdParams } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { DebtorInput, DebtorPatch, DebtorSchema, toDebtor } from './schemas.js';
import { createDebtor, updateDebtor } from './write.js';

const tags = ['debtors'];

export const debtorRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock }) => {
  app.post(
    '/debtors',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Register a debtor',
        description: IDEMPOTENCY_HEADER_DOC,
        tags,
        headers: IdempotencyHeaders,
        body: DebtorInput,
        response: { 201: DebtorSchema, ...problemResponses(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const creditor = creditorOf(request);
      const result = await db.transaction().execute(async (trx) => {
        const row = await createDebtor(trx, creditor, request.body, clock.now());
        return commitResponse(trx, request, 201, toDebtor(row));
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/debtors/:id',
    { schema: { summary: 'Read a debtor', tags, params: IdParams, response: { 200: DebtorSchema, ...problemResponses(400, 401, 404) } } },
    async (request) => {
      const row = await debtors.getDebtor(db, creditorOf(request).creditorId, request.params.id);
      if (!row) throw new HttpProblem('not-found', 'no such debtor');
      return toDebtor(row);
    },
  );

  app.patch(
    '/debtors/:id',
    {
      schema: {
        summary: 'Change a debtor',
        description: 'Send only the fields to change; null clears an optional field.',
        tags,
        params: IdParams,
        body: DebtorPatch,
        response: { 200: DebtorSchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const creditor = creditorOf(request);
      const row = await db.transaction().execute((trx) => updateDebtor(trx, creditor, request.params.id, request.body, clock.now()));
      if (!row) throw new HttpProblem('not-found', 'no such debtor');
      return toDebtor(row);
    },
  );

  app.get(
    '/debtors',
    {
      schema: {
        summary: 'List debtors, newest first',
        tags,
        querystring: z.object({ ...pageQuery, customerNumber: z.string().max(64).optional() }),
        response: { 200: pageOf(DebtorSchema), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { limit, cursor, customerNumber } = request.query;
      const rows = await debtors.listDebtors(db, creditorOf(request).creditorId, { customerNumber }, { limit, after: decodeCursor(cursor) });
      const { items, next } = splitPage(rows, limit);
      return { items: items.map(toDebtor), nextCursor: next ? encodeCursor(next) : null };
    },
  );
};
