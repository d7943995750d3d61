import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { creditors, type Db } from '@fordra/db';
import { asCurrency, type Actor, type Clock, type Currency } from '@fordra/domain';
import { parseApiKey, hashApiKey } from './api-keys.js';
import { HttpProblem } from './problems.js';

export interface CreditorAuth {
  creditorId: string;
  apiKeyId: string;
  /** The creditor's country: its legal rules, identity-number schemes and calendar. */
  country: string;
  defaultCurrency: Currency;
  timeZone: string;
  /** New cases skip the manual invoice check (cached with the key, like the rest). */
  autoVerify: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: CreditorAuth | null;
  }
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function adminAuth(adminToken: string): onRequestHookHandler {
  const expected = digest(adminToken);
  return async (request) => {
    const token = bearer(request);
    // Comparing digests keeps the comparison constant-time whatever the token's length.
    if (!token || !timingSafeEqual(digest(token), expected)) {
      throw new HttpProblem('unauthorized', 'admin routes need Authorization: Bearer <ADMIN_TOKEN>');
    }
  };
}

interface CachedKey {
  auth: CreditorAuth;
  checkedAt: number;
  lastTouch: number;
}

/**
 * Authenticates a creditor's API key. Verified keys are remembered for a few seconds so that a
 * busy integration does not pay a key lookup per request; a revocation therefore takes effect
 * everywhere within `cacheMs` (and at once on the instance that revoked it).
 */
export function createCreditorAuth(db: Db, clock: Clock, cacheMs = 5_000) {
  const cache = new Map<string, CachedKey>();

  const hook: onRequestHookHandler = async (request) => {
    const presented = bearer(request);
    const parsed = presented ? parseApiKey(presented) : null;
    if (!presented || !parsed) throw new HttpProblem('unauthorized', 'send Authorization: Bearer <API key>');
    const now = clock.now().getTime();
    const hash = hashApiKey(presented);
    const cacheKey = hash.toString('base64');
    let entry = cache.get(cacheKey);
    if (!entry || now - entry.checkedAt > cacheMs) {
      const row = await creditors.findApiKeyByPrefix(db, parsed.lookupPrefix);
      if (!row || row.revoked_at !== null || !timingSafeEqual(row.secret_hash, hash)) {
        cache.delete(cacheKey);
        throw new HttpProblem('unauthorized', 'the API key is not valid or has been revoked');
      }
      const auth = {
        creditorId: row.creditor_id,
        apiKeyId: row.id,
        country: row.country,
        defaultCurrency: asCurrency(row.default_currency),
        timeZone: row.time_zone,
        autoVerify: row.auto_verify,
      };
      entry = { auth, checkedAt: now, lastTouch: entry?.lastTouch ?? 0 };
      if (cache.size > 10_000) cache.clear();
      cache.set(cacheKey, entry);
    }
    if (now - entry.lastTouch > 60_000) {
      entry.lastTouch = now;
      await creditors.touchApiKey(db, entry.auth.apiKeyId, clock.now());
    }
    request.auth = entry.auth;
  };

  const forget = (apiKeyId: string) => {
    for (const [k, v] of cache) if (v.auth.apiKeyId === apiKeyId) cache.delete(k);
  };

  return { hook, forget };
}

/** The creditor of an authenticated request; routes behind the creditor hook always have one. */
export function creditorOf(request: FastifyRequest): CreditorAuth {
  if (!request.auth) throw new HttpProblem('unauthorized');
  return request.auth;
}

export function actorOf(request: FastifyRequest): Actor {
  return request.auth ? { kind: 'api_key', id: request.auth.apiKeyId } : { kind: 'admin', id: null };
}
