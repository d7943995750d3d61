import type { FastifyInstance, FastifyRequest, FastifySchema, onRequestHookHandler } from 'fastify';
import { HttpProblem, ProblemSchema } from './problems.js';

/**
 * What an API key may do. Each capability has a read scope and a write scope; a write scope also
 * grants the read scope of the same capability (a key that may open cases may read them back).
 * `*` grants every scope, those added later included: keys issued before scopes existed have it,
 * and so does a key issued without naming its scopes.
 */
export const SCOPES = {
  'cases:read': "Read cases and everything on them: invoices and their documents, activity, schedule, dossier, contacts, agreements, tasks, notifications, hand-overs and agency updates; preview templates with a case's data.",
  'cases:write': 'Open and change cases: add invoices and documents, verify, dispute, pause, resume, withdraw, write off, escalate; log contacts, make and cancel agreements, move tasks, record agency updates.',
  'debtors:read': "Read debtors, their payment history and the export of a debtor's data.",
  'debtors:write': 'Register and change debtors, and erase a debtor.',
  'payments:read': 'Read payments, the ledger and the statement of account, payment-file imports, unmatched payments and the reference rates.',
  'payments:write': 'Record payments, credit notes and refunds, import bank files and match unmatched payments.',
  'policies:read': 'Read collection policies and their versions.',
  'policies:write': 'Create and change collection policies.',
  'templates:read': "Read the message templates, Fordra's and the creditor's own.",
  'templates:write': "Change the creditor's own templates and go back to Fordra's.",
  'webhooks:manage': 'Create, read, change, delete and test webhook endpoints, rotate their secrets and replay deliveries.',
  'events:read': "Read the creditor's event feed.",
  'creditor:manage': "Read and change the creditor's profile and its agency connector.",
  'audit:read': "Read the creditor's audit log.",
} as const satisfies Record<string, string>;

export type Scope = keyof typeof SCOPES;

/** Every scope a key can be given, in catalogue order. */
export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

/** Grants every scope, present and future. */
export const ALL_SCOPES = '*';

/**
 * The one scope each creditor route needs, keyed by method and path as the OpenAPI document
 * writes them. A route that writes or acts needs the write scope of its capability; one that only
 * reads needs the read scope. A route that reads or changes two kinds of data needs the scope of
 * the more sensitive: the template preview renders a case's debtor, so it needs `cases:read`.
 * Opening a case may register its debtor, which `cases:write` covers.
 *
 * Fail closed: a creditor route missing here answers 403 to every key (`*` included), and a test
 * fails for every route of the OpenAPI document this table does not name.
 */
export const ROUTE_SCOPES: Record<string, Scope> = {
  // debtors
  'GET /v1/debtors': 'debtors:read',
  'POST /v1/debtors': 'debtors:write',
  'GET /v1/debtors/{id}': 'debtors:read',
  'PATCH /v1/debtors/{id}': 'debtors:write',
  'GET /v1/debtors/{id}/history': 'debtors:read',
  'GET /v1/debtors/{id}/export': 'debtors:read',
  'POST /v1/debtors/{id}/erase': 'debtors:write',

  // cases and everything on them
  'GET /v1/cases': 'cases:read',
  'POST /v1/cases': 'cases:write',
  'GET /v1/cases/{id}': 'cases:read',
  'PATCH /v1/cases/{id}': 'cases:write',
  'POST /v1/cases/{id}/invoices': 'cases:write',
  'PUT /v1/cases/{id}/invoices/{invoiceId}/document': 'cases:write',
  'GET /v1/cases/{id}/invoices/{invoiceId}/document': 'cases:read',
  'GET /v1/cases/{id}/activity': 'cases:read',
  'GET /v1/cases/{id}/schedule': 'cases:read',
  'GET /v1/cases/{id}/dossier': 'cases:read',
  'POST /v1/cases/{id}/verify': 'cases:write',
  'POST /v1/cases/{id}/dispute': 'cases:write',
  'POST /v1/cases/{id}/resolve-dispute': 'cases:write',
  'POST /v1/cases/{id}/pause': 'cases:write',
  'POST /v1/cases/{id}/resume': 'cases:write',
  'POST /v1/cases/{id}/withdraw': 'cases:write',
  'POST /v1/cases/{id}/write-off': 'cases:write',
  'POST /v1/cases/{id}/escalate': 'cases:write',
  'GET /v1/cases/{id}/handovers': 'cases:read',
  'POST /v1/cases/{id}/agency-updates': 'cases:write',
  'GET /v1/cases/{id}/agency-updates': 'cases:read',
  'POST /v1/cases/{id}/contacts': 'cases:write',
  'GET /v1/cases/{id}/contacts': 'cases:read',
  'POST /v1/cases/{id}/agreements': 'cases:write',
  'GET /v1/cases/{id}/agreements': 'cases:read',
  'GET /v1/agreements/{id}': 'cases:read',
  'POST /v1/agreements/{id}/cancel': 'cases:write',
  'GET /v1/tasks': 'cases:read',
  'GET /v1/tasks/{id}': 'cases:read',
  'PATCH /v1/tasks/{id}': 'cases:write',
  'GET /v1/cases/{id}/notifications': 'cases:read',
  'GET /v1/notifications/{id}': 'cases:read',
  'GET /v1/notifications/{id}/pdf': 'cases:read',
  'POST /v1/templates/{kind}/{language}/preview': 'cases:read',

  // money
  'POST /v1/cases/{id}/payments': 'payments:write',
  'GET /v1/cases/{id}/payments': 'payments:read',
  'GET /v1/cases/{id}/ledger': 'payments:read',
  'GET /v1/cases/{id}/statement': 'payments:read',
  'POST /v1/cases/{id}/credit-notes': 'payments:write',
  'POST /v1/cases/{id}/refunds': 'payments:write',
  'POST /v1/payment-files': 'payments:write',
  'GET /v1/payment-files/{id}': 'payments:read',
  'GET /v1/unmatched-payments': 'payments:read',
  'POST /v1/unmatched-payments/{id}/match': 'payments:write',
  'GET /v1/reference-rates': 'payments:read',

  // policies and templates
  'GET /v1/policies': 'policies:read',
  'POST /v1/policies': 'policies:write',
  'GET /v1/policies/{id}': 'policies:read',
  'PUT /v1/policies/{id}': 'policies:write',
  'GET /v1/policies/{id}/versions/{version}': 'policies:read',
  'GET /v1/templates': 'templates:read',
  'GET /v1/templates/{kind}/{language}': 'templates:read',
  'PUT /v1/templates/{kind}/{language}': 'templates:write',
  'DELETE /v1/templates/{kind}/{language}': 'templates:write',

  // integration
  'GET /v1/webhook-endpoints': 'webhooks:manage',
  'POST /v1/webhook-endpoints': 'webhooks:manage',
  'GET /v1/webhook-endpoints/{id}': 'webhooks:manage',
  'PATCH /v1/webhook-endpoints/{id}': 'webhooks:manage',
  'DELETE /v1/webhook-endpoints/{id}': 'webhooks:manage',
  'POST /v1/webhook-endpoints/{id}/rotate-secret': 'webhooks:manage',
  'GET /v1/webhook-endpoints/{id}/attempts': 'webhooks:manage',
  'POST /v1/webhook-endpoints/{id}/replay': 'webhooks:manage',
  'POST /v1/webhook-endpoints/{id}/test': 'webhooks:manage',
  'GET /v1/events': 'events:read',

  // the creditor itself
  'GET /v1/creditor': 'creditor:manage',
  'PATCH /v1/creditor': 'creditor:manage',
  'GET /v1/creditor/agency-connector': 'creditor:manage',
  'PUT /v1/creditor/agency-connector': 'creditor:manage',
  'DELETE /v1/creditor/agency-connector': 'creditor:manage',
  'GET /v1/audit-events': 'audit:read',
};

/** `/v1/cases/:id` (Fastify) → `/v1/cases/{id}` (OpenAPI). */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const routeScopes = new Map<string, Scope | undefined>();

/** The scope a request to a route needs, or undefined when the table does not name the route. */
export function scopeOfRoute(method: string, url: string): Scope | undefined {
  // Fastify answers HEAD from the GET route: it needs what GET needs.
  const verb = method === 'HEAD' ? 'GET' : method;
  const key = `${verb} ${url}`;
  // Looked up on every request: the path is rewritten once per route.
  if (routeScopes.has(key)) return routeScopes.get(key);
  const scope = ROUTE_SCOPES[`${verb} ${openApiPath(url)}`];
  if (routeScopes.size < 10_000) routeScopes.set(key, scope);
  return scope;
}

/** Whether a key with these scopes may use a route that needs `needed`. */
export function grants(scopes: readonly string[], needed: Scope): boolean {
  if (scopes.includes(ALL_SCOPES) || scopes.includes(needed)) return true;
  return needed.endsWith(':read') && scopes.includes(needed.replace(/:read$/, ':write'));
}

/** What grants a scope, for the OpenAPI document (as Markdown) and problem details (as text). */
function grantedBy(scope: Scope, quote: (s: string) => string): string {
  const write = scope.replace(/:read$/, ':write');
  return write !== scope && write in SCOPES ? `${quote(scope)} (or ${quote(write)})` : quote(scope);
}
const markdown = (s: string) => `\`${s}\``;
const text = (s: string) => s;

/**
 * Scopes for a creditor scope (the Fastify plugin context of the creditor routes); call it right
 * after the API key authentication hook, before any route is registered.
 *
 * - Every route's OpenAPI entry says which scope it needs (in its description and as
 *   `x-required-scope`) and lists the 403 answer.
 * - Every request is checked against the table once the key is known, before its body is read:
 *   a key without the scope answers 403 `/problems/forbidden`, naming the scope.
 */
export function registerScopes(creditorScope: FastifyInstance): void {
  creditorScope.addHook('onRoute', function (route) {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const method = methods.find((m) => m !== 'HEAD') ?? 'GET';
    const scope = scopeOfRoute(method, route.url);
    if (!scope) {
      this.log.warn({ route: `${method} ${route.url}` }, 'creditor route without a scope in ROUTE_SCOPES: it refuses every key');
      return;
    }
    if (!route.schema || route.schema.hide) return;
    const schema = route.schema as FastifySchema & { description?: string; 'x-required-scope'?: string };
    const note = `Scope: ${grantedBy(scope, markdown)}.`;
    route.schema = {
      ...schema,
      description: schema.description ? `${schema.description}\n\n${note}` : note,
      'x-required-scope': scope,
      response: { ...(schema.response as object | undefined), 403: ProblemSchema },
    } as FastifySchema;
  });

  const refusal = (request: FastifyRequest): HttpProblem | null => {
    const auth = request.auth;
    if (!auth) return new HttpProblem('unauthorized');
    const url = request.routeOptions.url ?? '';
    const scope = scopeOfRoute(request.method, url);
    if (!scope) return new HttpProblem('forbidden', `no scope is defined for ${request.method} ${openApiPath(url)}, so no key may use it`);
    if (!grants(auth.scopes, scope)) {
      return new HttpProblem('forbidden', `this API key lacks the scope ${grantedBy(scope, text)}, which ${request.method} ${openApiPath(url)} needs`);
    }
    return null;
  };
  // A callback, not a promise: the check is synchronous and runs on every creditor request.
  const check: onRequestHookHandler = (request, _reply, done) => {
    const refused = refusal(request);
    if (refused) done(refused);
    else done();
  };
  creditorScope.addHook('onRequest', check);
}
