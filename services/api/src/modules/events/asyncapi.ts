import { z } from 'zod';
import { cloudEventSchema, EVENT_TYPES, type EventType } from '@fordra/domain';

/**
 * The AsyncAPI 3 document of every event Fordra sends, generated from the catalogue's zod schemas
 * (the same ones that check an event before it reaches the outbox), so it cannot drift from what
 * is sent. Served at `GET /asyncapi.json`.
 */

type JsonSchema = Record<string, unknown>;

/** JSON Schema draft-07, the base of AsyncAPI's default schema format. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-7' }) as JsonSchema;
  return rest;
}

const ref = (path: string) => ({ $ref: `#/${path}` });
const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

const SIGNING = `
**Signing.** Every webhook request follows the [Standard Webhooks](https://www.standardwebhooks.com)
specification, so the standard libraries (\`standardwebhooks\` and others) verify it:

- \`webhook-id\`: the event's id (the CloudEvent \`id\`), the same on every attempt and replay;
- \`webhook-timestamp\`: when this attempt was signed, in Unix seconds;
- \`webhook-signature\`: \`v1,<signature>\`, where the signature is the base64 HMAC-SHA256 of
  \`<webhook-id>.<webhook-timestamp>.<body>\` keyed with the endpoint's secret (\`whsec_<base64>\`:
  the key is the base64-decoded part after \`whsec_\`). While a secret is being rotated the header
  holds one signature per live secret, separated by spaces; accept the request if any one matches.

Verify the signature over the raw body before parsing it, compare signatures in constant time, and
refuse a timestamp more than a few minutes from your clock, so a captured request cannot be
replayed later.`.trim();

const ORDERING = `
**Delivery and ordering.** Events are delivered at least once: the same event may arrive more than
once, always with the same id, so deduplicate on \`id\` (or \`webhook-id\`). A webhook endpoint
receives the events of one case in the order they happened: a later event of a case waits while an
earlier one is being retried. Events of different cases may arrive in any order. Answer 2xx within
15 seconds to acknowledge; anything else is retried with growing delays for about three days.
Redirects are not followed; 410 Gone disables the endpoint; 429 with \`Retry-After\` is honoured.

The pull feed (\`GET /v1/events\`) gives the same events in one total order per creditor, the
events' \`position\`: an event appears in the feed once it is published, positions only grow, and a
reader following \`nextCursor\` never skips an event nor sees one twice.`.trim();

const DESCRIPTION = `
Every change to a creditor's cases that integrators may want to act on, as
[CloudEvents 1.0](https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md) in structured
JSON mode. Each event names its creditor in \`source\` (\`/creditors/<creditorId>\`), the case it is
about in \`subject\` (absent for events about no case), its \`type\` exactly as listed here (match on
these names), when it happened in \`time\`, and its \`data\`. Data fields may be added, never
removed or renamed; ignore fields you do not know.

Events reach integrators two ways: pushed to the creditor's webhook endpoints
(\`/v1/webhook-endpoints\`), or pulled from the ordered feed \`GET /v1/events\`. Both are routes of
the HTTP API, described at \`/openapi.json\` (readable at \`/docs\`).

${ORDERING}

${SIGNING}`.trim();

const WEBHOOK_HEADERS = {
  type: 'object',
  required: ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type'],
  properties: {
    'webhook-id': { type: 'string', description: 'The event id (the CloudEvent `id`): the same on every attempt. Deduplicate on it.' },
    'webhook-timestamp': { type: 'string', pattern: '^[0-9]+$', description: 'When this attempt was signed, in Unix seconds.', examples: ['1795512600'] },
    'webhook-signature': {
      type: 'string',
      pattern: '^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$',
      description:
        '`v1,` followed by the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` with the endpoint secret; during a rotation one signature per live secret, separated by spaces.',
    },
    'content-type': { type: 'string', const: 'application/json' },
  },
} as const;

const SUMMARIES: Partial<Record<EventType, string>> = {
  'case.created': 'A case was opened.',
  'case.verified': 'The invoice check was recorded and collection started.',
  'case.disputed': 'The debtor disputed the claim; collection is on hold.',
  'case.paused': 'Collection was paused.',
  'case.resumed': 'Collection was resumed.',
  'case.escalated': 'The case is being handed over to a collection agency.',
  'case.closed': 'The case was closed: paid, withdrawn or written off.',
  'reminder.sent': 'A reminder email was sent to the debtor.',
  'letter.sent': 'A letter was sent to the debtor.',
  'notification.failed': 'An email or letter could not be delivered.',
  'payment.received': 'A payment was recorded on the case.',
  'agreement.broken': 'The debtor did not keep an agreement; the fallback plan applies.',
  'debtor.delivery_block_recommended': 'The policy recommends holding deliveries to the debtor while the debt is unpaid.',
  'webhook_endpoint.disabled': 'A webhook endpoint was disabled after failing for days, or on 410 Gone.',
  'webhook.test': 'A test event, sent on request to the one endpoint it names.',
};

/** The feed's page: the answer of `GET /v1/events`. */
function feedPageSchema(): JsonSchema {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: {
        type: 'array',
        description: 'The events after the cursor, in position order.',
        items: {
          allOf: [
            { oneOf: EVENT_TYPES.map((type) => ref(`components/schemas/${escapePointer(type)}`)) },
            {
              type: 'object',
              required: ['position'],
              properties: {
                position: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                  description: "CloudEvents extension attribute: the event's place in the feed (decimal digits). Later events have larger positions.",
                },
              },
            },
          ],
        },
      },
      nextCursor: { type: 'string', description: 'Pass as `after` to read on. When `items` holds fewer than `limit` events you are up to date: ask again later with the same cursor.' },
    },
  };
}

export function buildAsyncApiDocument(options: { version: string }) {
  const schemas: Record<string, JsonSchema> = { WebhookHeaders: WEBHOOK_HEADERS as unknown as JsonSchema };
  const messages: Record<string, JsonSchema> = {};
  const webhookMessages: Record<string, JsonSchema> = {};
  for (const type of EVENT_TYPES) {
    const key: string = type;
    schemas[key] = jsonSchema(cloudEventSchema(type));
    messages[key] = {
      name: type,
      title: type,
      ...(SUMMARIES[type] ? { summary: SUMMARIES[type] } : {}),
      contentType: 'application/json',
      headers: ref('components/schemas/WebhookHeaders'),
      payload: ref(`components/schemas/${escapePointer(key)}`),
    };
    webhookMessages[key] = ref(`components/messages/${escapePointer(key)}`);
  }
  schemas.EventFeedPage = feedPageSchema();

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Fordra events',
      version: options.version,
      description: DESCRIPTION,
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: 'application/json',
    channels: {
      webhooks: {
        address: null,
        title: 'Webhook deliveries',
        summary: 'Each event, POSTed to every enabled webhook endpoint of the creditor that wants its type.',
        description: `The address is the URL of the creditor's webhook endpoint. One request carries one event as its JSON body, with the Standard Webhooks headers.\n\n${ORDERING}\n\n${SIGNING}`,
        messages: webhookMessages,
      },
      eventFeed: {
        address: '/v1/events',
        title: 'Event feed',
        summary: "The creditor's events as an ordered feed, for integrators who prefer to pull.",
        description:
          '`GET /v1/events?after=<cursor>&limit=<1-500>&types=<type,type>` with the creditor\'s API key answers a page of events in position order and the cursor to read on from. `after` is opaque; leave it out to start at the beginning. `types` keeps only the listed event types.',
        messages: {
          eventFeedPage: {
            name: 'eventFeedPage',
            title: 'A page of the event feed',
            contentType: 'application/json',
            payload: ref('components/schemas/EventFeedPage'),
          },
        },
      },
    },
    operations: {
      deliverWebhook: {
        action: 'send',
        title: 'Deliver an event to a webhook endpoint',
        description: 'Fordra POSTs each event to the endpoint and retries until it answers 2xx.',
        channel: ref('channels/webhooks'),
        messages: EVENT_TYPES.map((type) => ref(`channels/webhooks/messages/${escapePointer(type)}`)),
        bindings: { http: { method: 'POST', bindingVersion: '0.3.0' } },
      },
      serveEventFeed: {
        action: 'send',
        title: 'Answer a read of the event feed',
        description: 'Fordra answers `GET /v1/events` with the events after the cursor.',
        channel: ref('channels/eventFeed'),
        messages: [ref('channels/eventFeed/messages/eventFeedPage')],
        bindings: { http: { method: 'GET', bindingVersion: '0.3.0' } },
      },
    },
    components: { schemas, messages },
  };
}

export type AsyncApiDocument = ReturnType<typeof buildAsyncApiDocument>;
