import { describe, expect, it } from 'vitest';
import { apiEnv, notifierEnv, ConfigError, DEV_ADMIN_TOKEN, parseEnv, workerEnv } from './index.js';

describe('configuration', () => {
  it('runs on a developer machine with no variables set', () => {
    const config = parseEnv(apiEnv, {});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/fordra');
    expect(config.PORT).toBe(3000);
    expect(config.ADMIN_TOKEN).toBe(DEV_ADMIN_TOKEN);
    expect(config.adminTokenIsDefault).toBe(true);
  });

  it('names every bad variable in one error', () => {
    try {
      parseEnv(apiEnv, { PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect(message).toContain('PORT');
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('LOG_LEVEL');
    }
  });

  it('refuses to start in production with the development admin token', () => {
    expect(() => parseEnv(apiEnv, { NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN/);
    const config = parseEnv(apiEnv, { NODE_ENV: 'production', ADMIN_TOKEN: 'a-long-enough-secret-token-123', AGREEMENT_LINK_SECRET: 'a-secret-that-signs-links-0123456789' });
    expect(config.adminTokenIsDefault).toBe(false);
  });

  it('refuses to sign agreement links with the development secret in production', () => {
    expect(() => parseEnv(apiEnv, { NODE_ENV: 'production', ADMIN_TOKEN: 'a-long-enough-secret-token-123' })).toThrow(/AGREEMENT_LINK_SECRET/);
    expect(() => parseEnv(notifierEnv, { NODE_ENV: 'production' })).toThrow(/AGREEMENT_LINK_SECRET/);
    expect(() => parseEnv(notifierEnv, { AGREEMENT_LINK_SECRET: 'short' })).toThrow(/at least 32/);
    expect(parseEnv(notifierEnv, { NODE_ENV: 'production', AGREEMENT_LINK_SECRET: 'a-secret-that-signs-links-0123456789' }).AGREEMENT_LINK_SECRET).toHaveLength(36);
  });

  it('treats empty variables as unset', () => {
    expect(parseEnv(workerEnv, { REDIS_URL: '', WORKER_CONCURRENCY: '4' })).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      WORKER_CONCURRENCY: 4,
    });
  });

  it('trusts no proxy unless told, and then only a number of hops or named addresses and networks', () => {
    expect(parseEnv(apiEnv, {}).TRUST_PROXY).toBe(false);
    expect(parseEnv(apiEnv, { TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(parseEnv(apiEnv, { TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,::1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '192.168.1.7', '::1']);
    expect(() => parseEnv(apiEnv, { TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY.*not: everyone/s);
  });
});
