import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BankFileError, parseCamt, type CamtFile } from '@fordra/bank-files';
import { toJsonAmount, asCurrency } from '@fordra/domain';
import { actorOf, creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { decodeCursor, encodeCursor, pageOf, pageQuery } from '../../http/pagination.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdempotencyHeaders, IdParams, Instant, iso, LocalDateString, MoneySchema } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { scheduleJobs } from '../case-life/jobs.js';
import { importPaymentFile, listUnmatched, matchByHand, readPaymentFile } from './import.js';
import { PaymentFileSchema, toUnmatched, UnmatchedPaymentSchema } from './schemas.js';

const tags = ['payment files'];

/** Bank files are larger than JSON bodies: a day's statement of a busy account runs to megabytes. */
export const MAX_PAYMENT_FILE_BYTES = 10 * 1024 * 1024;
const XML_TYPES = ['application/xml', 'text/xml'];

/** A bank file the parser refused, as the problem the API answers. */
function refusal(err: BankFileError): HttpProblem {
  switch (err.kind) {
    case 'malformed_xml':
      return new HttpProblem('malformed-body', err.message);
    case 'too_large':
      return new HttpProblem('payload-too-large', err.message);
    default:
      return new HttpProblem('unprocessable', err.message, { errors: [{ in: 'body', pointer: err.path ?? '', detail: err.message }] });
  }
}

function parse(content: Buffer): CamtFile {
  try {
    return parseCamt(content, { maxBytes: MAX_PAYMENT_FILE_BYTES });
  } catch (err) {
    if (err instanceof BankFileError) throw refusal(err);
    throw err;
  }
}

const MatchedPayment = z
  .object({
    unmatchedPayment: UnmatchedPaymentSchema,
    payment: z.object({ id: z.uuid(), caseId: z.uuid(), amount: MoneySchema, paidOn: LocalDateString, createdAt: Instant }),
    outstanding: MoneySchema.describe('What is left on the case; negative when overpaid (the excess is to be refunded).'),
    caseClosed: z.boolean().describe('The payment settled the case, which closed as paid.'),
  })
  .meta({ id: 'MatchedPayment' });

export const paymentFileRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { db, clock } = deps;
  // Only this plugin reads XML bodies: as raw bytes, hashed and parsed by the route.
  app.addContentTypeParser(XML_TYPES, { parseAs: 'buffer', bodyLimit: MAX_PAYMENT_FILE_BYTES }, (_req, body, done) => {
    done(null, body);
  });

  app.post(
    '/payment-files',
    {
      bodyLimit: MAX_PAYMENT_FILE_BYTES,
      schema: {
        summary: 'Import a bank file (ISO 20022 camt.054 or camt.053)',
        description: `Send the file itself as the body with \`Content-Type: application/xml\` (or \`text/xml\`), at most ${MAX_PAYMENT_FILE_BYTES} bytes: a camt.054 notification or a camt.053 statement, versions 001.02 to 001.08. Each booked credit whose payment reference names exactly one open case of the same currency is recorded on that case (a case paid in full closes as paid); every other credit goes to the unmatched list with its reason. Debits, reversals and entries not yet booked are counted and skipped. A credit counts once whichever file brings it: a credit already recorded or listed (by its bank reference) is a duplicate and changes nothing. Importing the same file again changes nothing and answers 200 with the earlier import. Malformed XML answers 400; another message type or a file missing mandatory elements, 422.`,
        tags,
        consumes: XML_TYPES,
        body: z.any().meta({ type: 'string', format: 'binary' }),
        response: { 200: PaymentFileSchema.describe('The same file was imported before: its import, nothing changed.'), 201: PaymentFileSchema, ...problemResponses(400, 401, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const content = request.body;
      if (!Buffer.isBuffer(content)) throw new HttpProblem('unsupported-media-type', 'send the bank file with Content-Type: application/xml');
      const file = parse(content);
      const sha256 = createHash('sha256').update(content).digest('hex');
      const now = clock.now();
      const result = await importPaymentFile(db, { creditorId: creditorOf(request).creditorId, sha256, file, actor: actorOf(request), now });
      await scheduleJobs(deps, result.deadlines, now, request.log);
      return reply.code(result.created ? 201 : 200).send(result.summary);
    },
  );

  app.get(
    '/payment-files/:id',
    { schema: { summary: 'One imported bank file: its counts, payments and unmatched payments', tags, params: IdParams, response: { 200: PaymentFileSchema, ...problemResponses(400, 401, 404) } } },
    async (request) => {
      const found = await readPaymentFile(db, creditorOf(request).creditorId, request.params.id);
      if (!found) throw new HttpProblem('not-found', 'no such payment file');
      return found;
    },
  );

  app.get(
    '/unmatched-payments',
    {
      schema: {
        summary: 'Credits from bank files that found no case, newest first',
        description: 'Open ones by default; match one to its case by hand with POST /v1/unmatched-payments/{id}/match.',
        tags,
        querystring: z.object({ status: z.enum(['open', 'matched']).default('open'), ...pageQuery }),
        response: { 200: pageOf(UnmatchedPaymentSchema), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const { status, limit, cursor } = request.query;
      const { items, next } = await listUnmatched(db, creditorOf(request).creditorId, status, { limit, after: decodeCursor(cursor) });
      return { items: items.map(toUnmatched), nextCursor: next ? encodeCursor(next) : null };
    },
  );

  app.post(
    '/unmatched-payments/:id/match',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Record an unmatched credit on the case it belongs to',
        description: `The case must be in the credit's currency. The payment is recorded as from the bank file, dated its booking day; a case paid in full closes as paid. A credit already matched answers 409. ${IDEMPOTENCY_HEADER_DOC}`,
        tags,
        params: IdParams,
        headers: IdempotencyHeaders,
        body: z.object({ caseId: z.uuid() }),
        response: { 201: MatchedPayment, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const creditorId = creditorOf(request).creditorId;
      const now = clock.now();
      const { body, deadlines } = await db.transaction().execute(async (trx) => {
        const r = await matchByHand(trx, creditorId, request.params.id, request.body.caseId, actorOf(request), now);
        const currency = asCurrency(r.payment.currency);
        const answer = {
          unmatchedPayment: toUnmatched(r.unmatched),
          payment: { id: r.payment.id, caseId: r.payment.case_id, amount: { amount: Number(r.payment.amount_minor), currency }, paidOn: r.payment.paid_on, createdAt: iso(r.payment.created_at) },
          outstanding: { amount: toJsonAmount({ amountMinor: r.outstanding.amountMinor, currency }), currency },
          caseClosed: r.closed,
        };
        return { body: await commitResponse(trx, request, 201, answer), deadlines: r.deadlines };
      });
      await scheduleJobs(deps, deadlines, now, request.log);
      return reply.code(201).send(body);
    },
  );
};
