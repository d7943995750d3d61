import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys look like `fdr_<lookup>_<secret>`. The `fdr_` prefix lets secret scanners recognise a
 * leaked key; the lookup part finds the key's row without scanning hashes; only a SHA-256 of the
 * whole key is stored (the key is 190+ random bits, so a slow hash would add nothing).
 * The secret part alone is 32 base-62 characters: about 190 bits, well over 128. Secret scanners
 * can match leaked keys with `\bfdr_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}\b`.
 */
const KEY_PATTERN = /^(fdr_[A-Za-z0-9]{12})_([A-Za-z0-9]{32})$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: dropping larger bytes keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export interface NewApiKey {
  key: string;
  lookupPrefix: string;
  secretHash: Buffer;
}

export function generateApiKey(): NewApiKey {
  const lookupPrefix = `fdr_${randomBase62(12)}`;
  const key = `${lookupPrefix}_${randomBase62(32)}`;
  return { key, lookupPrefix, secretHash: hashApiKey(key) };
}

export function parseApiKey(key: string): { lookupPrefix: string } | null {
  const match = KEY_PATTERN.exec(key);
  return match?.[1] ? { lookupPrefix: match[1] } : null;
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
