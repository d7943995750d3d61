import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgencyDeliveryError } from './connector.js';
import { httpConnector } from './http-connector.js';
import { SAMPLE_PDF, samplePackage } from './test-package.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** The intake below listens on loopback, which only an allow-listed host may reach. */
const LOCAL = ['127.0.0.1'];

/** A real agency intake on a local port; each test sets how it answers. */
let server: Server;
let base = '';
let received: Received[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
});

const reply = (status: number, body = '', headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, headers);
  res.end(body);
};

async function failure(promise: Promise<unknown>): Promise<AgencyDeliveryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgencyDeliveryError);
  return err as AgencyDeliveryError;
}

describe('the HTTP connector', () => {
  it('posts the package and its PDFs as one JSON body, with the agency’s credentials, and reads its reference', async () => {
    answer = reply(201, JSON.stringify({ reference: 'AG-4711' }), { 'content-type': 'application/json' });
    const pkg = samplePackage();
    const connector = httpConnector({ url: `${base}/intake`, authHeader: 'Bearer agency-secret', timeoutMs: 2000, allowedHosts: LOCAL });
    expect(await connector.deliver(pkg, [{ fileName: 'invoice-F-1.pdf', pdf: SAMPLE_PDF }])).toEqual({ agencyReference: 'AG-4711' });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', url: '/intake' });
    expect(request!.headers).toMatchObject({ authorization: 'Bearer agency-secret', 'content-type': 'application/json', 'idempotency-key': `handover-${pkg.handoverId}` });
    const body = JSON.parse(request!.body);
    expect(body.package).toEqual(pkg);
    expect(body.documents).toEqual([{ fileName: 'invoice-F-1.pdf', contentType: 'application/pdf', base64: Buffer.from(SAMPLE_PDF).toString('base64') }]);
  });

  it('accepts an answer without a reference, and sends no Authorization header without credentials', async () => {
    answer = reply(204);
    const result = await httpConnector({ url: base, authHeader: null, timeoutMs: 2000, allowedHosts: LOCAL }).deliver(samplePackage(), []);
    expect(result).toEqual({ agencyReference: null });
    expect(received[0]!.headers.authorization).toBeUndefined();
  });

  it('treats an unavailable, busy or slow agency as temporary', async () => {
    for (const status of [500, 502, 503, 408, 429]) {
      answer = reply(status, 'try later');
      const err = await failure(httpConnector({ url: base, authHeader: null, timeoutMs: 2000, allowedHosts: LOCAL }).deliver(samplePackage(), []));
      expect(err).toMatchObject({ temporary: true, status });
      expect(err.message).toContain(String(status));
    }
    answer = () => undefined; // never answers
    const slow = await failure(httpConnector({ url: base, authHeader: null, timeoutMs: 200, allowedHosts: LOCAL }).deliver(samplePackage(), []));
    expect(slow.temporary).toBe(true);
    expect(slow.message).toMatch(/no answer within 200 ms/);
  });

  it('treats a refused connection as temporary', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await failure(httpConnector({ url: `http://127.0.0.1:${port}/`, authHeader: null, timeoutMs: 2000, allowedHosts: LOCAL }).deliver(samplePackage(), []));
    expect(err.temporary).toBe(true);
    expect(err.message).toMatch(/could not be reached/);
  });

  it('treats a refusal as permanent, and does not follow redirects', async () => {
    for (const status of [400, 401, 403, 404, 422]) {
      answer = reply(status, '{"error":"bad package"}');
      const err = await failure(httpConnector({ url: base, authHeader: 'Bearer x', timeoutMs: 2000, allowedHosts: LOCAL }).deliver(samplePackage(), []));
      expect(err).toMatchObject({ temporary: false, status });
      expect(err.message).not.toContain('Bearer');
    }
    received = [];
    answer = reply(302, '', { location: `${base}/elsewhere` });
    const err = await failure(httpConnector({ url: base, authHeader: 'Bearer x', timeoutMs: 2000, allowedHosts: LOCAL }).deliver(samplePackage(), []));
    expect(err).toMatchObject({ temporary: false, status: 302 });
    expect(received.map((r) => r.url)).toEqual(['/']);
  });

  it('refuses, for good, an agency URL on a private or loopback address unless the operator allowed its host', async () => {
    answer = reply(201, '{"reference":"never"}');
    // The intake answers on 127.0.0.1: reached through its address or through a name that resolves to it.
    for (const url of [base, base.replace('127.0.0.1', 'localhost'), 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:9/']) {
      const err = await failure(httpConnector({ url, authHeader: 'Bearer x', timeoutMs: 2000, allowedHosts: [] }).deliver(samplePackage(), []));
      expect(err.temporary).toBe(false);
      expect(err.message).toMatch(/not allowed: blocked: .*(loopback|cloud metadata) address/);
    }
    expect(received).toEqual([]);
  });
});
