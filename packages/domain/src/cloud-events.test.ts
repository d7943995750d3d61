import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CloudEventSchema, cloudEventSchema, isEventType, toCloudEvent } from './cloud-events.js';
import { EVENT_SCHEMAS, EVENT_TYPES } from './events.js';

const creditorId = '5f0c7a8e-1b2d-4c3e-8f9a-0b1c2d3e4f50';
const caseId = '0b6b9b8e-3d5c-4a7e-9a51-3f4b2c1d0e9f';
const eventId = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';

describe('the CloudEvents envelope', () => {
  it('wraps an event in the CloudEvents 1.0 structured JSON form', () => {
    const e = toCloudEvent({
      id: eventId,
      type: 'case.paused',
      creditorId,
      caseId,
      occurredAt: new Date('2026-11-24T09:30:00Z'),
      data: { caseId, status: 'paused', reason: null },
    });
    expect(e).toStrictEqual({
      specversion: '1.0',
      id: eventId,
      source: `/creditors/${creditorId}`,
      type: 'case.paused',
      subject: caseId,
      time: '2026-11-24T09:30:00.000Z',
      datacontenttype: 'application/json',
      data: { caseId, status: 'paused', reason: null },
    });
  });

  it('keeps the catalogue’s type names as they are', () => {
    for (const type of EVENT_TYPES) {
      const e = toCloudEvent({ id: eventId, type, creditorId, caseId: null, occurredAt: new Date(0), data: {} });
      expect(e.type).toBe(type);
    }
  });

  it('leaves subject out, not null, for an event about no case', () => {
    const e = toCloudEvent({
      id: eventId,
      type: 'webhook_endpoint.disabled',
      creditorId,
      caseId: null,
      occurredAt: new Date('2026-11-24T09:30:00Z'),
      data: { endpointId: eventId, url: 'https://erp.example/hooks', reason: 'gone' },
    });
    expect('subject' in e).toBe(false);
    expect(JSON.parse(JSON.stringify(e))).not.toHaveProperty('subject');
    expect(CloudEventSchema.parse(e)).toEqual(e);
  });

  it('gives the same envelope for the same row, every time', () => {
    const row = { id: eventId, type: 'case.resumed' as const, creditorId, caseId, occurredAt: new Date('2026-11-24T09:30:00Z'), data: { caseId, status: 'active' } };
    expect(JSON.stringify(toCloudEvent(row))).toBe(JSON.stringify(toCloudEvent({ ...row })));
  });

  it('is described by its schema, per type too', () => {
    const e = toCloudEvent({
      id: eventId,
      type: 'agreement.kept',
      creditorId,
      caseId,
      occurredAt: new Date('2026-11-24T09:30:00Z'),
      data: { caseId, agreementId: eventId },
    });
    expect(CloudEventSchema.parse(e)).toEqual(e);
    expect(cloudEventSchema('agreement.kept').parse(e)).toEqual(e);
    expect(cloudEventSchema('agreement.broken').safeParse(e).success).toBe(false);
    expect(cloudEventSchema('agreement.kept').safeParse({ ...e, data: { caseId } }).success).toBe(false);
    expect(CloudEventSchema.safeParse({ ...e, specversion: '0.3' }).success).toBe(false);
    expect(CloudEventSchema.safeParse({ ...e, type: 'com.fordra.agreement.kept' }).success).toBe(false);
    expect(CloudEventSchema.safeParse({ ...e, time: 'yesterday' }).success).toBe(false);
  });

  it('turns into JSON Schema for every type, with the type as a constant', () => {
    for (const type of EVENT_TYPES) {
      const schema = z.toJSONSchema(cloudEventSchema(type), { target: 'draft-7' }) as { properties: Record<string, { const?: unknown }>; required: string[] };
      expect(schema.properties.type?.const).toBe(type);
      expect(schema.required).toEqual(expect.arrayContaining(['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'data']));
      expect(schema.required).not.toContain('subject');
    }
  });

  it('knows the catalogue’s types', () => {
    expect(isEventType('case.created')).toBe(true);
    expect(isEventType('toString')).toBe(false);
    expect(isEventType('case.exploded')).toBe(false);
    expect(Object.keys(EVENT_SCHEMAS)).toEqual(EVENT_TYPES);
  });
});
