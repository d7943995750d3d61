import { z } from 'zod';
import { EVENT_SCHEMAS, EVENT_TYPES, type EventType } from './events.js';

/**
 * Events leave Fordra as CloudEvents 1.0 in structured mode: one JSON object holding the context
 * attributes and the event's data, sent with `Content-Type: application/json` (webhooks) or as an
 * item of the pull feed.
 *
 * `type` is the catalogue's name as it is (`case.created`), not a reverse-DNS name such as
 * `com.fordra.case.created`: integrators subscribe to and match on exactly these names, in the
 * webhook endpoints' event types, the feed's `types` filter and their own code, so the one name
 * is used everywhere. `source` names the creditor the event belongs to, and `id` is the outbox
 * row's id: fixed when the event is written, the same on every delivery, so (source, id) is
 * unique as CloudEvents requires and receivers deduplicate on it.
 */
export const CLOUD_EVENTS_SPEC_VERSION = '1.0';
export const CLOUD_EVENT_CONTENT_TYPE = 'application/json';

/** The CloudEvents `source` of a creditor's events. */
export const cloudEventSource = (creditorId: string) => `/creditors/${creditorId}`;

/**
 * One event as it leaves Fordra. Generic so it fits both a typed event (`CloudEvent<'case.created',
 * EventData<'case.created'>>`) and an outbox row read back (`type` a string, `data` unknown: the
 * data was checked against its type's schema when the row was written).
 */
export interface CloudEvent<T extends string = string, D = unknown> {
  readonly specversion: typeof CLOUD_EVENTS_SPEC_VERSION;
  readonly id: string;
  readonly source: string;
  readonly type: T;
  /** The case the event is about; absent for events about no case. */
  readonly subject?: string;
  readonly time: string;
  readonly datacontenttype: typeof CLOUD_EVENT_CONTENT_TYPE;
  readonly data: D;
}

export interface CloudEventInput<T extends string = string, D = unknown> {
  /** The outbox row's id. */
  readonly id: string;
  readonly type: T;
  readonly creditorId: string;
  readonly caseId: string | null;
  readonly occurredAt: Date;
  readonly data: D;
}

/** The envelope of one event. Pure: the same row always gives the same envelope. */
export function toCloudEvent<T extends string, D>(input: CloudEventInput<T, D>): CloudEvent<T, D> {
  return {
    specversion: CLOUD_EVENTS_SPEC_VERSION,
    id: input.id,
    source: cloudEventSource(input.creditorId),
    type: input.type,
    ...(input.caseId === null ? {} : { subject: input.caseId }),
    time: input.occurredAt.toISOString(),
    datacontenttype: CLOUD_EVENT_CONTENT_TYPE,
    data: input.data,
  };
}

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENT_SCHEMAS, type);

const envelope = {
  specversion: z.literal(CLOUD_EVENTS_SPEC_VERSION).describe('The CloudEvents version: always 1.0.'),
  id: z.string().min(1).describe('The event id: the same on every delivery of the event. Deduplicate on it.'),
  source: z.string().regex(/^\/creditors\/[^/]+$/).describe('`/creditors/<creditorId>`: whose event it is.'),
  subject: z.uuid().optional().describe('The id of the case the event is about; absent for events about no case.'),
  time: z.iso.datetime({ offset: true }).describe('When the change happened (RFC 3339, UTC).'),
  datacontenttype: z.literal(CLOUD_EVENT_CONTENT_TYPE),
};

/** Any event's envelope: the type is one of the catalogue's, the data that type's object. */
export const CloudEventSchema = z
  .object({
    ...envelope,
    type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]).describe('The event type, as in the catalogue.'),
    data: z.record(z.string(), z.unknown()).describe("The event's data; its schema depends on `type`."),
  })
  .describe('A CloudEvents 1.0 event in structured mode (JSON).');

/** The envelope of one event type, with that type's data schema. */
export function cloudEventSchema<T extends EventType>(type: T) {
  return z
    .object({
      ...envelope,
      type: z.literal(type),
      data: EVENT_SCHEMAS[type],
    })
    .describe(`A \`${type}\` event: a CloudEvents 1.0 envelope (structured mode, JSON).`);
}
