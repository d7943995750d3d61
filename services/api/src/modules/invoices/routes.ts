import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { activity, cases, invoices, outbox } from '@fordra/db';
import { assertPdf, asCurrency, event, isOpen } from '@fordra/domain';
import { actorOf, creditorOf } from '../../http/auth.js';
import { commitResponse, IDEMPOTENCY_HEADER_DOC } from '../../http/idempotency.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdempotencyHeaders, IdParams, Instant } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { InvoiceInput, InvoiceSchema, toInvoice } from './schemas.js';
import { addInvoices } from './write.js';

const tags = ['invoices'];
const DocumentParams = z.object({ id: z.uuid(), invoiceId: z.uuid() });

export const invoiceRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock, config }) => {
  // Invoice documents arrive as the raw PDF bytes.
  app.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: config.MAX_DOCUMENT_BYTES }, (_req, body, done) => {
    done(null, body);
  });

  app.post(
    '/cases/:id/invoices',
    {
      config: { idempotent: true },
      schema: {
        summary: 'Add an invoice to an open case',
        description: IDEMPOTENCY_HEADER_DOC,
        tags,
        params: IdParams,
        headers: IdempotencyHeaders,
        body: InvoiceInput,
        response: { 201: InvoiceSchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const creditor = creditorOf(request);
      const now = clock.now();
      const result = await db.transaction().execute(async (trx) => {
        const found = await cases.getCaseForUpdate(trx, creditor.creditorId, request.params.id);
        if (!found) throw new HttpProblem('not-found', 'no such case');
        if (!isOpen(found.status)) throw new HttpProblem('illegal-transition', 'invoices cannot be added to a closed case');
        const existing = await invoices.listInvoicesOfCases(trx, creditor.creditorId, [found.id]);
        const target = { creditorId: creditor.creditorId, caseId: found.id, currency: asCurrency(found.currency) };
        const { rows: [row] } = await addInvoices(trx, target, [request.body], existing.map((i) => i.number), actorOf(request), now, '');
        await cases.updateCase(trx, creditor.creditorId, found.id, { updated_at: now });
        return commitResponse(trx, request, 201, toInvoice(row!));
      });
      return reply.code(201).send(result);
    },
  );

  app.put(
    '/cases/:id/invoices/:invoiceId/document',
    {
      bodyLimit: config.MAX_DOCUMENT_BYTES,
      schema: {
        summary: 'Upload the original invoice PDF',
        description: `Send the PDF itself as the body with \`Content-Type: application/pdf\`, at most ${config.MAX_DOCUMENT_BYTES} bytes. Reminders attach it. Uploading again replaces it.`,
        tags,
        params: DocumentParams,
        consumes: ['application/pdf'],
        body: z.any().meta({ type: 'string', format: 'binary' }),
        response: {
          200: z.object({ invoiceId: z.uuid(), sizeBytes: z.number().int(), sha256: z.string(), uploadedAt: Instant, replaced: z.boolean() }),
          ...problemResponses(400, 401, 404, 413, 415, 422),
        },
      },
    },
    async (request) => {
      const creditor = creditorOf(request);
      const content = request.body;
      if (!Buffer.isBuffer(content)) throw new HttpProblem('unsupported-media-type', 'send the document with Content-Type: application/pdf');
      assertPdf(content);
      const sha256 = createHash('sha256').update(content).digest('hex');
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const found = await cases.getCaseForUpdate(trx, creditor.creditorId, request.params.id);
        const invoice = found && (await invoices.getInvoice(trx, creditor.creditorId, found.id, request.params.invoiceId));
        if (!found || !invoice) throw new HttpProblem('not-found', 'no such invoice on this case');
        const { replaced } = await invoices.putInvoiceDocument(trx, { invoiceId: invoice.id, creditorId: creditor.creditorId, content, sha256, filename: null }, now);
        const data = { invoiceId: invoice.id, sizeBytes: content.length, sha256 };
        await activity.appendActivity(trx, [{ creditorId: creditor.creditorId, caseId: found.id, type: 'invoice.document_uploaded', actor: actorOf(request), data: { ...data, replaced } }], now);
        await outbox.appendEvents(trx, creditor.creditorId, [event('invoice.document_uploaded', found.id, { caseId: found.id, ...data })], now);
        return { ...data, uploadedAt: now.toISOString(), replaced };
      });
    },
  );

  app.get(
    '/cases/:id/invoices/:invoiceId/document',
    {
      schema: {
        summary: 'Download the original invoice PDF',
        tags,
        params: DocumentParams,
        produces: ['application/pdf'],
        response: { 200: z.any().meta({ type: 'string', format: 'binary', description: 'The PDF.' }), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const creditor = creditorOf(request);
      const invoice = await invoices.getInvoice(db, creditor.creditorId, request.params.id, request.params.invoiceId);
      const document = invoice && (await invoices.getInvoiceDocument(db, creditor.creditorId, invoice.id));
      if (!invoice || !document) throw new HttpProblem('not-found', 'no document for this invoice');
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="invoice-${invoice.number.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf"`)
        .header('etag', `"${document.sha256}"`)
        .send(document.content);
    },
  );
};
