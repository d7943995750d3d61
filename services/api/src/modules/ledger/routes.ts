import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caseLedger } from '@fordra/collection';
import { activity, cases, creditors, debtors } from '@fordra/db';
import { asCurrency, compareDates, dayOf, DomainError, type Language } from '@fordra/domain';
import { LetterContentError } from '@fordra/letters';
import { actorOf, creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { AmountMinor, IdempotencyHeaders, IdParams, LocalDateString, Text } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { LedgerSchema, toLedger } from './schemas.js';
import { statementLines, statementPdf } from './statement.js';

const tags = ['ledger'];

const StatementSchema = z
  .object({
    creditor: z.string(),
    debtor: z.string(),
    caseReference: z.string(),
    paymentReference: z.string().nullable(),
    asOf: LocalDateString,
    lines: z.array(z.string()).describe("The entries as the statement letter prints them, in the debtor's language."),
    ledger: LedgerSchema,
  })
  .meta({ id: 'Statement' });

export const ledgerRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock }) => {
  async function read(creditorId: string, caseId: string) {
    const row = await cases.getCase(db, creditorId, caseId);
    if (!row) throw new HttpProblem('not-found', 'no such case');
    const now = clock.now();
    const creditor = (await creditors.getCreditor(db, creditorId))!;
    const asOf = dayOf(now, creditor.time_zone);
    return { row, creditor, now, asOf, ledger: await caseLedger(db, row, now) };
  }

  app.get(
    '/cases/:id/ledger',
    {
      schema: {
        summary: "The case's ledger: every amount, interest to date, and how each payment was settled",
        description: "Derived from the case's invoices, fees, payments, credit notes and write-offs each time it is read; interest accrues per day on unpaid principal only (actual/365, exact across rate changes). Payments settle the parts in the creditor's allocation order.",
        tags,
        params: IdParams,
        response: { 200: LedgerSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { row, asOf, ledger } = await read(creditorOf(request).creditorId, request.params.id);
      return toLedger(row.id, asOf, asCurrency(row.currency), ledger);
    },
  );

  app.get(
    '/cases/:id/statement',
    {
      schema: {
        summary: 'A statement of account for the debtor, as JSON or as a PDF letter',
        description: 'Send `Accept: application/pdf` for the letter (in the debtor\'s language, with the amount due and the reference to quote).',
        tags,
        params: IdParams,
        response: { 200: StatementSchema, ...problemResponses(400, 401, 404, 422) },
      },
    },
    async (request, reply) => {
      const { row, creditor, now, asOf, ledger } = await read(creditorOf(request).creditorId, request.params.id);
      const debtor = (await debtors.getDebtor(db, row.creditor_id, row.debtor_id))!;
      if (String(request.headers.accept ?? '').includes('application/pdf')) {
        try {
          const pdf = await statementPdf({ creditor, debtor, row, ledger, asOf, now });
          // A Buffer is sent as it is: the JSON schema of the route does not apply to it.
          return reply
            .type('application/pdf')
            .header('content-disposition', `inline; filename="statement-${row.id}.pdf"`)
            .send(Buffer.from(pdf) as unknown as z.infer<typeof StatementSchema>);
        } catch (err) {
          if (err instanceof LetterContentError) throw new DomainError('invalid_payment', `the statement cannot be laid out as a letter: ${err.message}`);
          throw err;
        }
      }
      return {
        creditor: creditor.sender_name ?? creditor.name,
        debtor: debtor.name,
        caseReference: row.external_reference ?? row.id.slice(0, 8).toUpperCase(),
        paymentReference: row.payment_reference,
        asOf,
        lines: statementLines(ledger, row.currency, debtor.preferred_language as Language),
        ledger: toLedger(row.id, asOf, asCurrency(row.currency), ledger),
      };
    },
  );

  const AdjustmentBody = z.object({
    amount: AmountMinor,
    bookedOn: LocalDateString.describe('Not in the future.'),
    invoiceId: z.uuid().nullish().describe('Credit notes: the invoice credited (default: the oldest unpaid).'),
    note: Text(500).nullish(),
  });

  for (const kind of ['credit_note', 'refund'] as const) {
    app.post(
      `/cases/:id/${kind === 'credit_note' ? 'credit-notes' : 'refunds'}`,
      {
        config: { idempotent: true },
        schema: {
          summary: kind === 'credit_note' ? 'Credit part of an invoice: the claim shrinks by the credit note' : 'Record the refund of an overpayment',
          description: `${kind === 'refund' ? 'At most what was overpaid. ' : ''}${IDEMPOTENCY_HEADER_DOC}`,
          tags,
          params: IdParams,
          headers: IdempotencyHeaders,
          body: AdjustmentBody,
          response: { 201: LedgerSchema, ...problemResponses(400, 401, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const creditorId = creditorOf(request).creditorId;
        const now = clock.now();
        const body = await db.transaction().execute(async (trx) => {
          const row = await cases.getCaseForUpdate(trx, creditorId, request.params.id);
          if (!row) throw new HttpProblem('not-found', 'no such case');
          const creditor = (await creditors.getCreditor(trx, creditorId))!;
          const today = dayOf(now, creditor.time_zone);
          if (compareDates(request.body.bookedOn, today) > 0) throw new DomainError('invalid_payment', 'not in the future', [{ path: 'bookedOn', message: `must be ${today} or earlier` }]);
          const before = await caseLedger(trx, row, now);
          if (kind === 'refund' && BigInt(request.body.amount) > before.parts.overpaid) {
            throw new DomainError('invalid_payment', `only ${before.parts.overpaid} was overpaid`, [{ path: 'amount', message: `at most ${before.parts.overpaid}` }]);
          }
          if (request.body.invoiceId && !(await trx.selectFrom('invoices').select('id').where('id', '=', request.body.invoiceId).where('case_id', '=', row.id).executeTakeFirst())) {
            throw new DomainError('invalid_payment', 'no such invoice on the case', [{ path: 'invoiceId', message: 'names no invoice of this case' }]);
          }
          const adjustment = await trx
            .insertInto('case_adjustments')
            .values({
              creditor_id: creditorId,
              case_id: row.id,
              invoice_id: request.body.invoiceId ?? null,
              kind,
              amount_minor: request.body.amount,
              currency: row.currency,
              booked_on: request.body.bookedOn,
              note: request.body.note ?? null,
              actor_kind: actorOf(request).kind,
              actor_id: actorOf(request).id,
              created_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          await activity.appendActivity(trx, [{ creditorId, caseId: row.id, type: `ledger.${kind}`, actor: actorOf(request), data: { adjustmentId: adjustment.id, amount: request.body.amount, bookedOn: request.body.bookedOn } }], now);
          const after = await caseLedger(trx, row, now);
          return commitResponse(trx, request, 201, toLedger(row.id, today, asCurrency(row.currency), after));
        });
        return reply.code(201).send(body);
      },
    );
  }
};
