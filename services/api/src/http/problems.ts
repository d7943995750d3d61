import { z } from 'zod';

/**
 * Every kind of error the API answers with. The slug is the stable `type` integrators match on
 * (`/problems/<slug>`, documented at that address); add kinds, never rename one.
 */
export const PROBLEMS = {
  'validation': { status: 400, title: 'The request is not valid', description: 'A parameter, header or body field failed validation; `errors` lists each one with a JSON pointer.' },
  'malformed-body': { status: 400, title: 'The body could not be read', description: 'The body is not well-formed JSON, or is empty where one is required.' },
  'invalid-idempotency-key': { status: 400, title: 'The Idempotency-Key header is not valid', description: 'Keys are 1 to 255 printable ASCII characters.' },
  'unauthorized': { status: 401, title: 'Authentication is required', description: 'Send `Authorization: Bearer <key>` with a live API key (or the admin token for admin routes).' },
  'forbidden': { status: 403, title: 'The API key lacks the scope this route needs', description: 'Each API key has scopes (such as `cases:read` or `payments:write`); `detail` names the one the route needs. Issue a key with that scope, or use one that has it.' },
  'not-found': { status: 404, title: 'Not found', description: 'No such resource exists for this creditor. Another creditor\'s resources are reported the same way.' },
  'conflict': { status: 409, title: 'Conflict with the current state', description: 'The request clashes with existing data, such as a customer number or external reference already in use.' },
  'illegal-transition': { status: 409, title: 'The case cannot make that move', description: 'The case\'s status does not allow this action.' },
  'idempotency-in-flight': { status: 409, title: 'A request with this Idempotency-Key is still being processed', description: 'Retry after the first request has finished; you will then receive its response.' },
  'link-expired': { status: 410, title: 'The link has expired', description: 'Agreement confirmation links work for a limited time; ask the creditor for a new one.' },
  'payload-too-large': { status: 413, title: 'The body is too large', description: 'JSON bodies are limited to 1 MiB; invoice documents to the configured maximum.' },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type', description: 'JSON routes take application/json; invoice documents take application/pdf.' },
  'idempotency-key-reused': { status: 422, title: 'This Idempotency-Key was used for a different request', description: 'A key identifies one request; use a new key for a new request.' },
  'unprocessable': { status: 422, title: 'The request breaks a business rule', description: 'The request is well-formed but its content is not acceptable; `errors` says why.' },
  'rate-limited': { status: 429, title: 'Too many requests', description: 'The API key (without one, the client address) has used up its requests for the current window. Wait the seconds in `Retry-After`; `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` on every answer say where it stands.' },
  'internal': { status: 500, title: 'Internal error', description: 'Something failed on our side. Quote the requestId when reporting it.' },
} as const;

export type ProblemSlug = keyof typeof PROBLEMS;

export const problemType = (slug: ProblemSlug) => `/problems/${slug}`;

export const FieldErrorSchema = z.object({
  in: z.enum(['body', 'query', 'params', 'headers']).describe('Where the offending value is.'),
  pointer: z.string().describe('JSON pointer to the value, e.g. /invoices/0/dueDate.'),
  detail: z.string(),
});

export const ProblemSchema = z
  .object({
    type: z.string().describe('Stable identifier of the kind of error, resolvable under the API origin.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
    existingId: z.string().optional().describe('On conflicts: the id of the resource already holding the value.'),
  })
  .meta({ id: 'Problem' });

export type FieldError = z.infer<typeof FieldErrorSchema>;

/** An error that answers as a given problem. Thrown by routes; rendered by the error handler. */
export class HttpProblem extends Error {
  constructor(
    readonly slug: ProblemSlug,
    detail?: string,
    readonly extras: { errors?: FieldError[]; existingId?: string } = {},
  ) {
    super(detail ?? PROBLEMS[slug].title);
    this.name = 'HttpProblem';
  }

  get status(): number {
    return PROBLEMS[this.slug].status;
  }
}

/** Response schemas for the problems a route may answer, for its OpenAPI entry. */
export function problemResponses<S extends number>(...statuses: S[]): Record<S, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as Record<S, typeof ProblemSchema>;
}
