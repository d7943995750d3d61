import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readAgreementToken } from '@fordra/collection';
import { activity, agreements, cases, creditors, debtors, outbox, type AgreementRow } from '@fordra/db';
import { asCurrency, event, type Language } from '@fordra/domain';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import { Instant, isoOrNull, LocalDateString, MoneySchema, Text } from '../../http/schemas.js';
import type { AppDeps } from '../../deps.js';
import { agreementPage } from './page.js';

const tags = ['public'];
const TokenParams = z.object({ token: z.string().min(1).max(300).describe('The token from the link in the written follow-up.') });

const PublicAgreement = z
  .object({
    creditor: z.string().describe('Who the agreement is with.'),
    caseReference: z.string(),
    kind: z.enum(['promise', 'instalment_plan']),
    status: z.enum(['active', 'kept', 'broken', 'cancelled']),
    amount: MoneySchema,
    instalments: z.array(z.object({ dueDate: LocalDateString, amount: MoneySchema })),
    followUpDate: LocalDateString,
    confirmedAt: Instant.nullable(),
  })
  .meta({ id: 'PublicAgreement' });

/** Only what the debtor agreed to: the link may be forwarded, so it shows no personal data. */
async function publicView(db: AppDeps['db'], a: AgreementRow) {
  const [creditor, row, instalments, debtor] = await Promise.all([
    creditors.getCreditor(db, a.creditor_id),
    cases.getCase(db, a.creditor_id, a.case_id),
    agreements.listInstalments(db, a.creditor_id, [a.id]),
    debtors.getDebtor(db, a.creditor_id, a.debtor_id),
  ]);
  const language = (debtor?.preferred_language ?? 'en') as Language;
  const currency = asCurrency(a.currency);
  return {
    creditor: creditor?.sender_name ?? creditor?.name ?? '',
    caseReference: row?.external_reference ?? a.case_id.slice(0, 8).toUpperCase(),
    kind: a.kind,
    status: a.status,
    amount: { amount: Number(a.total_minor), currency },
    instalments: instalments.map((i) => ({ dueDate: i.due_date, amount: { amount: Number(i.amount_minor), currency } })),
    followUpDate: a.follow_up_date,
    confirmedAt: isoOrNull(a.confirmed_at),
    language,
  };
}

/** A browser (or the page's own form) gets the page; API clients get JSON. */
function wantsPage(request: FastifyRequest): boolean {
  if (String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return true;
  const accept = String(request.headers.accept ?? '');
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

function answer(request: FastifyRequest, reply: FastifyReply, view: Awaited<ReturnType<typeof publicView>>) {
  const { language, ...body } = view;
  if (!wantsPage(request)) return body;
  return reply.type('text/html; charset=utf-8').serializer((page) => page as string).send(agreementPage(body, language));
}

/**
 * The debtor's side of an agreement, reached through the signed link in the follow-up: no API
 * key, and nothing but the one agreement the token names.
 */
export const publicRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db, clock, config }) => {
  // The page's form posts url-encoded fields; an empty field means "not given".
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 10_000 }, (_request, body, done) => {
    const fields = Object.fromEntries([...new URLSearchParams(body as string)].filter(([, v]) => v.trim() !== ''));
    done(null, fields);
  });
  const agreementOf = async (token: string, forUpdate: boolean, q: AppDeps['db'] = db) => {
    const reading = readAgreementToken(config.AGREEMENT_LINK_SECRET, token, clock.now());
    if (!reading.ok) throw reading.reason === 'expired' ? new HttpProblem('link-expired') : new HttpProblem('not-found', 'no agreement for this link');
    let query = q.selectFrom('agreements').selectAll().where('id', '=', reading.agreementId);
    if (forUpdate) query = query.forUpdate();
    const found = await query.executeTakeFirst();
    if (!found) throw new HttpProblem('not-found', 'no agreement for this link');
    return found;
  };

  app.get(
    '/public/agreements/:token',
    {
      schema: {
        summary: 'The debtor reads the agreement the link confirms',
        description: 'JSON for programs; a browser (Accept: text/html) gets a page in the debtor\'s language with a button that confirms the agreement.',
        tags,
        security: [],
        params: TokenParams,
        response: { 200: PublicAgreement, ...problemResponses(400, 404, 410) },
      },
    },
    async (request, reply) => answer(request, reply, await publicView(db, await agreementOf(request.params.token, false))),
  );

  app.post(
    '/public/agreements/:token',
    {
      schema: {
        summary: 'The debtor confirms the agreement in writing',
        description: 'Recorded on the case with the time and the name given. Confirming again changes nothing; an agreement that already ended cannot be confirmed.',
        tags,
        security: [],
        params: TokenParams,
        body: z.object({ name: Text(200).nullish().describe('Who confirms, as they sign.'), comment: Text(2000).nullish() }).default({}),
        response: { 200: PublicAgreement, ...problemResponses(400, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const now = clock.now();
      const confirmed = await db.transaction().execute(async (trx) => {
        const a = await agreementOf(request.params.token, true, trx);
        if (a.confirmed_at) return a;
        if (a.status !== 'active') throw new HttpProblem('conflict', `the agreement is ${a.status} and can no longer be confirmed`);
        const confirmation = { name: request.body.name ?? null, comment: request.body.comment ?? null, userAgent: request.headers['user-agent']?.slice(0, 300) ?? null };
        const updated = await trx.updateTable('agreements').set({ confirmed_at: now, confirmation: JSON.stringify(confirmation) }).where('id', '=', a.id).returningAll().executeTakeFirstOrThrow();
        await activity.appendActivity(trx, [{ creditorId: a.creditor_id, caseId: a.case_id, type: 'agreement.confirmed', actor: { kind: 'debtor', id: null }, data: { agreementId: a.id, ...confirmation } }], now);
        await outbox.appendEvents(trx, a.creditor_id, [event('agreement.confirmed', a.case_id, { caseId: a.case_id, agreementId: a.id, confirmedAt: now.toISOString() })], now);
        return updated;
      });
      return answer(request, reply, await publicView(db, confirmed));
    },
  );
};
