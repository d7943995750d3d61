import { describe, expect, it } from 'vitest';
import { nextWebhookDelay, WEBHOOK_RETRY_DELAYS_MS } from './webhook-retries.js';

describe('webhook retries', () => {
  it('spreads the tries over about three days, then gives up', () => {
    const total = WEBHOOK_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(72);
    expect(total / 3_600_000).toBeLessThan(80);
    expect(nextWebhookDelay(1, 0.5)).toBe(5_000);
    expect(nextWebhookDelay(WEBHOOK_RETRY_DELAYS_MS.length + 1, 0.5)).toBeNull();
  });

  it('adds at most 20 % of jitter either way and honours a longer Retry-After', () => {
    expect(nextWebhookDelay(2, 0)).toBe(240_000);
    expect(nextWebhookDelay(2, 1)).toBe(360_000);
    expect(nextWebhookDelay(1, 0.5, 60_000)).toBe(60_000);
    expect(nextWebhookDelay(1, 0.5, 1_000)).toBe(5_000);
    expect(nextWebhookDelay(1, 0.5, 7 * 86_400_000)).toBe(86_400_000);
  });
});
