import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { BlockedAddressError, blockedAddressReason, describeBlocked, guardedLookup, isAllowedHost, normalizeHost } from '@fordra/webhooks';
import { AgencyDeliveryError, type AgencyConnector } from './connector.js';

export interface HttpConnectorOptions {
  /** The agency's intake address; the package is POSTed there. */
  url: string;
  /** The whole value of the Authorization header the agency gave the creditor, or null. */
  authHeader: string | null;
  timeoutMs: number;
  /**
   * Host names (exact) allowed to resolve to private addresses; every other host must resolve to
   * public ones only, checked on the address actually connected to, as webhook URLs are.
   */
  allowedHosts: readonly string[];
}

/** An agency answering these may accept the same package later; any other 4xx will not. */
const TEMPORARY_STATUSES = new Set([408, 429]);
const MAX_DETAIL = 200;
/** The agency's answer is read up to this much: a reference, or a reason for a refusal. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs each hand-over as one JSON document: the package and its PDFs (base64). The agency's
 * 2xx answer may carry `{ "reference": "..." }`, its own id for the case. Redirects are not
 * followed: they would carry the debtor's data, and the credentials, somewhere not configured.
 * The creditor chooses the URL, so the connection is refused when the host resolves to a private,
 * loopback, link-local or metadata address (server-side request forgery), unless allow-listed.
 */
export function httpConnector(options: HttpConnectorOptions): AgencyConnector {
  return {
    name: 'http',
    async deliver(handover, documents) {
      const body = JSON.stringify({
        package: handover,
        documents: documents.map((d) => ({ fileName: d.fileName, contentType: 'application/pdf', base64: Buffer.from(d.pdf).toString('base64') })),
      });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/json',
        // The same key on every try of one hand-over, so the agency can take it once.
        'idempotency-key': `handover-${handover.handoverId}`,
      };
      if (options.authHeader) headers.authorization = options.authHeader;
      let response: { status: number; text: string };
      try {
        response = await post(options, headers, body);
      } catch (err) {
        // A refused address is the creditor's setting, not the agency's state: trying again cannot help.
        if (err instanceof BlockedAddressError) throw new AgencyDeliveryError(`the agency's URL is not allowed: ${err.message}`, false);
        // Refused connections, resets, DNS failures and the timeout: the agency may be back later.
        throw new AgencyDeliveryError(`the agency could not be reached: ${describe(err)}`, true);
      }
      const text = response.text;
      if (response.status >= 200 && response.status < 300) return { agencyReference: referenceIn(text) };
      const detail = `the agency answered ${response.status}${text ? `: ${text.slice(0, MAX_DETAIL)}` : ''}`;
      if (response.status >= 300 && response.status < 400) throw new AgencyDeliveryError(`${detail} (a redirect: configure the address it points to)`, false, response.status);
      const temporary = response.status >= 500 || TEMPORARY_STATUSES.has(response.status);
      throw new AgencyDeliveryError(detail, temporary, response.status);
    },
  };
}

/** POSTs the body and reads the answer's status and text; rejects on network failures and the timeout. */
function post(options: HttpConnectorOptions, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const url = new URL(options.url);
  const transport = url.protocol === 'https:' ? https : http;
  const host = normalizeHost(url.hostname);
  const guarded = !isAllowedHost(host, options.allowedHosts);
  // A literal address never reaches the lookup: judge it here.
  const literalBlock = guarded && isIP(host) ? blockedAddressReason(host) : null;
  if (literalBlock) return Promise.reject(new BlockedAddressError(`blocked: ${describeBlocked(host, literalBlock)}`));
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      { method: 'POST', agent: false, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, ...(guarded ? { lookup: guardedLookup } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES) });
        });
        res.on('error', fail);
      },
    );
    // One budget for connecting, sending the package and reading the answer.
    const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })), options.timeoutMs);
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    request.on('error', fail);
    request.end(body);
  });
}

/** The agency's own reference, when its answer is JSON with a usable `reference`. */
function referenceIn(text: string): string | null {
  try {
    const parsed = JSON.parse(text) as { reference?: unknown };
    const ref = parsed?.reference;
    if (typeof ref === 'number' && Number.isFinite(ref)) return String(ref);
    return typeof ref === 'string' && ref.trim() !== '' ? ref.trim().slice(0, 200) : null;
  } catch {
    return null;
  }
}

/** The error's code names it best (ECONNREFUSED, ENOTFOUND); the timeout says how long was waited. */
function describe(err: unknown): string {
  const e = err as { message?: string; code?: string };
  if (e.code === 'ETIMEDOUT' && e.message) return e.message;
  return e.code ?? e.message ?? String(err);
}
