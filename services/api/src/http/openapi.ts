import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { SCOPES } from './scopes.js';

const scopeList = Object.entries(SCOPES)
  .map(([scope, what]) => `- \`${scope}\`: ${what}`)
  .join('\n');

const description = `
Fordra collects unpaid invoices for creditors: it checks the invoice, reminds the debtor in fixed
steps, records every contact and agreement, follows up on the day, and hands a case over to a
collection agency when in-house collection fails.

**Authentication.** Creditor routes take \`Authorization: Bearer <API key>\`. Admin routes
(\`/v1/admin\`) take the operator's admin token. A creditor only ever sees its own data: another
creditor's case, debtor or document answers 404, exactly like one that does not exist.
API keys look like \`fdr_<lookup>_<secret>\` (the \`fdr_\` prefix lets secret scanners find a
leaked key); they are shown once, stored only as a hash, and may have an expiry, after which they
answer 401 like a revoked key.

**Scopes.** Each API key has scopes, and each creditor route needs exactly one, named at the end
of its description (and as \`x-required-scope\`). A key without it answers 403
\`/problems/forbidden\`, whose \`detail\` names the scope. A write scope also grants the read scope
of the same capability; \`*\` grants every scope, those added later included, and is what a key
issued without naming its scopes has. The scopes:

${scopeList}

**Money** is an integer number of the currency's minor unit (öre, cent) with its ISO 4217
currency: \`{ "amount": 125000, "currency": "SEK" }\` is 1 250,00 kr. **Days** (due dates) are
\`YYYY-MM-DD\`; **instants** are RFC 3339 timestamps in UTC.

**Errors** are RFC 9457 \`application/problem+json\`. \`type\` is stable per kind of error and is
documented at its own address (\`GET /problems/<kind>\`); validation errors list every failing
field in \`errors\` with a JSON pointer. Every answer carries \`x-request-id\` (send your own to
correlate); problems repeat it as \`requestId\`.

**Idempotency.** Creating requests (POST) accept an \`Idempotency-Key\` header. A retry with the
same key and body within 24 hours returns the first response, marked \`Idempotent-Replayed: true\`;
the same key with a different body answers 422; a retry while the first request is still running
answers 409. Keys are scoped per creditor.

**Pagination.** Listings are ordered newest first and stable under concurrent inserts. Pass the
\`nextCursor\` of a page as \`cursor\` to get the next; \`nextCursor\` is null on the last page.

**Events.** Every change integrators may act on is an event (CloudEvents 1.0, JSON), pushed to the
creditor's webhook endpoints or read in order from \`GET /v1/events\`. Every event type and its
data are described in the AsyncAPI 3 document at [/asyncapi.json](/asyncapi.json).
`.trim();

export const openApiInfo: NonNullable<FastifyDynamicSwaggerOptions['openapi']> = {
  openapi: '3.1.0',
  info: { title: 'Fordra API', version: '0.1.0', description, license: { name: 'Apache-2.0' } },
  tags: [
    { name: 'cases', description: 'Collection cases: one debtor, one or more unpaid invoices.' },
    { name: 'invoices', description: "A case's invoices and their original documents." },
    { name: 'policies', description: 'Collection policies: which step runs on which day, by which channel.' },
    { name: 'notifications', description: 'Every email and letter sent to debtors, with what it said and every attempt.' },
    { name: 'templates', description: 'The wording of each kind of message in each language, and the creditor’s own versions.' },
    { name: 'creditor', description: 'The creditor’s own profile: sender details and payment details.' },
    { name: 'debtors', description: 'Who owes: businesses and consumers, with their language and address.' },
    { name: 'admin', description: 'Operator routes: creditors and their API keys.' },
    { name: 'health', description: 'Liveness and readiness for orchestrators.' },
    { name: 'events', description: 'The creditor’s events as an ordered feed; every type is described in /asyncapi.json.' },
  ],
  components: {
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'A creditor API key (fdr_...), with the scopes each route names.' },
      adminToken: { type: 'http', scheme: 'bearer', description: 'The operator admin token (ADMIN_TOKEN).' },
    },
  },
  security: [{ apiKey: [] }],
};
