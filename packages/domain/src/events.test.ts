import { describe, expect, it } from 'vitest';
import { event, EVENT_TYPES } from './events.js';

describe('event catalogue', () => {
  it('builds an event whose data fits its schema', () => {
    const caseId = '0b6b9b8e-3d5c-4a7e-9a51-3f4b2c1d0e9f';
    const e = event('case.updated', caseId, { caseId, fields: ['handler'] });
    expect(e).toEqual({ type: 'case.updated', caseId, data: { caseId, fields: ['handler'] } });
  });

  it('refuses data that breaks the schema before it reaches the outbox', () => {
    expect(() => event('case.updated', null, { caseId: 'not-a-uuid', fields: [] })).toThrow();
  });

  it('lists every type once', () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    expect(EVENT_TYPES).toContain('case.created');
  });
});
