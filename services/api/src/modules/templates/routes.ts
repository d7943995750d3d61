import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { buildMessageContext } from '@fordra/collection';
import { cases } from '@fordra/db';
import { DomainError, LANGUAGES } from '@fordra/domain';
import { defaultTemplate, renderMessage, TEMPLATE_KINDS, TemplateError, templateIssues, type TemplateSource } from '@fordra/templates';
import { creditorOf } from '../../http/auth.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { Instant, iso } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';

const tags = ['templates'];
const Params = z.object({ kind: z.enum(TEMPLATE_KINDS), language: z.enum(LANGUAGES) });
const Source = z
  .object({
    subject: z.string().min(1).max(500),
    text: z.string().min(1).max(50_000).describe('Plain-text body; for letters, the letter body.'),
    html: z.string().min(1).max(100_000),
  })
  .meta({ id: 'TemplateSource', description: 'Liquid templates. The variables are listed in the API description of the preview route.' });
const Template = z
  .object({ kind: z.enum(TEMPLATE_KINDS), language: z.enum(LANGUAGES), custom: z.boolean().describe("True when the creditor's own wording replaces Fordra's."), updatedAt: Instant.nullable() })
  .extend(Source.shape)
  .meta({ id: 'Template' });
const Rendered = z.object({ subject: z.string(), text: z.string(), html: z.string() }).meta({ id: 'RenderedMessage' });

function assertValid(source: TemplateSource) {
  const issues = templateIssues(source);
  if (issues.length) throw new DomainError('invalid_template', 'the template does not parse', issues);
}

export const templateRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock }) => {
  const stored = (creditorId: string, kind: string, language: (typeof LANGUAGES)[number]) =>
    db.selectFrom('creditor_templates').selectAll().where('creditor_id', '=', creditorId).where('kind', '=', kind).where('language', '=', language).executeTakeFirst();

  const view = async (creditorId: string, kind: (typeof TEMPLATE_KINDS)[number], language: (typeof LANGUAGES)[number]) => {
    const own = await stored(creditorId, kind, language);
    if (own) return { kind, language, custom: true, updatedAt: iso(own.updated_at), subject: own.subject, text: own.body_text, html: own.body_html };
    return { kind, language, custom: false, updatedAt: null, ...defaultTemplate(kind, language) };
  };

  app.get(
    '/templates',
    { schema: { summary: 'Every message template, in every language, as this creditor sends it', tags, response: { 200: z.object({ items: z.array(Template) }), ...problemResponses(401) } } },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const items = [];
      for (const kind of TEMPLATE_KINDS) for (const language of LANGUAGES) items.push(await view(creditorId, kind, language));
      return { items };
    },
  );

  app.get(
    '/templates/:kind/:language',
    { schema: { summary: 'One message template', tags, params: Params, response: { 200: Template, ...problemResponses(400, 401) } } },
    async (request) => view(creditorOf(request).creditorId, request.params.kind, request.params.language),
  );

  app.put(
    '/templates/:kind/:language',
    {
      schema: {
        summary: "Replace Fordra's wording with the creditor's own",
        description: 'Liquid syntax; a template that does not parse is refused with the failing part named.',
        tags,
        params: Params,
        body: Source,
        response: { 200: Template, ...problemResponses(400, 401, 422) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      assertValid(request.body);
      const values = { subject: request.body.subject, body_text: request.body.text, body_html: request.body.html, updated_at: clock.now() };
      await db
        .insertInto('creditor_templates')
        .values({ creditor_id: creditorId, kind: request.params.kind, language: request.params.language, ...values })
        .onConflict((oc) => oc.columns(['creditor_id', 'kind', 'language']).doUpdateSet(values))
        .execute();
      return view(creditorId, request.params.kind, request.params.language);
    },
  );

  app.delete(
    '/templates/:kind/:language',
    { schema: { summary: "Go back to Fordra's default wording", tags, params: Params, response: { 200: Template, ...problemResponses(400, 401) } } },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      await db.deleteFrom('creditor_templates').where('creditor_id', '=', creditorId).where('kind', '=', request.params.kind).where('language', '=', request.params.language).execute();
      return view(creditorId, request.params.kind, request.params.language);
    },
  );

  app.post(
    '/templates/:kind/:language/preview',
    {
      schema: {
        summary: 'Render a template for a case, as it would be sent today',
        description:
          'Renders the stored template (or the one in the body, to try a change before saving it). Variables: `creditor` (name, email, phone, website), `debtor` (name, kind), `caseReference`, `invoices` (number, issueDate, dueDate, amountMinor, currency), `feesMinor`, `outstandingMinor`, `currency`, `payment` (reference, bankgiro, iban, bic, payBy), `handOverDate`, `agreement`, `today`; filters `money: currency` and `day`.',
        tags,
        params: Params,
        body: z.object({ caseId: z.uuid(), template: Source.optional() }),
        response: { 200: Rendered, ...problemResponses(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const { kind, language } = request.params;
      if (!(await cases.getCase(db, creditorId, request.body.caseId))) throw new HttpProblem('not-found', 'no such case');
      const context = await buildMessageContext(db, { creditorId, caseId: request.body.caseId, language, now: clock.now() });
      if (!context) throw new HttpProblem('not-found', 'no such case');
      let override: TemplateSource | undefined = request.body.template;
      if (override) assertValid(override);
      else {
        const own = await stored(creditorId, kind, language);
        if (own) override = { subject: own.subject, text: own.body_text, html: own.body_html };
      }
      try {
        return await renderMessage(kind, context, override);
      } catch (err) {
        if (err instanceof TemplateError) throw new DomainError('invalid_template', err.message, err.issues);
        throw err;
      }
    },
  );
};
