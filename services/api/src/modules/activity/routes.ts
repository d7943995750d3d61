import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { activity, cases } from '@fordra/db';
import { creditorOf } from '../../http/auth.js';
import { pageOf, pageQuery } from '../../http/pagination.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdParams } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { ActivitySchema, toActivity } from './schemas.js';

const encode = (id: bigint) => Buffer.from(`a:${id}`).toString('base64url');

function decode(cursor: string | undefined): bigint | undefined {
  if (cursor === undefined) return undefined;
  const match = /^a:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) {
    throw new HttpProblem('validation', 'the cursor is not one this API gave out', { errors: [{ in: 'query', pointer: '/cursor', detail: 'unknown cursor' }] });
  }
  return BigInt(match[1]);
}

export const activityRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db }) => {
  app.get(
    '/cases/:id/activity',
    {
      schema: {
        summary: "A case's activity record, newest first",
        description: 'Everything that happened to the case, who did it and when. Entries are never changed or removed.',
        tags: ['cases'],
        params: IdParams,
        querystring: z.object(pageQuery),
        response: { 200: pageOf(ActivitySchema), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const { limit, cursor } = request.query;
      const beforeId = decode(cursor);
      if (!(await cases.getCase(db, creditorId, request.params.id))) throw new HttpProblem('not-found', 'no such case');
      const rows = await activity.listActivity(db, creditorId, request.params.id, { limit, beforeId });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items: items.map(toActivity), nextCursor: rows.length > limit && last ? encode(last.id) : null };
    },
  );
};
