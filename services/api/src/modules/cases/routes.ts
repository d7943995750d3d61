import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { loadLedgerRows, ledgerFromRows } from '@fordra/collection';
import { cases, invoices, splitPage, type InvoiceRow } from '@fordra/db';
import { computeLedger } from '@fordra/domain';
import { actorOf, creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { decodeCursor, encodeCursor, pageOf, pageQuery } from '../../http/pagination.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdempotencyHeaders, IdParams } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { loadCase } from './read.js';
import { scheduleJobs } from '../case-life/jobs.js';
import { CaseSchema, CaseSummarySchema, CreateCaseBody, ListCasesQuery, PatchCaseBody, toCase, toCaseSummary } from './schemas.js';
import { toActivity } from '../activity/schemas.js';
import { changeCase, openCase } from './write.js';

const tags = ['cases'];

/** The ledger of a case that has only its invoices: no fees, payments or interest yet. */
const principalOnly = (rows: InvoiceRow[]) =>
  computeLedger({
    asOf: '1970-01-01',
    invoices: rows.map((i) => ({ id: i.id, number: i.number, dueDate: i.due_date, amountMinor: i.amount_minor })),
    charges: [],
    payments: [],
    adjustments: [],
    rates: [],
    order: ['costs', 'interest', 'principal'],
  });

export const caseRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { db, clock } = deps;
  app.post(
    '/cases',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Open a case for one or more unpaid invoices',
        description: `The case starts in \`verification\`: the invoices are checked before the first reminder. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        headers: IdempotencyHeaders,
        body: CreateCaseBody,
        response: { 201: CaseSchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const creditor = creditorOf(request);
      const now = clock.now();
      const { result, planned } = await db.transaction().execute(async (trx) => {
        const opened = await openCase(trx, creditor, request.body, actorOf(request), now);
        // A new case is answered from what was just written; only a case that moved on since
        // (verified automatically) or one that may already owe interest is read back.
        const view =
          opened.changedSince || creditor.lateInterest !== 'none' || opened.row.contractual_interest_bp !== null
            ? (await loadCase(trx, creditor.creditorId, opened.row.id, now))!
            : toCase(opened.row, opened.invoices, principalOnly(opened.invoices), [...opened.activity].reverse().slice(0, 10).map(toActivity));
        return { result: await commitResponse(trx, request, 201, view), planned: opened.deadlines };
      });
      // From here on the request's lines name the case it opened, "request completed" included.
      // Bound on the request's own logger, not a new child of it: a child per create cost 2% of its CPU.
      (request.log as unknown as Pick<Logger, 'setBindings'>).setBindings({ caseId: result.id });
      await scheduleJobs(deps, planned, now, request.log);
      return reply.code(201).header('location', `/v1/cases/${result.id}`).send(result);
    },
  );

  app.get(
    '/cases/:id',
    {
      schema: {
        summary: 'Read a case: invoices, outstanding amount, status and recent activity',
        tags,
        params: IdParams,
        response: { 200: CaseSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const view = await loadCase(db, creditorOf(request).creditorId, request.params.id, clock.now());
      if (!view) throw new HttpProblem('not-found', 'no such case');
      return view;
    },
  );

  app.get(
    '/cases',
    {
      schema: {
        summary: 'List cases, newest first',
        tags,
        querystring: ListCasesQuery.extend(pageQuery),
        response: { 200: pageOf(CaseSummarySchema), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const creditorId = creditorOf(request).creditorId;
      const rows = await cases.listCases(db, creditorId, filter, { limit, after: decodeCursor(cursor) });
      const { items, next } = splitPage(rows, limit);
      const ids = items.map((c) => c.id);
      const [invoiceRows, ledgerRows] = await Promise.all([invoices.listInvoicesOfCases(db, creditorId, ids), loadLedgerRows(db, creditorId, items)]);
      const now = clock.now();
      return {
        items: items.map((c) => toCaseSummary(c, invoiceRows.filter((i) => i.case_id === c.id), ledgerFromRows(c, ledgerRows.get(c.id)!, now))),
        nextCursor: next ? encodeCursor(next) : null,
      };
    },
  );

  app.patch(
    '/cases/:id',
    {
      schema: {
        summary: "Change a case's handler, external reference, contractual interest rate or policy",
        description: 'Status changes have their own actions (verify, dispute, pause, ...).',
        tags,
        params: IdParams,
        body: PatchCaseBody,
        response: { 200: CaseSchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const creditor = creditorOf(request);
      const now = clock.now();
      const { view, planned } = await db.transaction().execute(async (trx) => {
        const changed = await changeCase(trx, creditor, request.params.id, request.body, actorOf(request), now);
        return { view: changed.found ? await loadCase(trx, creditor.creditorId, request.params.id, now) : undefined, planned: changed.deadlines };
      });
      if (!view) throw new HttpProblem('not-found', 'no such case');
      await scheduleJobs(deps, planned, now, request.log);
      return view;
    },
  );
};
