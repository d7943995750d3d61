import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { newSecret, webhookHeaders } from './signing.js';
import { parseRetryAfter, sendWebhook, USER_AGENT } from './send.js';
import { checkWebhookUrl } from './url-check.js';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real receiver on 127.0.0.1; each test says how it answers. */
let server: Server;
let base: string;
let received: Received[] = [];
let answer: (res: ServerResponse, path: string) => void = (res) => res.writeHead(200).end('ok');
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      open.add(res);
      res.on('close', () => open.delete(res));
      answer(res, req.url ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  answer = (res) => res.writeHead(200).end('ok');
});

const local = ['127.0.0.1'];
const body = JSON.stringify({ specversion: '1.0', id: 'evt-1', type: 'case.created', source: '/fordra', data: { caseId: 'c-1' } });
const send = (path = '/hook', over: Partial<Parameters<typeof sendWebhook>[0]> = {}) =>
  sendWebhook({ url: `${base}${path}`, headers: {}, body, timeoutMs: 2_000, allowedHosts: local, ...over });

describe('sendWebhook', () => {
  it('POSTs the signed JSON body; a 2xx is delivered and the receiver verifies it with standardwebhooks', async () => {
    const secrets = [newSecret(), newSecret()];
    const headers = webhookHeaders({ secrets, messageId: 'evt-1', timestamp: new Date(), body });
    const result = await send('/hook?x=1', { headers: { ...headers } });
    expect(result).toMatchObject({ outcome: 'delivered', statusCode: 200, retryAfterMs: null, error: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [req] = received;
    expect(req).toMatchObject({ method: 'POST', path: '/hook?x=1', body });
    expect(req!.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': USER_AGENT, 'content-length': String(Buffer.byteLength(body)) });
    const asReceived = { 'webhook-id': String(req!.headers['webhook-id']), 'webhook-timestamp': String(req!.headers['webhook-timestamp']), 'webhook-signature': String(req!.headers['webhook-signature']) };
    for (const secret of secrets) expect(new Webhook(secret).verify(req!.body, asReceived)).toEqual(JSON.parse(body));
  });

  it('counts every 2xx as delivered', async () => {
    answer = (res) => res.writeHead(204).end();
    expect(await send()).toMatchObject({ outcome: 'delivered', statusCode: 204 });
    answer = (res) => res.writeHead(202).end('{"queued":true}');
    expect(await send()).toMatchObject({ outcome: 'delivered', statusCode: 202 });
  });

  it('does not follow redirects: a 3xx is a failure', async () => {
    answer = (res, path) => (path === '/moved' ? res.writeHead(302, { location: `${base}/target` }).end() : res.writeHead(200).end());
    expect(await send('/moved')).toMatchObject({ outcome: 'failed', statusCode: 302, error: 'redirect (302) not followed' });
    answer = (res) => res.writeHead(308, { location: 'http://169.254.169.254/' }).end();
    expect(await send('/moved')).toMatchObject({ outcome: 'failed', statusCode: 308 });
    expect(received.map((r) => r.path)).toEqual(['/moved', '/moved']);
  });

  it('reports other statuses as failures with their code', async () => {
    answer = (res) => res.writeHead(410, 'Gone').end();
    expect(await send()).toMatchObject({ outcome: 'failed', statusCode: 410, error: 'HTTP 410 Gone', retryAfterMs: null });
    answer = (res) => res.writeHead(500, { 'retry-after': '30' }).end('boom');
    expect(await send()).toMatchObject({ outcome: 'failed', statusCode: 500, retryAfterMs: null });
  });

  it('reads Retry-After on 429 and 503, in seconds or as an HTTP date', async () => {
    answer = (res) => res.writeHead(429, { 'retry-after': '120' }).end();
    expect(await send()).toMatchObject({ outcome: 'failed', statusCode: 429, retryAfterMs: 120_000 });
    const at = new Date(Date.now() + 90_000);
    answer = (res) => res.writeHead(503, { 'retry-after': at.toUTCString() }).end();
    const result = await send();
    expect(result).toMatchObject({ outcome: 'failed', statusCode: 503 });
    expect(result.retryAfterMs).toBeGreaterThan(85_000);
    expect(result.retryAfterMs).toBeLessThanOrEqual(90_000);
    answer = (res) => res.writeHead(429).end();
    expect(await send()).toMatchObject({ statusCode: 429, retryAfterMs: null });
  });

  it('gives up when no answer comes within the timeout', async () => {
    answer = () => undefined; // never answers
    const result = await send('/hook', { timeoutMs: 300 });
    expect(result).toMatchObject({ outcome: 'failed', statusCode: null, error: 'no answer within 300 ms' });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2_000);
  });

  it('keeps a 2xx that arrived in time even when the body never ends', async () => {
    answer = (res) => {
      res.writeHead(200);
      res.write('partial');
    };
    expect(await send('/hook', { timeoutMs: 300 })).toMatchObject({ outcome: 'delivered', statusCode: 200 });
  });

  it('reads and discards a large answer only up to its limit', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };
    const result = await send('/hook', { timeoutMs: 5_000 });
    expect(result).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    expect(result.durationMs).toBeLessThan(4_000);
  });

  it('reports a refused connection, a TLS failure and a bad URL with a short reason', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await sendWebhook({ url: `http://127.0.0.1:${port}/`, headers: {}, body, timeoutMs: 2_000, allowedHosts: local })).toMatchObject({
      outcome: 'failed',
      statusCode: null,
      error: 'connection refused',
    });
    const tls = await send('/hook', { url: base.replace('http:', 'https:') + '/hook' });
    expect(tls).toMatchObject({ outcome: 'failed', statusCode: null });
    expect(tls.error).toMatch(/^TLS failed/);
    expect(tls.error!.length).toBeLessThanOrEqual(200);
    expect(await send('/hook', { url: 'nonsense' })).toMatchObject({ outcome: 'failed', error: 'not a valid URL' });
    expect(await send('/hook', { url: 'ftp://127.0.0.1/' })).toMatchObject({ outcome: 'failed', error: 'unsupported protocol ftp:' });
  });

  it('refuses a private address unless its host is allow-listed, without connecting', async () => {
    const result = await send('/hook', { allowedHosts: [] });
    expect(result).toMatchObject({ outcome: 'failed', statusCode: null, error: 'blocked: 127.0.0.1 is a loopback address' });
    expect(received).toEqual([]);
  });

  it('checks the address it connects to, so a host that resolved to a public address earlier cannot rebind to a private one', async () => {
    const port = (server.address() as AddressInfo).port;
    const url = `http://localhost:${port}/hook`;
    // At registration, DNS answered with a public address…
    expect(await checkWebhookUrl(url, { allowedHosts: local, resolve: async () => ['93.184.216.34'] })).toMatchObject({ ok: true });
    // …at send time it answers loopback: the socket's own lookup refuses it.
    const result = await sendWebhook({ url, headers: {}, body, timeoutMs: 2_000, allowedHosts: local });
    expect(result).toMatchObject({ outcome: 'failed', statusCode: null });
    expect(result.error).toMatch(/^blocked: localhost resolves to (127\.0\.0\.1|::1) is a loopback address$/);
    expect(received).toEqual([]);
    // Allow-listing the name itself lets it through.
    expect(await sendWebhook({ url: url.replace('localhost', '127.0.0.1'), headers: {}, body, timeoutMs: 2_000, allowedHosts: local })).toMatchObject({ outcome: 'delivered' });
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-24T08:00:00Z');
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 5 ', now)).toBe(5_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 08:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 07:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('99999999999', now)).toBe(365 * 86_400_000);
  });
});
