import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cases, creditors, deadlines, invoices, policies } from '@fordra/db';
import { defaultPolicySteps, earliestDueDate, planSchedule, PolicyStepsSchema, STEP_ACTIONS } from '@fordra/domain';
import { creditorOf } from '../../http/auth.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdParams, Instant, iso, isoOrNull } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';

const ScheduleSchema = z
  .object({
    caseId: z.uuid(),
    policy: z.object({ id: z.uuid().nullable(), version: z.number().int().nullable() }),
    planned: z.boolean().describe('False while the case is in verification: the steps shown are what verifying today would plan.'),
    steps: z.array(
      z.object({
        key: z.string(),
        action: z.enum(STEP_ACTIONS),
        day: z.string().meta({ format: 'date' }).nullable().describe('The business day the step falls on (null for steps timed in hours or less).'),
        dueAt: Instant,
        status: z.enum(['preview', 'scheduled', 'done', 'skipped', 'cancelled']),
        completedAt: Instant.nullable(),
        outcome: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
  })
  .meta({ id: 'CaseSchedule' });

export const scheduleRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock }) => {
  app.get(
    '/cases/:id/schedule',
    {
      schema: {
        summary: "A case's steps: done and upcoming, with their dates",
        tags: ['cases'],
        params: IdParams,
        response: { 200: ScheduleSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const row = await cases.getCase(db, creditorId, request.params.id);
      if (!row) throw new HttpProblem('not-found', 'no such case');
      if (row.policy_version_id) {
        const version = await policies.getVersionById(db, row.policy_version_id);
        const rows = await deadlines.listCaseDeadlines(db, creditorId, row.id);
        return {
          caseId: row.id,
          policy: { id: row.policy_id, version: version?.version ?? null },
          planned: true,
          steps: rows.map((d) => ({
            key: d.step_key,
            action: d.action as (typeof STEP_ACTIONS)[number],
            day: d.day,
            dueAt: iso(d.due_at),
            status: d.status,
            completedAt: isoOrNull(d.completed_at),
            outcome: (d.outcome as Record<string, unknown> | null) ?? null,
          })),
        };
      }
      const creditor = (await creditors.getCreditor(db, creditorId))!;
      const policy = row.policy_id ? await policies.getPolicy(db, creditorId, row.policy_id) : await policies.getDefaultPolicy(db, creditorId);
      const version = policy ? await policies.getVersion(db, policy.id, policy.current_version) : undefined;
      const steps = version ? PolicyStepsSchema.parse(version.steps) : defaultPolicySteps();
      const caseInvoices = await invoices.listInvoicesOfCases(db, creditorId, [row.id]);
      const dueDate = earliestDueDate(caseInvoices.map((i) => ({ dueDate: i.due_date })));
      const plan = dueDate ? planSchedule({ steps, dueDate, notBefore: clock.now(), country: creditor.country, timeZone: creditor.time_zone }) : [];
      return {
        caseId: row.id,
        policy: { id: policy?.id ?? null, version: version?.version ?? null },
        planned: false,
        steps: plan.map((p) => ({ key: p.key, action: p.action, day: p.day, dueAt: iso(p.dueAt), status: 'preview' as const, completedAt: null, outcome: null })),
      };
    },
  );
};
