import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { afterCursor, outbox, splitPage, type Db, type WebhookEndpointRow } from '@fordra/db';
import { event, EVENT_TYPES } from '@fordra/domain';
import { checkWebhookUrl, newSecret } from '@fordra/webhooks';
import { creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { decodeCursor, encodeCursor, pageOf, pageQuery } from '../../http/pagination.js';
import { HttpProblem, problemResponses, type FieldError } from '../../http/problems.js';
import { IdempotencyHeaders, IdParams, iso } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import {
  AttemptSchema,
  CreatedWebhookEndpointSchema,
  CreateWebhookEndpointBody,
  ReplayBody,
  ReplayResultSchema,
  RotateSecretBody,
  TestEventSchema,
  toEndpoint,
  UpdateWebhookEndpointBody,
  WebhookEndpointSchema,
  type SecretInfo,
} from './schemas.js';

const tags = ['webhooks'];
const KNOWN_TYPES = new Set<string>(EVENT_TYPES);
/** A range replay creates and resets deliveries in one statement; a month bounds its size. */
const MAX_REPLAY_RANGE_MS = 31 * 86_400_000;
const DISABLED_BY_REQUEST = 'disabled by the creditor';

const encodeAttemptCursor = (id: bigint) => Buffer.from(`w:${id}`).toString('base64url');

function decodeAttemptCursor(cursor: string | undefined): bigint | undefined {
  if (cursor === undefined) return undefined;
  const match = /^w:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new HttpProblem('validation', 'the cursor is not one this API gave out', { errors: [{ in: 'query', pointer: '/cursor', detail: 'unknown cursor' }] });
  return BigInt(match[1]);
}

/**
 * Checks what a creditor sends about an endpoint: each event type known, the URL leading only to
 * public addresses (or an allow-listed host). One 422 names every refused field; the wanted types
 * come back each once, in the order given.
 */
async function checkEndpointFields(fields: { url?: string | undefined; eventTypes?: string[] | undefined }, allowedHosts: readonly string[]): Promise<{ eventTypes: string[] | undefined }> {
  const errors: FieldError[] = [];
  const details: string[] = [];
  const unknown = (fields.eventTypes ?? []).map((type, index) => ({ type, index })).filter((t) => !KNOWN_TYPES.has(t.type));
  if (unknown.length) {
    errors.push(...unknown.map((t): FieldError => ({ in: 'body', pointer: `/eventTypes/${t.index}`, detail: `unknown event type '${t.type}'` })));
    details.push(`unknown event type(s): ${unknown.map((t) => t.type).join(', ')}`);
  }
  if (fields.url !== undefined) {
    const check = await checkWebhookUrl(fields.url, { allowedHosts });
    if (!check.ok) {
      errors.push({ in: 'body', pointer: '/url', detail: check.reason });
      details.push(`this URL cannot receive webhooks: ${check.reason}`);
    }
  }
  if (errors.length) throw new HttpProblem('unprocessable', details.join('; '), { errors });
  return { eventTypes: fields.eventTypes && [...new Set(fields.eventTypes)] };
}

/** Secrets that sign at `now`, per endpoint: the current one first. */
async function activeSecrets(db: Db, endpointIds: readonly string[], now: Date): Promise<Map<string, SecretInfo[]>> {
  const bySecret = new Map<string, SecretInfo[]>(endpointIds.map((id) => [id, []]));
  if (endpointIds.length === 0) return bySecret;
  const rows = await db
    .selectFrom('webhook_secrets')
    .select(['id', 'endpoint_id', 'created_at', 'expires_at'])
    .where('endpoint_id', 'in', endpointIds)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    // The current secret is the one without an end (exactly one per endpoint), even when a rotation
    // happened within the same instant as the one before; then the older ones, latest first.
    .orderBy(sql`expires_at DESC NULLS FIRST`)
    .orderBy('created_at', 'desc')
    .execute();
  for (const r of rows) bySecret.get(r.endpoint_id)?.push(r);
  return bySecret;
}

export const webhookRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock, config }) => {
  const allowedHosts = config.WEBHOOK_ALLOWED_HOSTS;

  const endpointOf = (q: Db, creditorId: string, id: string) =>
    q.selectFrom('webhook_endpoints').selectAll().where('creditor_id', '=', creditorId).where('id', '=', id).where('deleted_at', 'is', null);
  const lockedEndpoint = async (q: Db, creditorId: string, id: string): Promise<WebhookEndpointRow> => {
    const row = await endpointOf(q, creditorId, id).forUpdate().executeTakeFirst();
    if (!row) throw new HttpProblem('not-found', 'no such webhook endpoint');
    return row;
  };
  const answer = async (q: Db, row: WebhookEndpointRow) => toEndpoint(row, (await activeSecrets(q, [row.id], clock.now())).get(row.id) ?? []);

  app.post(
    '/webhook-endpoints',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Register a webhook endpoint',
        description: `Events of the chosen types are POSTed to the URL as CloudEvents (structured JSON), signed per the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature). The signing secret is in this answer and nowhere else: store it now. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        headers: IdempotencyHeaders,
        body: CreateWebhookEndpointBody,
        response: { 201: CreatedWebhookEndpointSchema, ...problemResponses(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const creditorId = creditorOf(request).creditorId;
      const b = request.body;
      const eventTypes = (await checkEndpointFields(b, allowedHosts)).eventTypes ?? [];
      const url = b.url;
      const now = clock.now();
      const result = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('webhook_endpoints')
          .values({
            creditor_id: creditorId,
            url,
            description: b.description ?? null,
            event_types: eventTypes,
            enabled: b.enabled,
            disabled_reason: b.enabled ? null : DISABLED_BY_REQUEST,
            disabled_at: b.enabled ? null : now,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const secret = newSecret();
        const stored = await trx.insertInto('webhook_secrets').values({ endpoint_id: row.id, secret, created_at: now, expires_at: null }).returning(['id', 'created_at', 'expires_at']).executeTakeFirstOrThrow();
        return commitResponse(trx, request, 201, { ...toEndpoint(row, [stored]), secret });
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/webhook-endpoints',
    {
      schema: {
        summary: 'List webhook endpoints, newest first',
        tags,
        querystring: z.object(pageQuery),
        response: { 200: pageOf(WebhookEndpointSchema), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const { limit, cursor } = request.query;
      const after = decodeCursor(cursor);
      let query = db.selectFrom('webhook_endpoints').selectAll().where('creditor_id', '=', creditorId).where('deleted_at', 'is', null);
      if (after) query = query.where(afterCursor(after));
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      const { items, next } = splitPage(rows, limit);
      const secrets = await activeSecrets(db, items.map((e) => e.id), clock.now());
      return { items: items.map((e) => toEndpoint(e, secrets.get(e.id) ?? [])), nextCursor: next ? encodeCursor(next) : null };
    },
  );

  app.get(
    '/webhook-endpoints/:id',
    { schema: { summary: 'One webhook endpoint (never its secret)', tags, params: IdParams, response: { 200: WebhookEndpointSchema, ...problemResponses(400, 401, 404) } } },
    async (request) => {
      const row = await endpointOf(db, creditorOf(request).creditorId, request.params.id).executeTakeFirst();
      if (!row) throw new HttpProblem('not-found', 'no such webhook endpoint');
      return answer(db, row);
    },
  );

  app.patch(
    '/webhook-endpoints/:id',
    {
      schema: {
        summary: 'Change a webhook endpoint, or disable or re-enable it',
        description:
          'A disabled endpoint receives nothing: events that occur while it is disabled are not queued for it (the event feed has them all), and deliveries already queued wait. Re-enabling clears the reason it was disabled and its failure record; the deliveries that waited are sent, in order.',
        tags,
        params: IdParams,
        body: UpdateWebhookEndpointBody,
        response: { 200: WebhookEndpointSchema, ...problemResponses(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const b = request.body;
      const { eventTypes } = await checkEndpointFields(b, allowedHosts);
      const url = b.url;
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const row = await lockedEndpoint(trx, creditorId, request.params.id);
        const enabling = b.enabled === true && !row.enabled;
        const disabling = b.enabled === false && row.enabled;
        const updated = await trx
          .updateTable('webhook_endpoints')
          .set({
            ...(url !== undefined && { url }),
            ...(eventTypes !== undefined && { event_types: eventTypes }),
            ...(b.description !== undefined && { description: b.description }),
            ...(enabling && { enabled: true, disabled_reason: null, disabled_at: null, failing_since: null }),
            ...(disabling && { enabled: false, disabled_reason: DISABLED_BY_REQUEST, disabled_at: now }),
            updated_at: now,
          })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return answer(trx, updated);
      });
    },
  );

  app.delete(
    '/webhook-endpoints/:id',
    {
      schema: {
        summary: 'Delete a webhook endpoint',
        description: 'It stops receiving at once: its pending deliveries are cancelled and its secrets destroyed. Its id answers 404 from then on.',
        tags,
        params: IdParams,
        response: { 204: z.null(), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const creditorId = creditorOf(request).creditorId;
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const row = await lockedEndpoint(trx, creditorId, request.params.id);
        // Kept, disabled, for the history its deliveries and attempts refer to.
        await trx
          .updateTable('webhook_endpoints')
          .set({ deleted_at: now, enabled: false, disabled_reason: 'deleted', disabled_at: row.disabled_at ?? now, updated_at: now })
          .where('id', '=', row.id)
          .execute();
        await trx.updateTable('webhook_deliveries').set({ status: 'cancelled', leased_until: null }).where('endpoint_id', '=', row.id).where('status', '=', 'pending').execute();
        await trx.deleteFrom('webhook_secrets').where('endpoint_id', '=', row.id).execute();
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/webhook-endpoints/:id/rotate-secret',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Rotate the signing secret',
        description: `Answers with a new secret, shown this once. The secret signing until now keeps signing next to it for the overlap (default 24 hours, at most 168), so requests carry two signatures and receivers holding either verify; older secrets stop at once. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        params: IdParams,
        headers: IdempotencyHeaders,
        body: RotateSecretBody,
        response: { 200: CreatedWebhookEndpointSchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const now = clock.now();
      const overlapEnds = new Date(now.getTime() + Math.round(request.body.overlapHours * 3_600_000));
      return db.transaction().execute(async (trx) => {
        const row = await lockedEndpoint(trx, creditorId, request.params.id);
        const [current, ...older] = (await activeSecrets(trx, [row.id], now)).get(row.id) ?? [];
        if (older.length) await trx.updateTable('webhook_secrets').set({ expires_at: now }).where('id', 'in', older.map((s) => s.id)).execute();
        if (current) {
          const expiresAt = current.expires_at && current.expires_at < overlapEnds ? current.expires_at : overlapEnds;
          await trx.updateTable('webhook_secrets').set({ expires_at: expiresAt }).where('id', '=', current.id).execute();
        }
        // Secrets past their overlap are of no further use: they are not kept.
        await trx.deleteFrom('webhook_secrets').where('endpoint_id', '=', row.id).where('expires_at', '<=', now).execute();
        const secret = newSecret();
        await trx.insertInto('webhook_secrets').values({ endpoint_id: row.id, secret, created_at: now, expires_at: null }).execute();
        const updated = await trx.updateTable('webhook_endpoints').set({ updated_at: now }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
        return commitResponse(trx, request, 200, { ...(await answer(trx, updated)), secret });
      });
    },
  );

  app.get(
    '/webhook-endpoints/:id/attempts',
    {
      schema: {
        summary: "Every attempt to deliver to the endpoint, newest first",
        tags,
        params: IdParams,
        querystring: z.object({
          deliveryId: z.uuid().optional().describe('Only the attempts of this delivery.'),
          outcome: z.enum(['delivered', 'failed']).optional(),
          ...pageQuery,
        }),
        response: { 200: pageOf(AttemptSchema), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const { limit, cursor, deliveryId, outcome } = request.query;
      const before = decodeAttemptCursor(cursor);
      if (!(await endpointOf(db, creditorId, request.params.id).executeTakeFirst())) throw new HttpProblem('not-found', 'no such webhook endpoint');
      let query = db
        .selectFrom('webhook_attempts as a')
        .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
        .innerJoin('outbox as o', 'o.id', 'd.outbox_id')
        .select(['a.id', 'a.delivery_id', 'a.attempted_at', 'a.outcome', 'a.status_code', 'a.error', 'a.duration_ms', 'o.id as event_id', 'o.type as event_type'])
        .where('a.endpoint_id', '=', request.params.id)
        .where('a.creditor_id', '=', creditorId);
      if (before !== undefined) query = query.where('a.id', '<', before);
      if (deliveryId) query = query.where('a.delivery_id', '=', deliveryId);
      if (outcome) query = query.where('a.outcome', '=', outcome);
      const rows = await query.orderBy('a.id', 'desc').limit(limit + 1).execute();
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items: items.map((a) => ({
          id: String(a.id),
          deliveryId: a.delivery_id,
          eventId: a.event_id,
          eventType: a.event_type,
          attemptedAt: iso(a.attempted_at),
          outcome: a.outcome,
          statusCode: a.status_code,
          error: a.error,
          durationMs: a.duration_ms,
        })),
        nextCursor: rows.length > limit && last ? encodeAttemptCursor(last.id) : null,
      };
    },
  );

  app.post(
    '/webhook-endpoints/:id/replay',
    {
      schema: {
        summary: 'Send a delivery, or every delivery of a time range, again',
        description:
          'With deliveryId: that delivery. With from and to: every event that occurred in [from, to) and that the endpoint wants (at most 31 days), including events it never had a delivery for (while it was disabled). Each is sent again now with the same event id (webhook-id), whatever its state, and gets a fresh retry schedule; deliveries being sent at this very moment are left alone (inFlight). Events of one case still arrive in order.',
        tags,
        params: IdParams,
        body: ReplayBody,
        response: { 202: ReplayResultSchema, ...problemResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const creditorId = creditorOf(request).creditorId;
      const b = request.body;
      const now = clock.now();
      const range = 'from' in b ? { from: new Date(b.from), to: new Date(b.to) } : null;
      if (range && !(range.from < range.to)) throw new HttpProblem('validation', 'from must be before to', { errors: [{ in: 'body', pointer: '/to', detail: 'must be after from' }] });
      if (range && range.to.getTime() - range.from.getTime() > MAX_REPLAY_RANGE_MS) {
        throw new HttpProblem('validation', 'a replayed range spans at most 31 days', { errors: [{ in: 'body', pointer: '/to', detail: 'at most 31 days after from' }] });
      }
      const result = await db.transaction().execute(async (trx) => {
        const endpoint = await lockedEndpoint(trx, creditorId, request.params.id);
        const reset = { status: 'pending' as const, next_attempt_at: now, leased_until: null, attempts: 0 };
        if (!range) {
          const delivery = await trx
            .selectFrom('webhook_deliveries')
            .select(['id', 'status', 'leased_until'])
            .where('id', '=', (b as { deliveryId: string }).deliveryId)
            .where('endpoint_id', '=', endpoint.id)
            .where('creditor_id', '=', creditorId)
            .forUpdate()
            .executeTakeFirst();
          if (!delivery) throw new HttpProblem('not-found', 'no such delivery for this endpoint');
          if (delivery.status === 'pending' && delivery.leased_until && delivery.leased_until > now) return { replayed: 0, inFlight: 1 };
          await trx.updateTable('webhook_deliveries').set(reset).where('id', '=', delivery.id).execute();
          return { replayed: 1, inFlight: 0 };
        }
        // The endpoint's existing deliveries of the range, except those a sender holds right now…
        const updated = await trx
          .updateTable('webhook_deliveries as d')
          .from('outbox as o')
          .set(reset)
          .whereRef('o.id', '=', 'd.outbox_id')
          .where('d.endpoint_id', '=', endpoint.id)
          .where('d.creditor_id', '=', creditorId)
          .where('o.occurred_at', '>=', range.from)
          .where('o.occurred_at', '<', range.to)
          .where((eb) => eb.or([eb('d.status', '!=', 'pending'), eb('d.leased_until', 'is', null), eb('d.leased_until', '<=', now)]))
          .returning('d.id')
          .execute();
        const held = await trx
          .selectFrom('webhook_deliveries as d')
          .innerJoin('outbox as o', 'o.id', 'd.outbox_id')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('d.endpoint_id', '=', endpoint.id)
          .where('o.occurred_at', '>=', range.from)
          .where('o.occurred_at', '<', range.to)
          .where('d.status', '=', 'pending')
          .where('d.leased_until', '>', now)
          .executeTakeFirstOrThrow();
        // …and the published events it wants but never had a delivery for (it was disabled then).
        const wanted = endpoint.event_types.length ? endpoint.event_types : null;
        const created = await sql<{ id: string }>`
          INSERT INTO webhook_deliveries (creditor_id, endpoint_id, outbox_id, position, case_id, status, next_attempt_at, created_at)
          SELECT o.creditor_id, ${endpoint.id}::uuid, o.id, o.position, o.case_id, 'pending', ${now}, ${now}
          FROM outbox o
          WHERE o.creditor_id = ${creditorId} AND o.position IS NOT NULL
            AND o.occurred_at >= ${range.from} AND o.occurred_at < ${range.to}
            AND o.type <> 'webhook.test'
            AND (${wanted}::text[] IS NULL OR o.type = ANY(${wanted}::text[]))
          ON CONFLICT (endpoint_id, outbox_id) DO NOTHING
          RETURNING id`.execute(trx);
        return { replayed: updated.length + created.rows.length, inFlight: Number(held.n) };
      });
      return reply.code(202).send(result);
    },
  );

  app.post(
    '/webhook-endpoints/:id/test',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Send a test event to the endpoint',
        description: `Writes a webhook.test event naming the endpoint; it is delivered to this endpoint only, whatever types it subscribes to, signed like every other event. The endpoint must be enabled. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        params: IdParams,
        headers: IdempotencyHeaders,
        response: { 202: TestEventSchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const creditorId = creditorOf(request).creditorId;
      const now = clock.now();
      const result = await db.transaction().execute(async (trx) => {
        const endpoint = await lockedEndpoint(trx, creditorId, request.params.id);
        if (!endpoint.enabled) throw new HttpProblem('conflict', 'the endpoint is disabled: enable it first');
        const [eventId] = await outbox.appendEvents(trx, creditorId, [event('webhook.test', null, { endpointId: endpoint.id })], now);
        return commitResponse(trx, request, 202, { eventId: eventId! });
      });
      return reply.code(202).send(result);
    },
  );
};
