import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { Database, Db } from '@fordra/db';
import { AUDIT_ACTIONS } from '../../http/audit.js';
import { creditorOf } from '../../http/auth.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../http/pagination.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { Instant, iso } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';

export const AuditEventSchema = z
  .object({
    id: z.string().regex(/^[0-9]+$/).describe('Grows with every event: later events have larger ids.'),
    actorKind: z.enum(['api_key', 'admin']).describe('api_key: a request with one of the creditor’s API keys; admin: an operator with the admin token.'),
    apiKeyId: z.uuid().nullable().describe('The API key that made the request (null for the admin).'),
    requestId: z.string().nullable().describe('The request’s `x-request-id`, to find it in the logs.'),
    action: z
      .enum(AUDIT_ACTIONS)
      .describe('write: the request could change data (POST, PUT, PATCH, DELETE); read_personal_data: it read debtors’ personal data; export: a debtor’s data export; erase: a debtor’s erasure.'),
    method: z.string(),
    route: z.string().describe('The route as the OpenAPI document names it, e.g. `/v1/debtors/{id}`.'),
    resourceType: z.string().nullable().describe('What the request was about: debtor, case, agreement, notification, task, …'),
    resourceId: z.string().nullable().describe('Its id as the request named it (or, for a creating request, the id it answered with).'),
    status: z.number().int().describe('The response status: refused and failed requests are recorded too.'),
    occurredAt: Instant,
  })
  .meta({ id: 'AuditEvent' });

export type AuditEvent = z.infer<typeof AuditEventSchema>;

type AuditRow = Omit<Selectable<Database['audit_events']>, 'creditor_id'>;

export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id.toString(),
    actorKind: row.actor_kind as AuditEvent['actorKind'],
    apiKeyId: row.api_key_id,
    requestId: row.request_id,
    action: row.action as AuditEvent['action'],
    method: row.method,
    route: row.route,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    status: row.status,
    occurredAt: iso(row.occurred_at),
  };
}

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).describe(`Page size, at most ${MAX_PAGE_SIZE}.`),
  cursor: z.string().max(100).optional().describe('The `nextCursor` of the previous page.'),
  apiKeyId: z.uuid().optional().describe('Only requests made with this key.'),
  action: z.enum(AUDIT_ACTIONS).optional(),
  resourceType: z.string().max(50).optional(),
  resourceId: z.string().max(200).optional(),
  from: Instant.optional().describe('Only events at or after this instant.'),
  to: Instant.optional().describe('Only events before this instant.'),
});

/** Cursors are opaque to clients: the id of the last event of the page, base64url. */
const encodeCursor = (id: bigint) => Buffer.from(`audit:${id}`).toString('base64url');

function decodeCursor(cursor: string | undefined): bigint | undefined {
  if (cursor === undefined) return undefined;
  const match = /^audit:([0-9]{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new HttpProblem('validation', 'the cursor is not one this API gave out', { errors: [{ in: 'query', pointer: '/cursor', detail: 'unknown cursor' }] });
  }
  return BigInt(match[1]!);
}

export async function listAuditEvents(db: Db, creditorId: string, query: z.infer<typeof AuditQuery>) {
  const before = decodeCursor(query.cursor);
  let q = db.selectFrom('audit_events').selectAll().where('creditor_id', '=', creditorId);
  if (before !== undefined) q = q.where('id', '<', before);
  if (query.apiKeyId) q = q.where('api_key_id', '=', query.apiKeyId);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.resourceType) q = q.where('resource_type', '=', query.resourceType);
  if (query.resourceId) q = q.where('resource_id', '=', query.resourceId);
  if (query.from) q = q.where('occurred_at', '>=', new Date(query.from));
  if (query.to) q = q.where('occurred_at', '<', new Date(query.to));
  const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items: items.map(toAuditEvent), nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null };
}

export const auditRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db }) => {
  app.get(
    '/audit-events',
    {
      schema: {
        summary: "The creditor's audit log, newest first",
        description:
          'One event per request that wrote (POST, PUT, PATCH, DELETE) and per request that read debtors’ personal data, export and erasure included: ' +
          'who (which API key, or the admin), which request, what (method, route, resource), the answer’s status and when. Recorded just after the answer is sent.',
        tags: ['audit'],
        querystring: AuditQuery,
        response: { 200: z.object({ items: z.array(AuditEventSchema), nextCursor: z.string().nullable() }), ...problemResponses(400, 401) },
      },
    },
    async (request) => listAuditEvents(db, creditorOf(request).creditorId, request.query),
  );
};
