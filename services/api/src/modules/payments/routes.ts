import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordPayment } from '@fordra/collection';
import { cases, payments, type PaymentRow } from '@fordra/db';
import { asCurrency, toJsonAmount } from '@fordra/domain';
import { actorOf, creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { AmountMinor, CurrencyCode, IdempotencyHeaders, IdParams, Instant, iso, LocalDateString, MoneySchema, Text } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { scheduleJobs } from '../case-life/jobs.js';

const tags = ['payments'];
const METHODS = ['bank_transfer', 'card', 'cash', 'direct_debit', 'other'] as const;

const PaymentSchema = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    amount: MoneySchema,
    paidOn: LocalDateString,
    method: z.enum([...METHODS, 'agency']),
    payerReference: z.string().nullable(),
    source: z.enum(['api', 'agency', 'bank_file']),
    createdAt: Instant,
  })
  .meta({ id: 'Payment' });

const RecordedPayment = PaymentSchema.extend({
  allocation: z
    .object({ costs: z.number().int(), interest: z.number().int(), principal: z.number().int(), overpaid: z.number().int() })
    .describe("What the payment settled, in the creditor's allocation order (oldest cost first, oldest invoice first); overpaid is kept for refund."),
  outstanding: MoneySchema.describe('What is left on the case; negative when overpaid (the excess is to be refunded).'),
  caseClosed: z.boolean().describe('The payment settled the case, which closed as paid.'),
}).meta({ id: 'RecordedPayment' });

function toPayment(p: PaymentRow) {
  const currency = asCurrency(p.currency);
  return { id: p.id, caseId: p.case_id, amount: { amount: Number(p.amount_minor), currency }, paidOn: p.paid_on, method: p.method, payerReference: p.payer_reference, source: p.source, createdAt: iso(p.created_at) };
}

export const paymentRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { db, clock } = deps;
  app.post(
    '/cases/:id/payments',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Record a payment received on a case',
        description: `A case paid in full closes as paid, cancelling its pending steps and tasks, and its agreement counts as kept; a partial payment leaves the policy or the agreement to go on. Agreements count the payments recorded since they were made. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        params: IdParams,
        headers: IdempotencyHeaders,
        body: z.object({
          amount: AmountMinor,
          currency: CurrencyCode.describe("Must be the case's currency."),
          paidOn: LocalDateString.describe('The day the debtor paid; not in the future.'),
          method: z.enum(METHODS),
          payerReference: Text(140).nullish().describe('The reference the payer gave.'),
        }),
        response: { 201: RecordedPayment, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const creditorId = creditorOf(request).creditorId;
      const now = clock.now();
      const b = request.body;
      const { body, deadlines } = await db.transaction().execute(async (trx) => {
        const row = await cases.getCaseForUpdate(trx, creditorId, request.params.id);
        if (!row) throw new HttpProblem('not-found', 'no such case');
        const result = await recordPayment(
          trx,
          row,
          { amountMinor: b.amount, currency: b.currency, paidOn: b.paidOn, method: b.method, payerReference: b.payerReference ?? null, source: 'api' },
          actorOf(request),
          now,
        );
        const a = result.allocation;
        const allocation = { costs: Number(a.costs), interest: Number(a.interest), principal: Number(a.principal), overpaid: Number(a.overpaid) };
        const answer = { ...toPayment(result.payment), allocation, outstanding: { amount: toJsonAmount(result.outstanding), currency: result.outstanding.currency }, caseClosed: result.closed };
        return { body: await commitResponse(trx, request, 201, answer), deadlines: result.deadlines };
      });
      await scheduleJobs(deps, deadlines, now, request.log);
      return reply.code(201).send(body);
    },
  );

  app.get(
    '/cases/:id/payments',
    { schema: { summary: "A case's payments, in the order they were recorded", tags, params: IdParams, response: { 200: z.object({ items: z.array(PaymentSchema) }), ...problemResponses(400, 401, 404) } } },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      if (!(await cases.getCase(db, creditorId, request.params.id))) throw new HttpProblem('not-found', 'no such case');
      return { items: (await payments.listPayments(db, creditorId, request.params.id)).map(toPayment) };
    },
  );
};
