import { describe, expect, it } from 'vitest';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { isWebhookSecret, newSecret, webhookHeaders } from './signing.js';

const body = JSON.stringify({ specversion: '1.0', id: 'evt-1', type: 'case.created', data: { caseId: 'c' } });

describe('secrets', () => {
  it('are whsec_ and the base64 of 32 random bytes, different every time', () => {
    const a = newSecret();
    const b = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(isWebhookSecret(a)).toBe(true);
    expect(isWebhookSecret('whsec_c2hvcnQ=')).toBe(false);
    expect(isWebhookSecret('sk_live_x')).toBe(false);
  });
});

describe('webhookHeaders', () => {
  it('sign so that the standardwebhooks library verifies them', () => {
    const secret = newSecret();
    const timestamp = new Date();
    const headers = webhookHeaders({ secrets: [secret], messageId: 'msg_2b7f', timestamp, body });
    expect(headers['webhook-id']).toBe('msg_2b7f');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(timestamp.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('match the specification’s own test vector', () => {
    // From the Standard Webhooks specification's reference tests.
    const headers = webhookHeaders({
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: new Date(1614265330 * 1000),
      body: '{"test": 2432232314}',
    });
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('carry one signature per active secret, so both verify during a rotation', () => {
    const old = newSecret();
    const rotated = newSecret();
    const headers = webhookHeaders({ secrets: [rotated, old], messageId: 'evt-2', timestamp: new Date(), body });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(old).verify(body, { ...headers })).toBeTruthy();
    expect(new Webhook(rotated).verify(body, { ...headers })).toBeTruthy();
    expect(() => new Webhook(newSecret()).verify(body, { ...headers })).toThrow(WebhookVerificationError);
    // Once the old secret has expired, only the new one signs.
    const after = webhookHeaders({ secrets: [rotated], messageId: 'evt-2', timestamp: new Date(), body });
    expect(() => new Webhook(old).verify(body, { ...after })).toThrow(WebhookVerificationError);
  });

  it('do not verify a changed body, id or timestamp', () => {
    const secret = newSecret();
    const headers = webhookHeaders({ secrets: [secret], messageId: 'evt-3', timestamp: new Date(), body });
    const wh = new Webhook(secret);
    expect(() => wh.verify(body.replace('case.created', 'case.closed'), { ...headers })).toThrow(WebhookVerificationError);
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'evt-4' })).toThrow(WebhookVerificationError);
    expect(() => wh.verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) })).toThrow(WebhookVerificationError);
    const stale = webhookHeaders({ secrets: [secret], messageId: 'evt-3', timestamp: new Date(Date.now() - 10 * 60_000), body });
    expect(() => wh.verify(body, { ...stale })).toThrow('Message timestamp too old');
  });

  it('need a secret and an id', () => {
    expect(() => webhookHeaders({ secrets: [], messageId: 'x', timestamp: new Date(), body })).toThrow();
    expect(() => webhookHeaders({ secrets: [newSecret()], messageId: '', timestamp: new Date(), body })).toThrow();
  });
});
