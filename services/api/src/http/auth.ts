import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { creditors, type Db } from '@fordra/db';
import { asCurrency, referenceKindFor, type Actor, type Clock, type Currency, type PaymentReferenceKind } from '@fordra/domain';
import { parseApiKey, hashApiKey } from './api-keys.js';
import type { AuthFailureLimit } from './auth-failures.js';
import { HttpProblem } from './problems.js';
import { sendProblem } from './error-handler.js';

export interface CreditorAuth {
  creditorId: string;
  apiKeyId: string;
  /** The creditor's country: its legal rules, identity-number schemes and calendar. */
  country: string;
  defaultCurrency: Currency;
  timeZone: string;
  /** New cases skip the manual invoice check (cached with the key, like the rest). */
  autoVerify: boolean;
  /** Whether the creditor charges statutory late-payment interest. */
  lateInterest: 'none' | 'statutory';
  /** The kind of payment reference its new cases get: its setting, else its country's usual one. */
  paymentReferenceKind: PaymentReferenceKind;
  /** What the key may do (see scopes.ts); `*` is everything. */
  scopes: readonly string[];
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
  /** When the key stops working (epoch ms), or null when it never expires. */
  expiresAt: number | null;
  checkedAt: number;
  lastTouch: number;
}

/** How often one instance records a key's use: the last-used time is accurate to this. */
export const TOUCH_INTERVAL_MS = 60_000;

/**
 * Authenticates a creditor's API key. Verified keys are remembered for a few seconds so that a
 * busy integration does not pay a key lookup per request; a revocation therefore takes effect
 * everywhere within `cacheMs` (and at once on the instance that revoked it). An expiry is checked
 * on every request, cached or not, so an expired key stops at its instant.
 *
 * Every use of a key updates its last-used time, to the minute: an instance writes it on a key's
 * first use and then at most once per `TOUCH_INTERVAL_MS`, and the update itself skips rows touched
 * within that interval by another instance. A busy key thus costs one small write a minute, not one
 * per request; a failed write is logged and never fails the request.
 */
export function createCreditorAuth(db: Db, clock: Clock, failures?: AuthFailureLimit, cacheMs = 5_000) {
  const cache = new Map<string, CachedKey>();

  /** A 401, or a 429 once the address has sent too many keys that are not valid. */
  const refuse = async (request: FastifyRequest, reply: FastifyReply, detail: string): Promise<never> => {
    const wait = await failures?.refused(request.ip, request.log);
    if (!wait) throw new HttpProblem('unauthorized', detail);
    reply.header('retry-after', String(wait));
    throw new HttpProblem('rate-limited', `too many requests with keys that are not valid from this address; retry in ${wait} seconds`);
  };

  const hook: onRequestHookHandler = async (request, reply) => {
    const presented = bearer(request);
    const parsed = presented ? parseApiKey(presented) : null;
    if (!presented || !parsed) return refuse(request, reply, 'send Authorization: Bearer <API key>');
    const now = clock.now().getTime();
    const hash = hashApiKey(presented);
    const cacheKey = hash.toString('base64');
    let entry = cache.get(cacheKey);
    if (!entry || now - entry.checkedAt > cacheMs) {
      const row = await creditors.findApiKeyByPrefix(db, parsed.lookupPrefix);
      if (!row || row.revoked_at !== null || !timingSafeEqual(row.secret_hash, hash)) {
        cache.delete(cacheKey);
        return refuse(request, reply, 'the API key is not valid or has been revoked');
      }
      const auth = {
        creditorId: row.creditor_id,
        apiKeyId: row.id,
        country: row.country,
        defaultCurrency: asCurrency(row.default_currency),
        timeZone: row.time_zone,
        autoVerify: row.auto_verify,
        lateInterest: row.late_interest,
        paymentReferenceKind: referenceKindFor(row.country, row.payment_reference_kind),
        scopes: row.scopes,
      };
      entry = { auth, expiresAt: row.expires_at?.getTime() ?? null, checkedAt: now, lastTouch: entry?.lastTouch ?? 0 };
      if (cache.size > 10_000) cache.clear();
      cache.set(cacheKey, entry);
    }
    if (entry.expiresAt !== null && now >= entry.expiresAt) {
      cache.delete(cacheKey);
      throw new HttpProblem('unauthorized', 'the API key has expired');
    }
    if (now - entry.lastTouch > TOUCH_INTERVAL_MS) {
      entry.lastTouch = now;
      try {
        await creditors.touchApiKey(db, entry.auth.apiKeyId, clock.now());
      } catch (err) {
        request.log.warn({ err, apiKeyId: entry.auth.apiKeyId }, 'could not record the API key\'s use');
      }
    }
    request.auth = entry.auth;
  };

  const forget = (apiKeyId: string) => {
    for (const [k, v] of cache) if (v.auth.apiKeyId === apiKeyId) cache.delete(k);
  };
  /** A creditor's settings changed: its keys are checked afresh on their next use. */
  const forgetCreditor = (creditorId: string) => {
    for (const [k, v] of cache) if (v.auth.creditorId === creditorId) cache.delete(k);
  };

  return { hook, forget, forgetCreditor };
}

/** The creditor of an authenticated request; routes behind the creditor hook always have one. */
export function creditorOf(request: FastifyRequest): CreditorAuth {
  if (!request.auth) throw new HttpProblem('unauthorized');
  return request.auth;
}

export function actorOf(request: FastifyRequest): Actor {
  return request.auth ? { kind: 'api_key', id: request.auth.apiKeyId } : { kind: 'admin', id: null };
}

/**
 * The admin token for pages a person opens in a browser (the queue dashboard), which cannot send a
 * bearer token: `Authorization: Bearer <ADMIN_TOKEN>` as on every admin route, or HTTP Basic with
 * any user name and the token as the password. Without either the answer asks the browser for it.
 * The answer is sent here rather than thrown, as the pages' own plugin has its own error handler.
 */
export function adminAuthForBrowsers(adminToken: string, realm: string): onRequestHookHandler {
  const expected = digest(adminToken);
  return async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1];
    const decoded = basic ? Buffer.from(basic, 'base64').toString('utf8') : null;
    const token = bearer(request) ?? (decoded !== null && decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : null);
    if (token && timingSafeEqual(digest(token), expected)) return;
    return sendProblem(request, reply.header('www-authenticate', `Basic realm="${realm}", charset="UTF-8"`), 'unauthorized', 'send the admin token: Authorization: Bearer <ADMIN_TOKEN>, or HTTP Basic with the token as the password');
  };
}
