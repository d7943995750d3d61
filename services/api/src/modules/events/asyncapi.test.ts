import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVENT_SCHEMAS, EVENT_TYPES } from '@fordra/domain';
import { useApi } from '../../test/harness.js';
import { buildAsyncApiDocument } from './asyncapi.js';

const api = useApi();

type Json = Record<string, any>;

/** Follows local `$ref`s ("#/a/b") through the document. */
function resolve(doc: Json, node: Json): Json {
  if (typeof node.$ref !== 'string') return node;
  const path = (node.$ref as string).replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return resolve(doc, path.reduce<Json>((at, key) => at[key], doc));
}

const errorsOf = async (doc: unknown) => {
  const { diagnostics } = await new Parser().parse(doc as Parameters<Parser['parse']>[0]);
  // Spectral's severities: 0 error, 1 warning, 2 information, 3 hint.
  return diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code} ${d.message} at ${d.path.join('/')}`);
};

describe('GET /asyncapi.json', () => {
  it('serves the AsyncAPI 3 document without an API key, and keeps it out of the OpenAPI document', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/asyncapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json();
    expect(doc.asyncapi).toBe('3.0.0');
    const openapi = api.app.swagger() as Json;
    expect(doc.info.version).toBe(openapi.info.version);
    expect(Object.keys(openapi.paths)).not.toContain('/asyncapi.json');
    expect(openapi.info.description).toContain('(/asyncapi.json)');
  });

  it('is a valid AsyncAPI 3 document', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/asyncapi.json' })).json();
    expect(await errorsOf(doc)).toEqual([]);
    const { document } = await new Parser().parse(doc);
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().all().map((c) => c.id()).sort()).toEqual(['eventFeed', 'webhooks']);
  });

  it('fails validation when broken, so the check above means something', async () => {
    const broken = structuredClone(buildAsyncApiDocument({ version: '0.1.0' })) as Json;
    broken.operations.deliverWebhook.action = 'publish';
    expect((await errorsOf(broken)).length).toBeGreaterThan(0);
    const dangling = structuredClone(buildAsyncApiDocument({ version: '0.1.0' })) as Json;
    delete dangling.components.schemas['case.created'];
    expect((await errorsOf(dangling)).length).toBeGreaterThan(0);
  });

  it('has a message for every event type: the CloudEvents envelope with that type’s data', () => {
    const doc = buildAsyncApiDocument({ version: '0.1.0' }) as Json;
    const webhookMessages = Object.values(doc.channels.webhooks.messages as Json).map((m) => resolve(doc, m as Json));
    for (const type of EVENT_TYPES) {
      const message = webhookMessages.find((m) => m.name === type);
      expect(message, type).toBeDefined();
      const payload = resolve(doc, message!.payload);
      const typeSchema = resolve(doc, payload.properties.type);
      expect(typeSchema.const ?? typeSchema.enum?.[0]).toBe(type);
      expect(typeSchema.enum === undefined || typeSchema.enum.length === 1).toBe(true);
      expect(payload.properties.specversion.const).toBe('1.0');
      expect(payload.properties.datacontenttype.const).toBe('application/json');
      expect(payload.required).toEqual(expect.arrayContaining(['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'data']));
      // Generated from the catalogue's own schema, not written by hand.
      const { $schema: _, ...expected } = z.toJSONSchema(EVENT_SCHEMAS[type], { target: 'draft-7' }) as Json;
      expect(payload.properties.data).toEqual(expected);
    }
    expect(webhookMessages).toHaveLength(EVENT_TYPES.length);
    expect(doc.operations.deliverWebhook.messages).toHaveLength(EVENT_TYPES.length);
  });

  it('documents the Standard Webhooks headers, the signing and the ordering', () => {
    const doc = buildAsyncApiDocument({ version: '0.1.0' }) as Json;
    const message = resolve(doc, doc.channels.webhooks.messages['case.created']);
    const headers = resolve(doc, message.headers);
    expect(headers.required).toEqual(expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature']));
    expect(new RegExp(headers.properties['webhook-signature'].pattern).test('v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,bm9wZQ==')).toBe(true);
    expect(doc.operations.deliverWebhook.bindings.http.method).toBe('POST');
    expect(doc.operations.serveEventFeed.bindings.http.method).toBe('GET');
    expect(doc.channels.eventFeed.address).toBe('/v1/events');
    expect(doc.info.description).toMatch(/HMAC-SHA256/);
    expect(doc.info.description).toMatch(/whsec_/);
    expect(doc.info.description).toMatch(/at least once/);
    expect(doc.info.description).toMatch(/in the order/);
  });

  it('describes the feed’s page with every event type and its position', () => {
    const doc = buildAsyncApiDocument({ version: '0.1.0' }) as Json;
    const pageSchema = resolve(doc, resolve(doc, doc.channels.eventFeed.messages.eventFeedPage).payload);
    const [types, position] = pageSchema.properties.items.items.allOf;
    expect(types.oneOf.map((r: Json) => resolve(doc, r).properties.type.const)).toEqual(EVENT_TYPES);
    expect(position.required).toEqual(['position']);
  });
});
