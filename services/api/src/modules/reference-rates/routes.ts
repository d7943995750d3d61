import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REFERENCE_BASES } from '@fordra/domain';
import { adminAuth } from '../../http/auth.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { Instant, iso, LocalDateString, Text } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';

const tags = ['reference rates'];

const RateSchema = z
  .object({
    basis: z.enum(REFERENCE_BASES).describe("riksbank: Sveriges Riksbank's reference rate (Swedish statutory interest); ecb: the ECB's (Finnish)."),
    validFrom: LocalDateString.describe('The first day of the period (1 January and 1 July for both).'),
    rateBp: z.number().int().min(-1000).max(5000).describe('The reference rate in basis points: 175 is 1.75 %.'),
    source: z.string().nullable(),
    createdAt: Instant,
  })
  .meta({ id: 'ReferenceRate' });

const toRate = (r: { basis: 'riksbank' | 'ecb'; valid_from: string; rate_bp: number; source: string | null; created_at: Date }) => ({
  basis: r.basis,
  validFrom: r.valid_from,
  rateBp: r.rate_bp,
  source: r.source,
  createdAt: iso(r.created_at),
});

/** The central banks' reference rates the statutory interest is built on: readable by every creditor. */
export const referenceRateRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db }) => {
  app.get(
    '/reference-rates',
    {
      schema: {
        summary: 'The reference rates on file, by basis and period',
        description: 'Statutory late-payment interest is the reference rate in force on each day plus the legal margin (Sweden: Riksbank + 8 points; Finland: ECB + 7, or + 8 between businesses).',
        tags,
        response: { 200: z.object({ items: z.array(RateSchema) }), ...problemResponses(401) },
      },
    },
    async () => ({ items: (await db.selectFrom('reference_rates').selectAll().orderBy('basis').orderBy('valid_from').execute()).map(toRate) }),
  );
};

/** Operators keep the table current: the rates are facts for every creditor alike. */
export const referenceRateAdminRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock, config }) => {
  app.addHook('onRequest', adminAuth(config.ADMIN_TOKEN));
  const security = [{ adminToken: [] }];
  const Params = z.object({ basis: z.enum(REFERENCE_BASES), validFrom: LocalDateString });

  app.put(
    '/reference-rates/:basis/:validFrom',
    {
      schema: {
        summary: 'Set the reference rate of a period',
        tags,
        security,
        params: Params,
        body: z.object({ rateBp: z.number().int().min(-1000).max(5000), source: Text(300).nullish().describe('Where the figure comes from.') }),
        response: { 200: RateSchema, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { basis, validFrom } = request.params;
      const row = await db
        .insertInto('reference_rates')
        .values({ basis, valid_from: validFrom, rate_bp: request.body.rateBp, source: request.body.source ?? null, created_at: clock.now() })
        .onConflict((oc) => oc.columns(['basis', 'valid_from']).doUpdateSet({ rate_bp: request.body.rateBp, source: request.body.source ?? null }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRate(row);
    },
  );

  app.delete(
    '/reference-rates/:basis/:validFrom',
    { schema: { summary: 'Remove a reference rate entered in error', tags, security, params: Params, response: { 204: z.null(), ...problemResponses(400, 401, 404) } } },
    async (request, reply) => {
      const deleted = await db.deleteFrom('reference_rates').where('basis', '=', request.params.basis).where('valid_from', '=', request.params.validFrom).executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw new HttpProblem('not-found', 'no such rate');
      return reply.code(204).send(null);
    },
  );
};
