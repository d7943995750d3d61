import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applyCaseAction } from '@fordra/collection';
import { cases } from '@fordra/db';
import { DomainError, type CaseAction } from '@fordra/domain';
import { actorOf, creditorOf } from '../../http/auth.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdParams, Text } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { loadCase } from '../cases/read.js';
import { CaseSchema } from '../cases/schemas.js';
import { scheduleJobs } from './jobs.js';
import { handOverSoon } from '../agency/jobs.js';

const VerifyBody = z
  .object({
    dueDateCorrect: z.boolean().describe('The due date on the invoice is right.'),
    specialTermsChecked: z.boolean().describe('No special payment terms move the due date.'),
    noComplaints: z.boolean().describe('The debtor has not complained about the goods, the services or the invoice.'),
    paymentMethodsWork: z.boolean().describe('The debtor has no trouble with the payment methods offered.'),
    note: Text(2000).nullish(),
  })
  .meta({ id: 'VerificationChecklist' });

const NoteBody = (field: string, required: boolean, description: string) =>
  z.object({ [field]: required ? Text(2000).describe(description) : Text(2000).nullish().describe(description) }) as z.ZodObject<Record<string, z.ZodType<string | null | undefined>>>;

interface ActionRoute {
  path: string;
  action: CaseAction;
  summary: string;
  body: z.ZodObject;
  note: (body: Record<string, unknown>) => string | null;
}

const ACTIONS: ActionRoute[] = [
  { path: 'dispute', action: 'dispute', summary: 'Record a dispute: the case goes on hold and its schedule stops', body: NoteBody('complaint', true, 'What the debtor disputes.'), note: (b) => String(b.complaint) },
  { path: 'resolve-dispute', action: 'resolve_dispute', summary: 'Resolve the dispute: the schedule moves on from today', body: NoteBody('resolution', true, 'How the dispute was resolved.'), note: (b) => String(b.resolution) },
  { path: 'pause', action: 'pause', summary: 'Pause collection: the schedule stops until resumed', body: NoteBody('reason', false, 'Why the case is paused.'), note: (b) => (b.reason as string | null | undefined) ?? null },
  { path: 'resume', action: 'resume', summary: 'Resume a paused case: the remaining steps move by the length of the pause', body: z.object({}), note: () => null },
  { path: 'withdraw', action: 'withdraw', summary: 'Withdraw the case: it closes and its pending steps are cancelled', body: NoteBody('reason', false, 'Why the case is withdrawn.'), note: (b) => (b.reason as string | null | undefined) ?? null },
  { path: 'write-off', action: 'write_off', summary: 'Write the debt off: the case closes and its pending steps are cancelled', body: NoteBody('reason', false, 'Why the debt is written off.'), note: (b) => (b.reason as string | null | undefined) ?? null },
  {
    path: 'escalate',
    action: 'escalate',
    summary: "Hand the case over to the collection agency: its pending steps end and the notifier delivers it through the creditor's agency connector",
    body: NoteBody('reason', false, 'Why the case is handed over.'),
    note: (b) => (b.reason as string | null | undefined) ?? null,
  },
];

export const caseLifeRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { db, clock } = deps;

  async function act(request: { params: { id: string } } & Parameters<typeof creditorOf>[0], action: CaseAction, note: string | null, checklist?: Record<string, unknown>) {
    const creditor = creditorOf(request);
    const now = clock.now();
    const { view, touched, handoverId } = await db.transaction().execute(async (trx) => {
      const row = await cases.getCaseForUpdate(trx, creditor.creditorId, request.params.id);
      if (!row) throw new HttpProblem('not-found', 'no such case');
      const result = await applyCaseAction(trx, row, action, { note, ...(checklist && { checklist }) }, actorOf(request), now);
      return { view: (await loadCase(trx, creditor.creditorId, row.id, now))!, touched: result.deadlines, handoverId: result.handoverId };
    });
    await scheduleJobs(deps, touched, now, request.log);
    await handOverSoon(deps, [handoverId], request.log);
    return view;
  }

  app.post(
    '/cases/:id/verify',
    {
      schema: {
        summary: 'Record the invoice check and start collection',
        description: 'Before the first reminder the invoice is checked. All four checks must hold; a complaint is recorded with /dispute instead. Verifying plans the policy\'s steps.',
        tags: ['cases'],
        params: IdParams,
        body: VerifyBody,
        response: { 200: CaseSchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const { note, ...checks } = request.body;
      const failing = Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name);
      if (failing.length) {
        throw new DomainError(
          'invalid_invoice',
          'resolve what the check found before collecting (a complaint is recorded with /dispute)',
          failing.map((name) => ({ path: name, message: 'must hold before the case is verified' })),
        );
      }
      return act(request, 'verify', note ?? null, checks);
    },
  );

  for (const route of ACTIONS) {
    app.post(
      `/cases/:id/${route.path}`,
      { schema: { summary: route.summary, tags: ['cases'], params: IdParams, body: route.body, response: { 200: CaseSchema, ...problemResponses(400, 401, 404, 409, 422) } } },
      async (request) => act(request, route.action, route.note(request.body as Record<string, unknown>)),
    );
  }
};
