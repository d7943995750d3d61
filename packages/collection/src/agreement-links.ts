import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The link in an agreement follow-up lets the debtor confirm it without an account. The token
 * names the agreement and its expiry and is signed with the installation's secret, so it cannot
 * be forged or stretched, and nothing has to be stored to check it.
 */
const VERSION = 'a1';

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function agreementToken(secret: string, agreementId: string, expiresAt: Date): string {
  const payload = `${VERSION}.${agreementId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${payload}.${sign(secret, payload)}`;
}

export type TokenReading = { ok: true; agreementId: string; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

export function readAgreementToken(secret: string, token: string, now: Date): TokenReading {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return { ok: false, reason: 'invalid' };
  const [version, agreementId, expiry, signature] = parts as [string, string, string, string];
  if (!/^[0-9a-f-]{36}$/.test(agreementId) || !/^\d{1,12}$/.test(expiry)) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(sign(secret, `${version}.${agreementId}.${expiry}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  const expiresAt = new Date(Number(expiry) * 1000);
  if (expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, agreementId, expiresAt };
}

/** A confirmation link works until two weeks after the agreement's follow-up or last promised date. */
export function agreementLinkExpiry(agreement: { follow_up_at: Date }, lastCheckAt: Date | null): Date {
  const latest = lastCheckAt && lastCheckAt > agreement.follow_up_at ? lastCheckAt : agreement.follow_up_at;
  return new Date(latest.getTime() + 14 * 86_400_000);
}

export function agreementLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v1/public/agreements/${encodeURIComponent(token)}`;
}
