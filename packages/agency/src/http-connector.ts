import { AgencyDeliveryError, type AgencyConnector } from './connector.js';

export interface HttpConnectorOptions {
  /** The agency's intake address; the package is POSTed there. */
  url: string;
  /** The whole value of the Authorization header the agency gave the creditor, or null. */
  authHeader: string | null;
  timeoutMs: number;
}

/** An agency answering these may accept the same package later; any other 4xx will not. */
const TEMPORARY_STATUSES = new Set([408, 429]);
const MAX_DETAIL = 200;

/**
 * POSTs each hand-over as one JSON document: the package and its PDFs (base64). The agency's
 * 2xx answer may carry `{ "reference": "..." }`, its own id for the case. Redirects are not
 * followed: they would carry the debtor's data, and the credentials, somewhere not configured.
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
      const signal = AbortSignal.timeout(options.timeoutMs);
      let response: Response;
      let text: string;
      try {
        response = await fetch(options.url, { method: 'POST', headers, body, redirect: 'manual', signal });
        text = await response.text();
      } catch (err) {
        // Refused connections, resets, DNS failures and the timeout: the agency may be back later.
        const why = signal.aborted ? `no answer within ${options.timeoutMs} ms` : describe(err);
        throw new AgencyDeliveryError(`the agency could not be reached: ${why}`, true);
      }
      if (response.status >= 200 && response.status < 300) return { agencyReference: referenceIn(text) };
      const detail = `the agency answered ${response.status}${text ? `: ${text.slice(0, MAX_DETAIL)}` : ''}`;
      if (response.status >= 300 && response.status < 400) throw new AgencyDeliveryError(`${detail} (a redirect: configure the address it points to)`, false, response.status);
      const temporary = response.status >= 500 || TEMPORARY_STATUSES.has(response.status);
      throw new AgencyDeliveryError(detail, temporary, response.status);
    },
  };
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

/** Node's fetch hides the network error in `cause`; that is the part worth recording. */
function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
