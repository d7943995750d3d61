import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { activity, splitPage, tasks, type TaskRow } from '@fordra/db';
import { actorOf, creditorOf } from '../../http/auth.js';
import { decodeCursor, encodeCursor, pageOf, pageQuery } from '../../http/pagination.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdParams, Instant, iso, isoOrNull, LocalDateString, Text } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { NextStepSchema } from '../contacts/schemas.js';

const tags = ['tasks'];
const TASK_KINDS = ['call', 'meeting', 'verification', 'follow_up'] as const;
const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;

const TaskSchema = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    kind: z.enum(TASK_KINDS).describe('call and meeting: from the policy or a contact\'s next step; verification: a small problem to solve; follow_up: an agreement\'s follow-up day.'),
    status: z.enum(TASK_STATUSES),
    assignee: z.string().nullable(),
    dueDate: LocalDateString,
    note: z.string().nullable(),
    agreementId: z.uuid().nullable(),
    createdAt: Instant,
    completedAt: Instant.nullable(),
    contactId: z.uuid().nullable().describe('The contact that answered the task.'),
    outcome: z.string().nullable(),
    nextStep: NextStepSchema.nullable(),
  })
  .meta({ id: 'Task' });

function toTask(t: TaskRow) {
  return {
    id: t.id,
    caseId: t.case_id,
    kind: t.kind,
    status: t.status,
    assignee: t.assignee,
    dueDate: t.due_date,
    note: t.note,
    agreementId: t.agreement_id,
    createdAt: iso(t.created_at),
    completedAt: isoOrNull(t.completed_at),
    contactId: t.contact_id,
    outcome: t.outcome,
    nextStep: (t.next_step as z.infer<typeof NextStepSchema> | null) ?? null,
  };
}

export const taskRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock }) => {
  app.get(
    '/tasks',
    {
      schema: {
        summary: 'List tasks: calls, meetings, verification items and follow-ups, newest first',
        description: 'A task is completed by logging the contact that answers it (POST /v1/cases/{id}/contacts with taskId), never closed without an outcome and a next step.',
        tags,
        querystring: z.object({
          status: z.enum(TASK_STATUSES).optional(),
          assignee: z.string().max(200).optional(),
          kind: z.enum(TASK_KINDS).optional(),
          caseId: z.uuid().optional(),
          dueOnOrBefore: LocalDateString.optional(),
          dueOnOrAfter: LocalDateString.optional(),
          ...pageQuery,
        }),
        response: { 200: pageOf(TaskSchema), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const rows = await tasks.listTasks(db, creditorOf(request).creditorId, filter, { limit, after: decodeCursor(cursor) });
      const { items, next } = splitPage(rows, limit);
      return { items: items.map(toTask), nextCursor: next ? encodeCursor(next) : null };
    },
  );

  app.get('/tasks/:id', { schema: { summary: 'One task', tags, params: IdParams, response: { 200: TaskSchema, ...problemResponses(400, 401, 404) } } }, async (request) => {
    const task = await tasks.getTask(db, creditorOf(request).creditorId, request.params.id);
    if (!task) throw new HttpProblem('not-found', 'no such task');
    return toTask(task);
  });

  app.patch(
    '/tasks/:id',
    {
      schema: {
        summary: 'Reassign an open task or move its due date',
        tags,
        params: IdParams,
        body: z
          .object({ assignee: Text(200).nullish(), dueDate: LocalDateString.optional() })
          .refine((b) => b.assignee !== undefined || b.dueDate !== undefined, 'change the assignee or the due date'),
        response: { 200: TaskSchema, ...problemResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const task = await trx.selectFrom('tasks').selectAll().where('creditor_id', '=', creditorId).where('id', '=', request.params.id).forUpdate().executeTakeFirst();
        if (!task) throw new HttpProblem('not-found', 'no such task');
        if (task.status !== 'open') throw new HttpProblem('conflict', `the task is ${task.status}`);
        const changes = { ...(request.body.assignee !== undefined && { assignee: request.body.assignee }), ...(request.body.dueDate && { due_date: request.body.dueDate }) };
        const updated = await trx.updateTable('tasks').set(changes).where('id', '=', task.id).returningAll().executeTakeFirstOrThrow();
        await activity.appendActivity(trx, [{ creditorId, caseId: task.case_id, type: 'task.updated', actor: actorOf(request), data: { taskId: task.id, ...request.body } }], now);
        return toTask(updated);
      });
    },
  );
};
