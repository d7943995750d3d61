import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { bullPrefix, QUEUES, reportErrors } from '@fordra/jobs';
import type { Logger } from '@fordra/runtime';
import { createCreditorAuth } from './http/auth.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerIdempotency } from './http/idempotency.js';
import { openApiInfo } from './http/openapi.js';
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
import { healthRoutes } from './modules/health/routes.js';
import { invoiceRoutes } from './modules/invoices/routes.js';
import { problemRoutes } from './modules/problems/routes.js';

export interface BuildOptions extends Omit<AppDeps, 'forgetApiKey' | 'deadlineQueue'> {
  logger: Logger;
  redis: Redis;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

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
    ajv: { customOptions: { coerceTypes: false } },
  });
  // JSON routes take JSON only: text/plain would reach the schema as a string and read as a validation error.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, { openapi: openApiInfo, transform: jsonSchemaTransform, transformObject: jsonSchemaTransformObject });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerErrorHandler(app);
  app.decorateRequest('auth', null);
  registerIdempotency(app, db, clock);

  const creditorAuth = createCreditorAuth(db, clock);
  const deadlineQueue = reportErrors(new Queue(QUEUES.deadlines, { connection: redis, prefix: bullPrefix(config.REDIS_PREFIX) }), (err) =>
    logger.warn({ err: err.message }, 'Redis connection error; BullMQ reconnects'),
  );
  app.addHook('onClose', async () => deadlineQueue.close());
  const deps: AppDeps = { db, clock, config, forgetApiKey: creditorAuth.forget, deadlineQueue };

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(problemRoutes);
  await app.register(healthRoutes, { db, redis });
  await app.register(adminRoutes, { prefix: '/v1/admin', ...deps });
  await app.register(
    async (creditorScope) => {
      creditorScope.addHook('onRequest', creditorAuth.hook);
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
    },
    { prefix: '/v1' },
  );
  return app;
}
