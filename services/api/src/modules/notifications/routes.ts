import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cases, type NotificationRow } from '@fordra/db';
import { creditorOf } from '../../http/auth.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { IdParams, Instant, iso, isoOrNull } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';

const NotificationSummary = z
  .object({
    id: z.uuid(),
    caseId: z.uuid(),
    channel: z.enum(['email', 'letter']),
    template: z.string(),
    language: z.string(),
    recipient: z.record(z.string(), z.unknown()).describe('Where it went: the email address, or the postal address.'),
    status: z.enum(['queued', 'sent', 'failed', 'cancelled']),
    attempts: z.number().int(),
    sentAt: Instant.nullable(),
    failureReason: z.string().nullable(),
    fallbackOf: z.uuid().nullable().describe('The notification this one replaces on another channel.'),
    agreementId: z.uuid().nullable().describe('The agreement this message confirms (agreement follow-ups).'),
    createdAt: Instant,
  })
  .meta({ id: 'NotificationSummary' });

const Notification = NotificationSummary.extend({
  subject: z.string().nullable(),
  text: z.string().nullable().describe('The message as sent (null until rendered).'),
  html: z.string().nullable(),
  pages: z.number().int().nullable().describe('Letters: pages of the PDF, the invoice included.'),
  pdfUrl: z.string().nullable().describe('Letters: where the PDF as sent can be downloaded.'),
  attemptLog: z.array(z.object({ at: Instant, outcome: z.enum(['sent', 'temporary_failure', 'permanent_failure']), detail: z.string().nullable() })),
}).meta({ id: 'Notification' });

function summary(n: NotificationRow) {
  return {
    id: n.id,
    caseId: n.case_id,
    channel: n.channel,
    template: n.template,
    language: n.language,
    recipient: n.recipient as Record<string, unknown>,
    status: n.status,
    attempts: n.attempts,
    sentAt: isoOrNull(n.sent_at),
    failureReason: n.failure_reason,
    fallbackOf: n.fallback_of,
    agreementId: n.agreement_id,
    createdAt: iso(n.created_at),
  };
}

const SUMMARY_COLUMNS = [
  'id', 'creditor_id', 'case_id', 'deadline_id', 'idempotency_key', 'channel', 'template', 'language', 'recipient', 'attach_invoice', 'status',
  'created_at', 'updated_at', 'fallback_channel', 'fallback_of', 'attempts', 'provider', 'provider_message_id', 'sent_at', 'failure_reason',
  'subject', 'body_text', 'body_html', 'pages', 'rendered_at', 'agreement_id',
] as const;

export const notificationRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db }) => {
  app.get(
    '/cases/:id/notifications',
    {
      schema: {
        summary: 'Every email and letter of a case, oldest first',
        tags: ['notifications'],
        params: IdParams,
        response: { 200: z.object({ items: z.array(NotificationSummary) }), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      if (!(await cases.getCase(db, creditorId, request.params.id))) throw new HttpProblem('not-found', 'no such case');
      const rows = await db.selectFrom('notifications').select(SUMMARY_COLUMNS).where('creditor_id', '=', creditorId).where('case_id', '=', request.params.id).orderBy('created_at').orderBy('id').execute();
      return { items: rows.map((r) => summary({ ...r, pdf: null })) };
    },
  );

  app.get(
    '/notifications/:id',
    {
      schema: {
        summary: 'One email or letter: what it said, where it went, every attempt',
        tags: ['notifications'],
        params: IdParams,
        response: { 200: Notification, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const n = await db.selectFrom('notifications').select(SUMMARY_COLUMNS).where('creditor_id', '=', creditorId).where('id', '=', request.params.id).executeTakeFirst();
      if (!n) throw new HttpProblem('not-found', 'no such notification');
      const attempts = await db.selectFrom('notification_attempts').select(['attempted_at', 'outcome', 'detail']).where('notification_id', '=', n.id).orderBy('id').execute();
      return {
        ...summary({ ...n, pdf: null }),
        subject: n.subject,
        text: n.body_text,
        html: n.body_html,
        pages: n.pages,
        pdfUrl: n.channel === 'letter' && n.rendered_at ? `/v1/notifications/${n.id}/pdf` : null,
        attemptLog: attempts.map((a) => ({ at: iso(a.attempted_at), outcome: a.outcome, detail: a.detail })),
      };
    },
  );

  app.get(
    '/notifications/:id/pdf',
    {
      schema: {
        summary: 'The PDF of a letter, exactly as sent',
        tags: ['notifications'],
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: z.any().meta({ type: 'string', format: 'binary' }), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const n = await db.selectFrom('notifications').select(['pdf']).where('creditor_id', '=', creditorOf(request).creditorId).where('id', '=', request.params.id).executeTakeFirst();
      if (!n?.pdf) throw new HttpProblem('not-found', 'no letter PDF for this notification');
      return reply.type('application/pdf').header('content-disposition', `inline; filename="letter-${request.params.id}.pdf"`).send(n.pdf);
    },
  );
};
