import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, type DomainErrorKind } from '@fordra/domain';
import { HttpProblem, PROBLEMS, problemType, type FieldError, type ProblemSlug } from './problems.js';

const DOMAIN_PROBLEMS: Record<DomainErrorKind, ProblemSlug> = {
  invalid_invoice: 'unprocessable',
  currency_mismatch: 'unprocessable',
  invalid_identity_number: 'unprocessable',
  invalid_document: 'unprocessable',
  invalid_policy: 'unprocessable',
  invalid_template: 'unprocessable',
  invalid_payment_details: 'unprocessable',
  invalid_contact: 'unprocessable',
  invalid_agreement: 'unprocessable',
  invalid_payment: 'unprocessable',
  illegal_transition: 'illegal-transition',
};

const FASTIFY_CODES: Record<string, ProblemSlug> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed-body',
};

type Context = 'body' | 'query' | 'params' | 'headers';
const CONTEXTS: Record<string, Context> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** "invoices.0.dueDate" → "/invoices/0/dueDate" */
export const toPointer = (path: string) => (path ? `/${path.split('.').join('/')}` : '');

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  slug: ProblemSlug,
  detail?: string,
  extras: { errors?: FieldError[]; existingId?: string } = {},
) {
  const { status, title } = PROBLEMS[slug];
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: problemType(slug), title, status, detail, instance: request.url, requestId: request.id, ...extras });
}

/**
 * One place turns every failure into problem+json. Unknown failures answer 500 with no detail
 * (the log has it, under the request id the answer names).
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = CONTEXTS[err.validationContext ?? 'body'] ?? 'body';
      const errors = err.validation.map((v) => ({ in: where, pointer: v.instancePath === '/' ? '' : v.instancePath, detail: v.message ?? 'invalid' }));
      return sendProblem(request, reply, 'validation', `${errors.length} invalid value(s) in ${where}`, { errors });
    }
    if (err instanceof HttpProblem) return sendProblem(request, reply, err.slug, err.message, err.extras);
    if (err instanceof DomainError) {
      const errors = err.issues.map((i) => ({ in: 'body' as const, pointer: toPointer(i.path), detail: i.message }));
      return sendProblem(request, reply, DOMAIN_PROBLEMS[err.kind], err.message, errors.length ? { errors } : {});
    }
    const fastifySlug = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (fastifySlug) return sendProblem(request, reply, fastifySlug, err.message);
    if (err.validation) {
      const errors = err.validation.map((v) => ({ in: 'body' as const, pointer: v.instancePath, detail: v.message ?? 'invalid' }));
      return sendProblem(request, reply, 'validation', err.message, { errors });
    }
    if ((err as { code?: string }).code === '23505') {
      // A unique index caught what a route's own check missed under a concurrent request.
      return sendProblem(request, reply, 'conflict', 'a resource with these unique values already exists');
    }
    if (err.statusCode === 413) return sendProblem(request, reply, 'payload-too-large', err.message);
    if (err.statusCode === 415) return sendProblem(request, reply, 'unsupported-media-type', err.message);
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendProblem(request, reply, 'malformed-body', err.message);
    }
    request.log.error({ err }, 'request failed');
    return sendProblem(request, reply, 'internal');
  });

  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`));
}
