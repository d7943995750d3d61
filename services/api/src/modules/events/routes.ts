import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CloudEventSchema, EVENT_TYPES, isEventType } from '@fordra/domain';
import { creditorOf } from '../../http/auth.js';
import { openApiInfo } from '../../http/openapi.js';
import { HttpProblem, problemResponses } from '../../http/problems.js';
import type { AppDeps } from '../../deps.js';
import { buildAsyncApiDocument } from './asyncapi.js';
import { decodeFeedCursor, encodeFeedCursor, readFeed } from './feed.js';

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 500;

const FeedItemSchema = CloudEventSchema.extend({
  // A string, not the catalogue's enum: a feed must never fail on an event type it does not know.
  type: z.string().describe('The event type, exactly as in the catalogue (`/asyncapi.json`), e.g. `case.created`.'),
  position: z.string().regex(/^[0-9]+$/).describe("CloudEvents extension attribute: the event's place in the creditor's feed. Later events have larger positions."),
})
  .describe('A CloudEvents 1.0 event (structured JSON) with its feed position. `/asyncapi.json` describes every type and its data.')
  .meta({ id: 'Event' });

const FeedQuery = z.object({
  after: z.string().max(100).optional().describe('The `nextCursor` of the previous page; leave out to read from the beginning.'),
  limit: z.coerce.number().int().min(1).max(FEED_MAX_LIMIT).default(FEED_DEFAULT_LIMIT).describe(`Events per page, at most ${FEED_MAX_LIMIT}.`),
  types: z.string().max(2000).optional().describe('Only these event types, comma-separated, e.g. `case.created,payment.received`.'),
});

function parseTypes(types: string | undefined): string[] | undefined {
  if (types === undefined) return undefined;
  const list = [...new Set(types.split(',').map((t) => t.trim()))];
  const unknown = list.filter((t) => !isEventType(t));
  if (unknown.length > 0) {
    throw new HttpProblem('validation', `unknown event type(s): ${unknown.map((t) => JSON.stringify(t)).join(', ')}`, {
      errors: [{ in: 'query', pointer: '/types', detail: `must be a comma-separated list of: ${EVENT_TYPES.join(', ')}` }],
    });
  }
  return list;
}

/** The AsyncAPI document: public like /openapi.json, and built once. */
export const asyncApiRoutes: FastifyPluginAsyncZod = async (app) => {
  const document = buildAsyncApiDocument({ version: openApiInfo.info?.version ?? '0.0.0' });
  app.get('/asyncapi.json', { schema: { hide: true } }, async () => document);
};

/** The creditor's events as an ordered feed, for integrators who pull instead of receiving webhooks. */
export const eventRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db }) => {
  app.get(
    '/events',
    {
      schema: {
        summary: "The creditor's events, in order",
        description: [
          'The same events the webhooks deliver, as CloudEvents 1.0, in one order that never changes: their `position`. ',
          'An event appears here once the relay has published it; a reader that follows ',
          '`nextCursor` never skips an event and never sees one twice, even while new events arrive. ',
          'When a page holds fewer than `limit` events you are up to date: ask again later with the same `nextCursor`. ',
          'Every event type and its data are described in the AsyncAPI document at [/asyncapi.json](/asyncapi.json).',
        ].join(''),
        tags: ['events'],
        querystring: FeedQuery,
        response: {
          200: z.object({
            items: z.array(FeedItemSchema),
            nextCursor: z.string().describe('Pass as `after` to read on; never null, as a feed has no last page.'),
          }),
          ...problemResponses(400, 401),
        },
      },
    },
    async (request) => {
      const creditorId = creditorOf(request).creditorId;
      const { after, limit, types } = request.query;
      const page = await readFeed(db, creditorId, { after: decodeFeedCursor(after), limit, types: parseTypes(types) });
      return { items: page.items, nextCursor: encodeFeedCursor(page.next) };
    },
  );
};
