import { createHash, randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { bullPrefix, QUEUES, reportErrors } from '@fordra/jobs';
import type { Logger, Registry } from '@fordra/runtime';
import { authFailureLimit } from './http/auth-failures.js';
import { leasedRedisStore } from './http/rate-limit-store.js';
import { createCreditorAuth } from './http/auth.js';
import { registerAudit } from './http/audit.js';
import { registerErrorHandler, sendProblem } from './http/error-handler.js';
import { registerIdempotency } from './http/idempotency.js';
import { registerHttpMetrics } from './http/metrics.js';
import { queueBoard } from './modules/queues/board.js';
import { registerDraining } from './http/draining.js';
import { requestChildLogger } from './http/log-context.js';
import { openApiInfo } from './http/openapi.js';
import { registerScopes } from './http/scopes.js';
import { HttpProblem, ProblemSchema } from './http/problems.js';
import type { AppDeps } from './deps.js';
import { adminRoutes } from './modules/admin/routes.js';
import { activityRoutes } from './modules/activity/routes.js';
import { caseRoutes } from './modules/cases/routes.js';
import { caseLifeRoutes } from './modules/case-life/routes.js';
import { policyRoutes } from './modules/policies/routes.js';
import { scheduleRoutes } from './modules/case-life/schedule.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { templateRoutes } from './modules/templates/routes.js';
import { profileRoutes } from './modules/profile/routes.js';
import { debtorRoutes } from './modules/debtors/routes.js';
import { dossierRoutes } from './modules/dossier/routes.js';
import { healthRoutes } from './modules/health/routes.js';
import { invoiceRoutes } from './modules/invoices/routes.js';
import { problemRoutes } from './modules/problems/routes.js';
import { agreementRoutes } from './modules/agreements/routes.js';
import { contactRoutes } from './modules/contacts/routes.js';
import { paymentRoutes } from './modules/payments/routes.js';
import { publicRoutes } from './modules/public/routes.js';
import { taskRoutes } from './modules/tasks/routes.js';
import { ledgerRoutes } from './modules/ledger/routes.js';
import { referenceRateAdminRoutes, referenceRateRoutes } from './modules/reference-rates/routes.js';
import { agencyRoutes } from './modules/agency/routes.js';
import { paymentFileRoutes } from './modules/payment-files/routes.js';
import { webhookRoutes } from './modules/webhooks/routes.js';
import { asyncApiRoutes, eventRoutes } from './modules/events/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { personalDataRoutes } from './modules/personal-data/routes.js';

export interface BuildOptions extends Omit<AppDeps, 'forgetApiKey' | 'forgetCreditor' | 'deadlineQueue' | 'notificationQueue' | 'handoverQueue'> {
  logger: Logger;
  redis: Redis;
  /** The process's metrics registry: every answer is timed into it (server.ts serves it on the ops port). */
  metrics?: Registry;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Routes outside the rate limit: orchestrators' probes and the documentation. */
const UNLIMITED = /^\/(health|docs|problems)(\/|$)|^\/(openapi|asyncapi)\.json$/;

/**
 * Whom a request counts against. Route hooks run after the scope's authentication, so a creditor
 * request has its verified key and an admin request its verified token by now; anything else
 * (public links) counts against the client address.
 */
function rateLimitKey(request: FastifyRequest): string {
  if (request.auth) return `key:${request.auth.apiKeyId}`;
  const credentials = request.headers.authorization;
  const url = request.routeOptions.url ?? '';
  if (credentials && (url.startsWith('/v1/admin/') || url.startsWith('/admin/'))) return `admin:${createHash('sha256').update(credentials).digest('hex').slice(0, 32)}`;
  return `ip:${request.ip}`;
}

/** The API: external plugins, then ours, then the capability modules. */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { db, clock, config, logger, redis } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // A caller's request id is kept so one id follows a request across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    // Behind a load balancer, the client's address comes from X-Forwarded-For, but only from proxies the operator named.
    trustProxy: config.TRUST_PROXY as FastifyServerOptions['trustProxy'],
    // On close, a request that still reaches the API on an open connection is served, not turned
    // away with a 503: nothing is closed before the last request is answered (see draining.ts).
    return503OnClosing: false,
    // Each request's lines carry its id, and the case's id when the request is about a case.
    childLoggerFactory: requestChildLogger,
    // The router's own refusals (a broken percent-escape, a path segment over 100 characters) are
    // problems too: invalid path parameters, as the route's schema would have said.
    frameworkErrors: (err, request, reply) => {
      const slug = err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'validation' : 'internal';
      const detail = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is longer than 100 characters' : 'the URL has a malformed percent-escape';
      if (slug === 'internal') request.log.error({ err }, 'request failed');
      // Answered before routing, so without the hooks that name the request id on every answer.
      reply.header('x-request-id', request.id);
      return sendProblem(request, reply, slug, slug === 'internal' ? undefined : detail, slug === 'internal' ? {} : { errors: [{ in: 'params', pointer: '', detail }] });
    },
    ajv: { customOptions: { coerceTypes: false } },
  });
  // JSON routes take JSON only: text/plain would reach the schema as a string and read as a validation error.
  app.removeContentTypeParser('text/plain');
  registerDraining(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Every answer (a 404 of no route included) names its request. A hook with a callback, not a
  // promise: it runs on every request, and settles in the same tick.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  if (options.metrics) registerHttpMetrics(app, options.metrics);

  // Every route but the unlimited ones counts against its caller, in Redis, so that all API
  // instances share one count; the OpenAPI document says so with a 429 on each of them.
  app.addHook('onRoute', (route) => {
    if (UNLIMITED.test(route.url)) {
      route.config = { ...route.config, rateLimit: false };
    } else if (route.schema && !route.schema.hide) {
      route.schema.response = { ...(route.schema.response as object | undefined), 429: ProblemSchema };
    }
  });
  await app.register(rateLimit, {
    // Counts are reserved from Redis rather than taken one INCR at a time: see rate-limit-store.ts.
    store: leasedRedisStore(redis, `${config.REDIS_PREFIX}:rate-limit:`),
    max: config.RATE_LIMIT_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    keyGenerator: rateLimitKey,
    enableDraftSpec: true,
    // A Redis outage must not stop collection: requests then go uncounted.
    skipOnError: true,
    errorResponseBuilder: (_request, context) => new HttpProblem('rate-limited', `rate limit of ${context.max} requests reached; retry in ${context.after}`),
  });

  await app.register(swagger, { openapi: openApiInfo, transform: jsonSchemaTransform, transformObject: jsonSchemaTransformObject });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerErrorHandler(app);
  app.decorateRequest('auth', null);
  registerIdempotency(app, db, clock);
  // Before every route, so that each write and each read of personal data is recorded (admin ones too).
  registerAudit(app, { db, clock });

  const creditorAuth = createCreditorAuth(db, clock, authFailureLimit(redis, config.REDIS_PREFIX, config.AUTH_FAILURE_MAX, config.RATE_LIMIT_WINDOW_MS));
  const deadlineQueue = reportErrors(new Queue(QUEUES.deadlines, { connection: redis, prefix: bullPrefix(config.REDIS_PREFIX) }), (err) =>
    logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects'),
  );
  const notificationQueue = reportErrors(new Queue(QUEUES.notifications, { connection: redis, prefix: bullPrefix(config.REDIS_PREFIX) }), (err) =>
    logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects'),
  );
  const handoverQueue = reportErrors(new Queue(QUEUES.handovers, { connection: redis, prefix: bullPrefix(config.REDIS_PREFIX) }), (err) =>
    logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects'),
  );
  app.addHook('onClose', async () => {
    await deadlineQueue.close();
    await notificationQueue.close();
    await handoverQueue.close();
  });
  const deps: AppDeps = { db, clock, config, forgetApiKey: creditorAuth.forget, forgetCreditor: creditorAuth.forgetCreditor, deadlineQueue, notificationQueue, handoverQueue };

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(asyncApiRoutes);
  await app.register(problemRoutes);
  await app.register(healthRoutes, { db, redis });
  await app.register(queueBoard, { adminToken: config.ADMIN_TOKEN, connection: redis, keyPrefix: bullPrefix(config.REDIS_PREFIX), existing: [deadlineQueue, notificationQueue, handoverQueue], logger });
  await app.register(adminRoutes, { prefix: '/v1/admin', ...deps });
  await app.register(publicRoutes, { prefix: '/v1', ...deps });
  await app.register(referenceRateAdminRoutes, { prefix: '/v1/admin', ...deps });
  await app.register(
    async (creditorScope) => {
      creditorScope.addHook('onRequest', creditorAuth.hook);
      registerScopes(creditorScope);
      await creditorScope.register(debtorRoutes, deps);
      await creditorScope.register(caseRoutes, deps);
      await creditorScope.register(invoiceRoutes, deps);
      await creditorScope.register(activityRoutes, deps);
      await creditorScope.register(policyRoutes, deps);
      await creditorScope.register(caseLifeRoutes, deps);
      await creditorScope.register(scheduleRoutes, deps);
      await creditorScope.register(notificationRoutes, deps);
      await creditorScope.register(templateRoutes, deps);
      await creditorScope.register(profileRoutes, deps);
      await creditorScope.register(dossierRoutes, deps);
      await creditorScope.register(contactRoutes, deps);
      await creditorScope.register(agreementRoutes, deps);
      await creditorScope.register(taskRoutes, deps);
      await creditorScope.register(paymentRoutes, deps);
      await creditorScope.register(ledgerRoutes, deps);
      await creditorScope.register(referenceRateRoutes, deps);
      await creditorScope.register(agencyRoutes, deps);
      await creditorScope.register(paymentFileRoutes, deps);
      await creditorScope.register(webhookRoutes, deps);
      await creditorScope.register(eventRoutes, deps);
      await creditorScope.register(auditRoutes, deps);
      await creditorScope.register(personalDataRoutes, deps);
    },
    { prefix: '/v1' },
  );
  return app;
}
