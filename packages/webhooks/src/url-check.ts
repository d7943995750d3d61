import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { blockedAddressReason, isAllowedHost, normalizeHost, type BlockReason } from './addresses.js';

export const MAX_URL_LENGTH = 2000;
const DNS_TIMEOUT_MS = 5_000;

export interface UrlCheckOptions {
  /** Host names (exact) the operator trusts: their addresses are not checked (and not resolved). */
  allowedHosts: readonly string[];
  /** Every address a host name resolves to; node:dns by default. Tests pass their own. */
  resolve?: (host: string) => Promise<string[]>;
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

const article = (word: string) => (/^([aeio]|un[^i])/i.test(word) ? 'an' : 'a');

/** "127.0.0.1 is a loopback address" */
export function describeBlocked(address: string, reason: BlockReason): string {
  return `${address} is ${article(reason)} ${reason} address`;
}

async function resolveAll(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${ms} ms`), { code: 'ETIMEOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether a creditor's webhook URL may be used: http or https, no credentials in it, and every
 * address its host resolves to public (no private, loopback, link-local, unique-local, CGNAT,
 * unspecified, multicast, reserved or cloud metadata address; IPv4-mapped IPv6 is judged by the
 * IPv4 address it carries). Hosts in `allowedHosts` skip the address check. The sender checks the
 * address it connects to again (see `sendWebhook`), since DNS may answer differently later.
 */
export async function checkWebhookUrl(url: string, options: UrlCheckOptions): Promise<UrlCheck> {
  if (url.length > MAX_URL_LENGTH) return { ok: false, reason: `longer than ${MAX_URL_LENGTH} characters` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, reason: 'only http:// and https:// URLs can receive webhooks' };
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, reason: 'the URL must not contain credentials' };
  const host = normalizeHost(parsed.hostname);
  if (host === '') return { ok: false, reason: 'the URL has no host' };
  if (isAllowedHost(host, options.allowedHosts)) return { ok: true, url: parsed };

  if (isIP(host)) {
    const reason = blockedAddressReason(host);
    return reason ? { ok: false, reason: describeBlocked(host, reason) } : { ok: true, url: parsed };
  }
  let addresses: string[];
  try {
    addresses = await withTimeout((options.resolve ?? resolveAll)(host), DNS_TIMEOUT_MS, 'the DNS lookup');
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, reason: `the host name ${host} does not resolve${code ? ` (${code})` : ''}` };
  }
  if (addresses.length === 0) return { ok: false, reason: `the host name ${host} does not resolve` };
  for (const address of addresses) {
    const reason = blockedAddressReason(address);
    if (reason) return { ok: false, reason: `${host} resolves to ${describeBlocked(address, reason)}` };
  }
  return { ok: true, url: parsed };
}
