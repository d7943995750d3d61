import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { creditors } from '@fordra/db';
import { ensureDefaultPolicy } from '@fordra/collection';
import { adminAuth } from '../../http/auth.js';
import { generateApiKey } from '../../http/api-keys.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdempotencyHeaders, IdParams } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { UpdateCreditorBody, ApiKeySchema, CreateApiKeyBody, CreateCreditorBody, CreatedApiKeySchema, CreditorSchema, toApiKey, toCreditor, defaultsForCountry, futureExpiry } from './schemas.js';

const security = [{ adminToken: [] }];
const tags = ['admin'];

export const adminRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock, config, forgetApiKey }) => {
  app.addHook('onRequest', adminAuth(config.ADMIN_TOKEN));

  app.post(
    '/creditors',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Create a creditor and its first API key',
        description: `The key's secret is in the answer and nowhere else: store it now. The key has every scope unless \`apiKeyScopes\` names fewer. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        security,
        headers: IdempotencyHeaders,
        body: CreateCreditorBody,
        response: { 201: z.object({ creditor: CreditorSchema, apiKey: CreatedApiKeySchema }), ...problemResponses(400, 401, 409, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const defaults = defaultsForCountry(body.country);
      const now = clock.now();
      const expiresAt = futureExpiry(body.apiKeyExpiresAt, now, '/apiKeyExpiresAt');
      const result = await db.transaction().execute(async (trx) => {
        const creditor = await creditors.insertCreditor(
          trx,
          {
            name: body.name,
            country: body.country,
            defaultCurrency: body.defaultCurrency ?? defaults.currency,
            timeZone: body.timeZone ?? defaults.timeZone,
            autoVerify: body.autoVerify,
          },
          now,
        );
        await ensureDefaultPolicy(trx, creditor.id, now);
        const secret = generateApiKey();
        const key = await creditors.insertApiKey(trx, { creditorId: creditor.id, name: body.apiKeyName, scopes: body.apiKeyScopes, expiresAt, ...secret }, now);
        const answer = { creditor: toCreditor(creditor), apiKey: { ...toApiKey(key), key: secret.key } };
        return commitResponse(trx, request, 201, answer);
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/creditors/:id',
    {
      schema: { summary: 'Read a creditor', tags, security, params: IdParams, response: { 200: CreditorSchema, ...problemResponses(400, 401, 404) } },
    },
    async (request) => {
      const creditor = await creditors.getCreditor(db, request.params.id);
      if (!creditor) throw new HttpProblem('not-found', 'no such creditor');
      return toCreditor(creditor);
    },
  );

  app.patch(
    '/creditors/:id',
    {
      schema: { summary: "Change a creditor's name or settings", tags, security, params: IdParams, body: UpdateCreditorBody, response: { 200: CreditorSchema, ...problemResponses(400, 401, 404) } },
    },
    async (request) => {
      const creditor = await creditors.updateCreditor(db, request.params.id, request.body, clock.now());
      if (!creditor) throw new HttpProblem('not-found', 'no such creditor');
      return toCreditor(creditor);
    },
  );

  app.get(
    '/creditors/:id/api-keys',
    {
      schema: {
        summary: "List a creditor's API keys (never their secrets)",
        tags,
        security,
        params: IdParams,
        response: { 200: z.object({ items: z.array(ApiKeySchema) }), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      if (!(await creditors.getCreditor(db, request.params.id))) throw new HttpProblem('not-found', 'no such creditor');
      const keys = await creditors.listApiKeys(db, request.params.id);
      return { items: keys.map(toApiKey) };
    },
  );

  app.post(
    '/creditors/:id/api-keys',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Issue another API key for a creditor',
        description: `Use one key per integration, so that one can be revoked without stopping the others, and give each only the scopes it needs, and an expiry where it is temporary. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        security,
        params: IdParams,
        headers: IdempotencyHeaders,
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeySchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const now = clock.now();
      const { name, scopes } = request.body;
      const expiresAt = futureExpiry(request.body.expiresAt, now, '/expiresAt');
      const result = await db.transaction().execute(async (trx) => {
        if (!(await creditors.getCreditor(trx, request.params.id))) throw new HttpProblem('not-found', 'no such creditor');
        const secret = generateApiKey();
        const key = await creditors.insertApiKey(trx, { creditorId: request.params.id, name, scopes, expiresAt, ...secret }, now);
        return commitResponse(trx, request, 201, { ...toApiKey(key), key: secret.key });
      });
      return reply.code(201).send(result);
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        summary: 'Revoke an API key',
        description: 'Takes effect at once on this instance and within seconds on every other. Revoking a revoked key changes nothing.',
        tags,
        security,
        params: IdParams,
        response: { 200: ApiKeySchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const key = await creditors.revokeApiKey(db, request.params.id, clock.now());
      if (!key) throw new HttpProblem('not-found', 'no such API key');
      forgetApiKey(key.id);
      return toApiKey(key);
    },
  );
};
