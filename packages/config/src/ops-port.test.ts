import { describe, expect, it } from 'vitest';
import { apiEnv, notifierEnv, opsPort, parseEnv, workerEnv } from './index.js';

describe('the ops port', () => {
  it('defaults per service, so that the three run side by side on one machine', () => {
    expect(opsPort(parseEnv(apiEnv, {}), 'api')).toBe(9100);
    expect(opsPort(parseEnv(workerEnv, {}), 'worker')).toBe(9101);
    expect(opsPort(parseEnv(notifierEnv, {}), 'notifier')).toBe(9102);
    expect(parseEnv(workerEnv, {}).HOST).toBe('0.0.0.0');
  });

  it('is any free port under test, where many processes run at once, and what OPS_PORT says otherwise', () => {
    expect(opsPort(parseEnv(workerEnv, { NODE_ENV: 'test' }), 'worker')).toBe(0);
    expect(opsPort(parseEnv(notifierEnv, { OPS_PORT: '19102', HOST: '127.0.0.1' }), 'notifier')).toBe(19102);
    expect(opsPort(parseEnv(workerEnv, { NODE_ENV: 'test', OPS_PORT: '9200' }), 'worker')).toBe(9200);
    expect(() => parseEnv(workerEnv, { OPS_PORT: 'metrics' })).toThrow(/OPS_PORT/);
    expect(() => parseEnv(notifierEnv, { OPS_PORT: '70000' })).toThrow(/OPS_PORT/);
  });
});
