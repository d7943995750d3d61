import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { dayOf } from '@fordra/domain';
import { creditorOf } from '../../http/auth.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdParams } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { inSnapshot, readDossier, readHistory } from './read.js';
import { DebtorHistorySchema, DossierSchema, toDebtorHistory, toDossier } from './schemas.js';

export const dossierRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock }) => {
  app.get(
    '/cases/:id/dossier',
    {
      schema: {
        summary: 'Everything to know before contacting the debtor about a case',
        description:
          "The case and what it owes, its unpaid invoices, the debtor and its record across the creditor's cases, every collection attempt so far, " +
          'the agreements and whether they were kept, open disputes and tasks, and the next scheduled step: read in one consistent snapshot.',
        tags: ['cases'],
        params: IdParams,
        response: { 200: DossierSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { creditorId, timeZone } = creditorOf(request);
      const rows = await inSnapshot(db, (trx) => readDossier(trx, creditorId, request.params.id));
      if (!rows) throw new HttpProblem('not-found', 'no such case');
      return toDossier(rows, timeZone, dayOf(clock.now(), timeZone));
    },
  );

  app.get(
    '/debtors/:id/history',
    {
      schema: {
        summary: "A debtor's record over all of the creditor's cases",
        description: 'Cases open and closed, how often and how late they were paid, what is owed now, agreements kept and broken, disputes, and the last contact.',
        tags: ['debtors'],
        params: IdParams,
        response: { 200: DebtorHistorySchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { creditorId, timeZone } = creditorOf(request);
      const rows = await inSnapshot(db, (trx) => readHistory(trx, creditorId, request.params.id));
      if (!rows) throw new HttpProblem('not-found', 'no such debtor');
      return toDebtorHistory(rows, timeZone);
    },
  );
};
