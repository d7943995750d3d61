import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, onResponseHookHandler, onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import { idempotency, type Db } from '@fordra/db';
import type { Clock } from '@fordra/domain';
import type { Kysely } from 'kysely';
import type { Database } from '@fordra/db';
import { HttpProblem } from './problems.js';
import { addRouteHook } from './route-hooks.js';

/** Responses are replayed for at least this long (the promise made in the API docs: 24 hours). */
const KEEP_MS = 24 * 60 * 60 * 1000;
/** A claim whose request died (crash, timeout) stops blocking retries after this long. */
const LOCK_MS = 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

interface Claim {
  owner: string;
  key: string;
  token: string;
  completed: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim: Claim | null;
  }
  interface FastifyContextConfig {
    /** Creating routes that honour the Idempotency-Key header. */
    idempotent?: boolean;
  }
}

export const IDEMPOTENCY_HEADER_DOC =
  'Optional. Retrying with the same key and body within 24 hours returns the first response (with `Idempotent-Replayed: true`) instead of acting twice; the same key with another body answers 422, and a retry while the first is still running answers 409.';

/**
 * Sorted keys, so that the same JSON body always yields the same fingerprint. Written with a
 * stack of its own rather than by recursion: a body nested a hundred thousand levels deep (well
 * within the size limit) must not exhaust the call stack.
 */
function canonical(root: unknown): string {
  const out: string[] = [];
  const todo: ({ text: string } | { value: unknown })[] = [{ value: root }];
  for (let item = todo.pop(); item; item = todo.pop()) {
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const { value } = item;
    let parts: ({ text: string } | { value: unknown })[];
    if (Array.isArray(value)) {
      parts = value.flatMap((v, i) => (i ? [{ text: ',' }, { value: v }] : [{ value: v }]));
      parts = [{ text: '[' }, ...parts, { text: ']' }];
    } else if (value && typeof value === 'object') {
      const entries = Object.keys(value)
        .sort()
        .flatMap((k, i) => [{ text: `${i ? ',' : ''}${JSON.stringify(k)}:` }, { value: (value as Record<string, unknown>)[k] }]);
      parts = [{ text: '{' }, ...entries, { text: '}' }];
    } else {
      out.push(JSON.stringify(value) ?? 'null');
      continue;
    }
    for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i]!);
  }
  return out.join('');
}

function fingerprint(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url ?? request.url}\n${canonical(request.params)}\n${canonical(request.body)}`)
    .digest('hex');
}

/**
 * Honours `Idempotency-Key` on routes marked `config: { idempotent: true }`. The route records its
 * response with `commitResponse` inside its own transaction, so the key completes exactly when
 * the route's writes commit.
 */
export function registerIdempotency(app: FastifyInstance, db: Db, clock: Clock): void {
  app.decorateRequest('idempotencyClaim', null);

  const claimKey: preHandlerAsyncHookHandler = async (request, reply) => {
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || !KEY_PATTERN.test(key) || Array.isArray(header)) {
      throw new HttpProblem('invalid-idempotency-key', 'Idempotency-Key must be one value of 1 to 255 printable ASCII characters');
    }
    const owner = request.auth ? `creditor:${request.auth.creditorId}` : 'admin';
    const claim = await idempotency.claimIdempotencyKey(db, {
      owner,
      key,
      fingerprint: fingerprint(request),
      now: clock.now(),
      lockMs: LOCK_MS,
      ttlMs: KEEP_MS,
    });
    switch (claim.kind) {
      case 'claimed':
        request.idempotencyClaim = { owner, key, token: claim.token, completed: false };
        return;
      case 'replay':
        return reply.code(claim.status).header('idempotent-replayed', 'true').send(claim.body);
      case 'mismatch':
        throw new HttpProblem('idempotency-key-reused', 'this Idempotency-Key was already used with a different request');
      case 'in_flight':
        throw new HttpProblem('idempotency-in-flight', 'the first request with this Idempotency-Key is still being processed');
    }
  };

  // A request that failed before committing gives its key back, so the client can retry at once:
  // before its answer leaves (a retry sent the moment the answer arrives must find the key free),
  // and after it as a last resort for an answer that was never sent.
  const release = async (request: FastifyRequest) => {
    const claim = request.idempotencyClaim;
    if (!claim || claim.completed) return;
    claim.completed = true;
    await idempotency.releaseIdempotencyKey(db, claim).catch((err: unknown) => request.log.warn({ err }, 'could not release idempotency key'));
  };
  const releaseBeforeAnswer: onSendHookHandler = async (request) => release(request);
  const releaseAfterAnswer: onResponseHookHandler = async (request) => release(request);

  // Only the routes that honour the header pay for these hooks.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    addRouteHook(route, 'preHandler', claimKey);
    addRouteHook(route, 'onSend', releaseBeforeAnswer);
    addRouteHook(route, 'onResponse', releaseAfterAnswer);
  });
}

/**
 * Records the response for the request's Idempotency-Key in the route's transaction. Call it as
 * the last step of the transaction and send the same status and body.
 */
export async function commitResponse<T>(trx: Kysely<Database>, request: FastifyRequest, status: number, body: T): Promise<T> {
  const claim = request.idempotencyClaim;
  if (!claim) return body;
  // JSON round trip: the stored body must be exactly what a replay will send.
  const stored = JSON.parse(JSON.stringify(body)) as unknown;
  const ok = await idempotency.completeIdempotencyKey(trx, claim, { status, body: stored });
  if (!ok) throw new HttpProblem('idempotency-in-flight', 'this Idempotency-Key was taken over by a retry');
  claim.completed = true;
  return body;
}
