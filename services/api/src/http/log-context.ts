import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { JobContext } from '@fordra/jobs';

/** A request about one case: `/v1/cases/{id}` and everything below it. */
const CASE_URL = /^\/v1\/cases\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[/?#]|$)/i;

/**
 * The logger of each request: the request id (`reqId`), as Fastify binds it, and for a request
 * about a case the case's id (`caseId`) too, so that every line of it, from "incoming request" to
 * "request completed", names the case. Read from the URL, as the logger is made before routing.
 */
export const requestChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = function (logger, bindings, options, rawRequest) {
  const caseId = CASE_URL.exec(rawRequest.url ?? '')?.[1]?.toLowerCase();
  return logger.child(caseId ? { ...bindings, caseId } : bindings, options);
};

/**
 * What a job enqueued while serving a request carries along: the request's id, read from the
 * request's logger (Fastify binds it as `reqId`), so that the worker and the notifier log it too.
 */
export function jobContextOf(log: FastifyBaseLogger): JobContext {
  const bindings = (log as { bindings?: () => Record<string, unknown> }).bindings?.();
  const requestId = bindings?.reqId;
  return typeof requestId === 'string' ? { requestId } : {};
}
