import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { blockedAddressReason, isAllowedHost, normalizeHost } from './addresses.js';
import { describeBlocked } from './url-check.js';

export const USER_AGENT = 'Fordra-Webhooks/1.0';
/** The receiver's answer is read and thrown away up to this many bytes, then the connection is dropped. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_ERROR_LENGTH = 200;

export interface SendInput {
  url: string;
  /** The Standard Webhooks headers (and any others); content-type, content-length and user-agent are set here. */
  headers: Record<string, string>;
  body: string;
  /** The whole budget: connecting, sending and the answer's status line and headers. */
  timeoutMs: number;
  /** Host names (exact) whose addresses are not checked. */
  allowedHosts: readonly string[];
}

export interface SendResult {
  /** delivered: a 2xx answer within the timeout; anything else failed. */
  outcome: 'delivered' | 'failed';
  /** The receiver's HTTP status, or null when it never answered. */
  statusCode: number | null;
  /** On 429 and 503: how long the receiver asked us to wait (Retry-After), if it said. */
  retryAfterMs: number | null;
  /** A short reason for a failure; null on delivery. */
  error: string | null;
  durationMs: number;
}

export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
}

/**
 * `Retry-After` as milliseconds from now: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Null when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: Date = new Date()): number | null {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Math.min(Number(v), 365 * 86_400) * 1000;
  // An HTTP date names its day and month ("Wed, 21 Oct 2015 07:28:00 GMT"); bare numbers are not dates.
  const at = /[a-z]{3}/i.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/**
 * Resolves like node:dns, then refuses when any address is not public. Given to the socket as its
 * `lookup`, so the check applies to the addresses actually connected to, not to an earlier answer
 * (DNS rebinding cannot slip past it).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    for (const a of addresses) {
      const reason = blockedAddressReason(a.address);
      if (reason) return callback(new BlockedAddressError(`blocked: ${hostname} resolves to ${describeBlocked(a.address, reason)}`), '', 0);
    }
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
    if (options.all) return callback(null, addresses);
    return callback(null, first.address, first.family);
  });
};

const TLS_CODE = /^(ERR_TLS|ERR_SSL|EPROTO$|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_OSSL)/;

function describeError(err: Error & { code?: string }): string {
  const code = err.code;
  let text: string;
  if (err instanceof BlockedAddressError) text = err.message;
  else if (code === 'ECONNREFUSED') text = 'connection refused';
  else if (code === 'ECONNRESET') text = 'connection reset by the receiver';
  else if (code === 'ENOTFOUND') text = 'host not found';
  else if (code === 'EAI_AGAIN') text = 'DNS lookup failed (temporary)';
  else if (code === 'ETIMEDOUT') text = 'connection timed out';
  else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') text = 'host unreachable';
  else if (code && TLS_CODE.test(code)) {
    // OpenSSL's messages carry a file and line; its reason ("wrong version number") is what helps.
    const detail = /SSL routines:[^:]*:([^:]+)/.exec(err.message)?.[1] ?? err.message;
    text = `TLS failed: ${code}${detail ? ` (${detail})` : ''}`;
  }
  else text = code ? `${code}: ${err.message}` : err.message || 'request failed';
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/**
 * POSTs one webhook. Never throws: every failure (timeout, refused connection, TLS, a blocked
 * address, a non-2xx answer) is a `failed` result with a short reason. Redirects are not followed:
 * a 3xx is a failure. Only the answer's status and headers matter; its body is read and discarded
 * up to MAX_RESPONSE_BYTES.
 */
export function sendWebhook(input: SendInput): Promise<SendResult> {
  const started = performance.now();
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    let request: http.ClientRequest | undefined;
    /** Set once the status line arrived: the outcome is then known, whatever happens to the body. */
    let answered: (() => void) | undefined;

    const finish = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: Math.round(performance.now() - started) });
      request?.destroy();
    };
    const fail = (error: string, statusCode: number | null = null, retryAfterMs: number | null = null) =>
      finish({ outcome: 'failed', statusCode, retryAfterMs, error });
    const timer = setTimeout(() => (answered ? answered() : fail(`no answer within ${input.timeoutMs} ms`)), input.timeoutMs);

    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      return fail('not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`unsupported protocol ${url.protocol}`);
    if (url.username !== '' || url.password !== '') return fail('the URL contains credentials');
    const host = normalizeHost(url.hostname);
    const allowed = isAllowedHost(host, input.allowedHosts);
    // A literal address never reaches `lookup`: judge it here.
    if (!allowed && isIP(host)) {
      const reason = blockedAddressReason(host);
      if (reason) return fail(`blocked: ${describeBlocked(host, reason)}`);
    }

    const transport = url.protocol === 'https:' ? https : http;
    try {
      request = transport.request(
        url,
        {
          method: 'POST',
          agent: false,
          ...(allowed ? {} : { lookup: guardedLookup }),
          headers: {
            'user-agent': USER_AGENT,
            ...input.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(input.body),
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          answered = () => {
            if (status >= 200 && status < 300) return finish({ outcome: 'delivered', statusCode: status, retryAfterMs: null, error: null });
            const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after']) : null;
            const reason = status >= 300 && status < 400 ? `redirect (${status}) not followed` : `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`;
            return fail(reason.slice(0, MAX_ERROR_LENGTH), status, retryAfterMs);
          };
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) answered?.();
          });
          res.on('end', () => answered?.());
          res.on('close', () => answered?.());
          res.on('error', () => answered?.());
        },
      );
    } catch (err) {
      return fail(describeError(err as Error));
    }
    request.on('error', (err) => (answered ? answered() : fail(describeError(err))));
    request.end(input.body);
  });
}
