import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseAsyncHookHandler, onSendHookHandler } from 'fastify';
import { alongside, compiledOnce, type Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';
import { addRouteHook, methodsOf } from './route-hooks.js';

/**
 * The audit log: one row per request that writes, and per request that reads debtors' personal
 * data, recorded by one hook for every route, so that no route can forget it.
 */
export const AUDIT_ACTIONS = ['write', 'read_personal_data', 'export', 'erase'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Every GET route of the creditor API, as `request.routeOptions.url` names it, and whether its
 * answer holds debtors' personal data (names, identity numbers, contact details, addresses, or
 * free text written about them) and so is recorded as a `read_personal_data`. A new GET route must
 * be added here; a test fails for any route this table does not name.
 */
export const GET_ROUTES: Record<string, { personal: boolean; why: string }> = {
  '/v1/debtors': { personal: true, why: 'debtors with names, identity numbers, emails, phone numbers and addresses' },
  '/v1/debtors/:id': { personal: true, why: 'the debtor' },
  '/v1/debtors/:id/history': { personal: true, why: 'the last contact with its notes' },
  '/v1/cases': { personal: false, why: 'case summaries: ids, statuses, amounts and references, the debtor only by id' },
  '/v1/cases/:id': { personal: true, why: 'the recent activity: notes, dispute texts, the name a debtor confirmed with' },
  '/v1/cases/:id/activity': { personal: true, why: 'notes, dispute texts, the name a debtor confirmed with' },
  '/v1/cases/:id/dossier': { personal: true, why: 'the debtor, its contacts and how to reach it' },
  '/v1/cases/:id/invoices/:invoiceId/document': { personal: true, why: 'the invoice PDF names and addresses the debtor' },
  '/v1/cases/:id/schedule': { personal: false, why: 'policy steps and dates' },
  '/v1/cases/:id/notifications': { personal: true, why: 'recipients: email and postal addresses' },
  '/v1/notifications/:id': { personal: true, why: 'the recipient and the message as sent' },
  '/v1/notifications/:id/pdf': { personal: true, why: 'the letter as sent, with the address' },
  '/v1/cases/:id/contacts': { personal: true, why: 'contact notes' },
  '/v1/cases/:id/agreements': { personal: true, why: 'agreement notes and the debtor’s confirmation' },
  '/v1/agreements/:id': { personal: true, why: 'agreement notes and the debtor’s confirmation' },
  '/v1/tasks': { personal: true, why: 'task notes, which repeat contact notes' },
  '/v1/tasks/:id': { personal: true, why: 'the task note, which repeats contact notes' },
  '/v1/cases/:id/payments': { personal: true, why: 'the payer’s own references' },
  '/v1/cases/:id/ledger': { personal: false, why: 'amounts' },
  '/v1/cases/:id/statement': { personal: true, why: 'the statement letter, addressed to the debtor' },
  '/v1/cases/:id/handovers': { personal: false, why: 'hand-over states and the agency’s references' },
  '/v1/cases/:id/agency-updates': { personal: true, why: 'the agency’s notes' },
  '/v1/payment-files/:id': { personal: true, why: 'payers’ names and messages' },
  '/v1/unmatched-payments': { personal: true, why: 'payers’ names and messages' },
  '/v1/events': { personal: true, why: 'event data carries dispute, pause and failure texts' },
  '/v1/policies': { personal: false, why: 'the creditor’s policies' },
  '/v1/policies/:id': { personal: false, why: 'a policy' },
  '/v1/policies/:id/versions/:version': { personal: false, why: 'a policy version' },
  '/v1/templates': { personal: false, why: 'the creditor’s templates' },
  '/v1/templates/:kind/:language': { personal: false, why: 'a template' },
  '/v1/reference-rates': { personal: false, why: 'central bank rates' },
  '/v1/creditor': { personal: false, why: 'the creditor’s own profile' },
  '/v1/creditor/agency-connector': { personal: false, why: 'the creditor’s agency settings' },
  '/v1/webhook-endpoints': { personal: false, why: 'endpoints' },
  '/v1/webhook-endpoints/:id': { personal: false, why: 'an endpoint' },
  '/v1/webhook-endpoints/:id/attempts': { personal: false, why: 'delivery attempts: status codes and timings' },
  '/v1/audit-events': { personal: false, why: 'the audit log: who did what, by ids' },
  '/v1/debtors/:id/export': { personal: true, why: 'everything about the debtor (recorded as export)' },
};

/** Routes whose action is not what their method says. Every other write method is a `write`. */
const SPECIAL_ACTIONS: Record<string, AuditAction> = {
  'GET /v1/debtors/:id/export': 'export',
  'POST /v1/debtors/:id/erase': 'erase',
  // A POST that writes nothing: it renders a template with the case's debtor and answers with it.
  'POST /v1/templates/:kind/:language/preview': 'read_personal_data',
};

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What a request to a route counts as in the audit log, or null when it is not recorded. */
export function auditActionOf(method: string, route: string): AuditAction | null {
  const special = SPECIAL_ACTIONS[`${method} ${route}`];
  if (special) return special;
  if (WRITE_METHODS.has(method)) return 'write';
  if (method === 'GET' && GET_ROUTES[route]?.personal) return 'read_personal_data';
  return null;
}

/** The first path segment after /v1 (and /admin) names the kind of resource. */
const RESOURCE_TYPES: Record<string, string> = {
  'debtors': 'debtor',
  'cases': 'case',
  'agreements': 'agreement',
  'notifications': 'notification',
  'tasks': 'task',
  'policies': 'policy',
  'templates': 'template',
  'webhook-endpoints': 'webhook_endpoint',
  'payment-files': 'payment_file',
  'unmatched-payments': 'unmatched_payment',
  'creditor': 'creditor',
  'creditors': 'creditor',
  'api-keys': 'api_key',
  'events': 'event',
  'reference-rates': 'reference_rate',
  'audit-events': 'audit_event',
};

/** `/v1/cases/:id/contacts` as the OpenAPI document and the README write it: `/v1/cases/{id}/contacts`. */
export const openApiPath = (route: string) => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** What a route records, worked out once per route rather than per request. */
interface RouteAudit {
  action: AuditAction | null;
  /** The route as the OpenAPI document writes it. */
  path: string;
  resourceType: string | null;
}
const routeAudits = new Map<string, RouteAudit>();

function routeAuditOf(method: string, route: string): RouteAudit {
  const key = `${method} ${route}`;
  let audit = routeAudits.get(key);
  if (!audit) {
    const segment = route.replace(/^\/v1\/(admin\/)?/, '').split('/')[0] ?? '';
    audit = { action: auditActionOf(method, route), path: openApiPath(route), resourceType: RESOURCE_TYPES[segment] ?? (segment || null) };
    // Routes are a fixed set; the bound only guards against a caller inventing methods.
    if (routeAudits.size < 10_000) routeAudits.set(key, audit);
  }
  return audit;
}

export function resourceOf(type: string | null, params: Record<string, string>, createdId: string | null, creditorId: string): { type: string | null; id: string | null } {
  // The resource the route is about is its `:id`; routes without one name theirs by their other
  // parameters (a template by kind and language); a creating POST by the id it answers with.
  let others: string | null = null;
  for (const key in params) others = others === null ? params[key]! : `${others}/${params[key]!}`;
  const id = params.id ?? others ?? createdId ?? (type === 'creditor' ? creditorId : null);
  return { type, id: id === null ? null : id.slice(0, 200) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CREATED_ID = /^\{"id":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/i;

/** The id a creating request answered with, remembered from onSend for onResponse. */
const createdIds = new WeakMap<FastifyRequest, string>();

function paramsOf(request: FastifyRequest): Record<string, string> {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const strings: Record<string, string> = {};
  for (const key in params) {
    const value = params[key];
    if (typeof value === 'string') strings[key] = value;
  }
  return strings;
}

const AUDIT_COLUMNS = ['creditor_id', 'actor_kind', 'api_key_id', 'request_id', 'action', 'method', 'route', 'resource_type', 'resource_id', 'status', 'occurred_at'] as const;

/** Written after every audited request: compiled once (see compiledOnce). */
const insertAuditEvent = compiledOnce(AUDIT_COLUMNS, (db, parameter) =>
  db.insertInto('audit_events').values({
    creditor_id: parameter('creditor_id'),
    actor_kind: parameter('actor_kind'),
    api_key_id: parameter('api_key_id'),
    request_id: parameter('request_id'),
    action: parameter('action'),
    method: parameter('method'),
    route: parameter('route'),
    resource_type: parameter('resource_type'),
    resource_id: parameter('resource_id'),
    status: parameter<number>('status'),
    occurred_at: parameter<Date>('occurred_at'),
  }),
);

export interface AuditDeps {
  db: Db;
  clock: Clock;
}

/**
 * Records the audit event of every request that is audited, after the response went out.
 *
 * Why after the response and not in the route's own transaction: reads have no transaction, the
 * final status (an error answer included) is only known once the error handler has run, and a
 * request that fails and rolls back must still leave its trace. The cost is a small window: a
 * process that dies between a route's commit and this insert loses that one event. A failed
 * insert is logged (with everything the row would have held) and never fails the request.
 *
 * Who is recorded: creditor requests with a valid API key (the key is the actor). Admin requests
 * are recorded under the creditor they act on when that creditor is named in the path (or, for a
 * key revocation, owns the key), and only when they succeed, since a creditor's log is no place
 * for an operator's typos. Admin requests about no creditor (reference rates, creating a
 * creditor) and unauthenticated requests (no creditor is known; the public agreement links are
 * recorded as activity of their case) are not.
 */
export function registerAudit(app: FastifyInstance, { db, clock }: AuditDeps): void {
  // A creating POST names its new resource only in its answer, whose first field is its id
  // (read from the text's start: an import's answer may be megabytes).
  const rememberCreatedId: onSendHookHandler = (request, reply, payload, done) => {
    if (request.method === 'POST' && reply.statusCode === 201 && typeof payload === 'string') {
      const id = CREATED_ID.exec(payload.slice(0, 60))?.[1];
      if (id) createdIds.set(request, id);
    }
    done(null, payload);
  };

  const record: onResponseAsyncHookHandler = async (request, reply) => {
    const route = request.routeOptions.url;
    if (!route) return;
    const audit = routeAuditOf(request.method, route);
    const action = audit.action;
    if (!action) return;
    const who = await actorOf(db, request, reply, route).catch((err: unknown) => {
      request.log.error({ err }, 'could not tell whose audit log the request belongs to');
      return null;
    });
    if (!who) return;
    const resource = resourceOf(audit.resourceType, paramsOf(request), createdIds.get(request) ?? null, who.creditorId);
    const row = {
      creditor_id: who.creditorId,
      actor_kind: who.actorKind,
      api_key_id: who.apiKeyId,
      request_id: String(request.id).slice(0, 100),
      action,
      method: request.method,
      route: audit.path,
      resource_type: resource.type,
      resource_id: resource.id,
      status: reply.statusCode,
      occurred_at: clock.now(),
    };
    try {
      // Nothing waits for it: it goes out with the next statement another request sends.
      await alongside(db, insertAuditEvent(db, row));
    } catch (err) {
      request.log.error({ err, audit: { ...row, occurred_at: row.occurred_at.toISOString() } }, 'could not record the audit event');
    }
  };

  // Worked out as each route is declared: a request pays for these hooks only when its route is audited.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/')) return;
    const audited = methodsOf(route).filter((method) => routeAuditOf(method, route.url).action);
    if (audited.length === 0) return;
    addRouteHook(route, 'onResponse', record);
    if (audited.includes('POST') && !/\/:id(\/|$)/.test(route.url)) addRouteHook(route, 'onSend', rememberCreatedId);
  });
}

async function actorOf(db: Db, request: FastifyRequest, reply: FastifyReply, route: string) {
  if (request.auth) return { creditorId: request.auth.creditorId, actorKind: 'api_key', apiKeyId: request.auth.apiKeyId };
  if (!route.startsWith('/v1/admin/') || reply.statusCode >= 400) return null;
  const id = paramsOf(request).id;
  if (!id || !UUID.test(id)) return null;
  if (route.startsWith('/v1/admin/creditors/:id')) return { creditorId: id, actorKind: 'admin', apiKeyId: null };
  if (route.startsWith('/v1/admin/api-keys/:id')) {
    const key = await db.selectFrom('api_keys').select('creditor_id').where('id', '=', id).executeTakeFirst();
    return key ? { creditorId: key.creditor_id, actorKind: 'admin', apiKeyId: null } : null;
  }
  return null;
}
