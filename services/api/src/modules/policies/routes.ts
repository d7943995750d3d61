import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { policies } from '@fordra/db';
import { DomainError, policyIssues } from '@fordra/domain';
import { creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdempotencyHeaders, IdParams } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { CreatePolicyBody, PolicySchema, toPolicy, UpdatePolicyBody } from './schemas.js';

const tags = ['policies'];
const GUARD_RAILS =
  'Steps are checked against good practice and, for Swedish and Finnish creditors, the law: fees only on reminders and final demands and never above the legal maximum, no fee to a Finnish consumer before 14 days after the due date, and a final demand before the hand-over with the legal minimum time to pay between them.';

function assertLawful(steps: Parameters<typeof policyIssues>[0], country: string) {
  const issues = policyIssues(steps, country);
  if (issues.length) throw new DomainError('invalid_policy', 'the policy breaks good practice or the law', issues);
}

export const policyRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock }) => {
  app.post(
    '/policies',
    {
      config: { idempotent: true },
      schema: { summary: 'Create a collection policy', description: `${GUARD_RAILS} ${IDEMPOTENCY_HEADER_DOC}`, tags, headers: IdempotencyHeaders, body: CreatePolicyBody, response: { 201: PolicySchema, ...problemResponses(400, 401, 409, 422) } },
    },
    async (request, reply) => {
      const creditor = creditorOf(request);
      assertLawful(request.body.steps, creditor.country);
      const result = await db.transaction().execute(async (trx) => {
        const { policy, version } = await policies.insertPolicy(trx, { creditorId: creditor.creditorId, ...request.body }, clock.now());
        return commitResponse(trx, request, 201, toPolicy(policy, version));
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/policies',
    { schema: { summary: "List the creditor's policies", tags, response: { 200: z.object({ items: z.array(PolicySchema) }), ...problemResponses(401) } } },
    async (request) => {
      const rows = await policies.listPolicies(db, creditorOf(request).creditorId);
      const items = await Promise.all(rows.map(async (p) => toPolicy(p, (await policies.getVersion(db, p.id, p.current_version))!)));
      return { items };
    },
  );

  app.get(
    '/policies/:id',
    { schema: { summary: 'Read a policy (its current version)', tags, params: IdParams, response: { 200: PolicySchema, ...problemResponses(400, 401, 404) } } },
    async (request) => {
      const policy = await policies.getPolicy(db, creditorOf(request).creditorId, request.params.id);
      if (!policy) throw new HttpProblem('not-found', 'no such policy');
      return toPolicy(policy, (await policies.getVersion(db, policy.id, policy.current_version))!);
    },
  );

  app.get(
    '/policies/:id/versions/:version',
    {
      schema: {
        summary: 'Read one version of a policy',
        tags,
        params: z.object({ id: z.uuid(), version: z.coerce.number().int().min(1).max(2_147_483_647) }),
        response: { 200: PolicySchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const policy = await policies.getPolicy(db, creditorOf(request).creditorId, request.params.id);
      const version = policy && (await policies.getVersion(db, policy.id, request.params.version));
      if (!policy || !version) throw new HttpProblem('not-found', 'no such policy version');
      return toPolicy(policy, version);
    },
  );

  app.put(
    '/policies/:id',
    {
      schema: {
        summary: 'Change a policy: new steps make a new version',
        description: `Running cases keep the version they started with unless moved to another policy. ${GUARD_RAILS}`,
        tags,
        params: IdParams,
        body: UpdatePolicyBody,
        response: { 200: PolicySchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const creditor = creditorOf(request);
      const { steps, ...rest } = request.body;
      if (steps) assertLawful(steps, creditor.country);
      return db.transaction().execute(async (trx) => {
        const now = clock.now();
        let policy = await policies.getPolicyForUpdate(trx, creditor.creditorId, request.params.id);
        if (!policy) throw new HttpProblem('not-found', 'no such policy');
        if (rest.name !== undefined || rest.isDefault !== undefined) policy = (await policies.renamePolicy(trx, creditor.creditorId, policy.id, rest, now))!;
        if (steps) policy = (await policies.addPolicyVersion(trx, creditor.creditorId, policy.id, steps, now))!.policy;
        return toPolicy(policy, (await policies.getVersion(trx, policy.id, policy.current_version))!);
      });
    },
  );
};
