import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf, creditorOf } from '../../http/auth.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdParams } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { inSnapshot } from '../dossier/read.js';
import { eraseDebtor } from './erase.js';
import { readDebtorExport } from './export.js';
import { DebtorExportSchema, ErasureSchema, toDebtorExport, toErasableDebtor } from './schemas.js';

const tags = ['debtors'];

/** A debtor's rights over its data, exercised through the creditor: a full export, and erasure. */
export const personalDataRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock }) => {
  app.get(
    '/debtors/:id/export',
    {
      schema: {
        summary: 'Everything kept about a debtor, as one JSON document',
        description:
          'The debtor; each of its cases with invoices (the PDFs described and linked, not included), the activity record, contacts, agreements and their instalments, ' +
          'payments, credit notes and refunds, bank credits matched by hand, every email and letter with what it said, tasks, hand-overs and agency reports; ' +
          'and the audit events about any of them. Read in one consistent snapshot. Recorded in the audit log as an export.',
        tags,
        params: IdParams,
        response: { 200: DebtorExportSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { creditorId } = creditorOf(request);
      const rows = await inSnapshot(db, (trx) => readDebtorExport(trx, creditorId, request.params.id));
      if (!rows) throw new HttpProblem('not-found', 'no such debtor');
      reply.header('content-disposition', `attachment; filename="debtor-${request.params.id}.json"`);
      return toDebtorExport(rows, clock.now());
    },
  );

  app.post(
    '/debtors/:id/erase',
    {
      schema: {
        summary: "Erase (anonymise) a debtor's personal data",
        description:
          'Allowed once all the debtor’s cases are closed and the last one closed at least the creditor’s retention period ago (`personalDataRetentionDays` in ' +
          '`PATCH /v1/creditor`, 730 days unless changed); otherwise 409, saying when it becomes possible. In one transaction the debtor’s name becomes ' +
          '"Erased debtor" and its identity number, email, phone, address and customer number are removed, and so is the same data wherever else it is kept: ' +
          'messages (recipients, texts, letter PDFs; messages still waiting are cancelled), invoice PDFs, notes of contacts, tasks, agreements, agency reports, ' +
          'credit notes and refunds, the debtor’s confirmation of agreements, payers’ names and references, personal values in the activity record and event texts. ' +
          'Ids, amounts, dates and statuses stay for the bookkeeping, and the debtor still answers by its id. Erasing an erased debtor changes nothing.',
        tags,
        params: IdParams,
        response: { 200: ErasureSchema, ...problemResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { creditorId } = creditorOf(request);
      const erasure = await db.transaction().execute((trx) => eraseDebtor(trx, creditorId, request.params.id, actorOf(request), clock.now()));
      if (!erasure) throw new HttpProblem('not-found', 'no such debtor');
      return { debtor: toErasableDebtor(erasure.debtor), cancelledNotificationIds: erasure.cancelledNotificationIds };
    },
  );
};
