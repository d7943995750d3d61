import { Agent, request as httpRequest, type ClientRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil, startService, useTestDatabase, useTestRedis, type RunningService } from '@fordra/testkit';
import { freePort } from './test/free-port.js';

const database = useTestDatabase();
const redis = useTestRedis();
const cwd = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** closeOnSignals' grace period: the API must be gone well within it. */
const GRACE_MS = 20_000;
/**
 * Clients sending side by side, one request after the other: half on a new connection each time,
 * half keeping their connection alive between requests, as proxies and SDKs do.
 */
const SENDERS = 8;

const running: RunningService[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
});

/** What the client saw: a status and body, or the connection-level error code. */
interface Outcome {
  key: string;
  status?: number;
  /** The response's Connection header. */
  connection?: string;
  body?: string;
  error?: string;
}

interface Call {
  req: ClientRequest;
  outcome: Promise<Outcome>;
}

/** One request, on a connection of its own unless a keep-alive agent is given. */
function call(port: number, method: string, path: string, headers: Record<string, string>, key: string, agent?: Agent): Call {
  const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: agent ?? false });
  const outcome = new Promise<Outcome>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ key, status: res.statusCode, connection: res.headers.connection, body }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ key, status: res.statusCode, error: `truncated: ${err.code ?? err.message}` }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ key, error: err.code ?? err.message }));
  });
  return { req, outcome };
}

const caseBody = (n: number) =>
  JSON.stringify({
    debtor: {
      kind: 'business',
      name: `Kund ${n} AB`,
      email: `ap${n}@kund.example`,
      address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' },
    },
    externalReference: `LOAD-${n}`,
    invoices: [{ number: `F-${n}`, issueDate: '2026-10-01', dueDate: '2026-10-31', amount: 125_000 }],
  });

describe('the API process on SIGTERM', () => {
  it('under a steady stream of case creations: stops taking connections, finishes what it took, loses nothing and exits 0', async () => {
    const port = await freePort();
    const api = startService(
      'src/server.ts',
      { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN, RATE_LIMIT_MAX: '1000000' },
      cwd,
    );
    running.push(api);
    await api.waitFor(/Server listening/);

    const made = await call(port, 'POST', '/v1/admin/creditors', { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, 'creditor');
    made.req.end(JSON.stringify({ name: 'Acme AB', country: 'SE' }));
    const creditor = await made.outcome;
    expect(creditor.status, creditor.body).toBe(201);
    const apiKey = (JSON.parse(creditor.body!) as { apiKey: { key: string } }).apiKey.key;

    let next = 0;
    const outcomes: Outcome[] = [];
    const agents: Agent[] = [];
    const send = (n: number, agent?: Agent, extra: Record<string, string> = {}) => {
      const body = caseBody(n);
      return call(
        port,
        'POST',
        '/v1/cases',
        { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'idempotency-key': `load-${n}`, ...extra },
        `LOAD-${n}`,
        agent,
      );
    };
    // Each sender goes on until its connection is refused: the stream runs right through the shutdown.
    const senders = Array.from({ length: SENDERS }, async (_, i) => {
      const agent = i % 2 === 1 ? new Agent({ keepAlive: true, maxSockets: 1 }) : undefined;
      if (agent) agents.push(agent);
      for (;;) {
        const n = next++;
        const c = send(n, agent);
        c.req.end(caseBody(n));
        const outcome = await c.outcome;
        outcomes.push(outcome);
        if (outcome.error || next > 100_000) return;
      }
    });
    await pollUntil(() => (outcomes.filter((o) => o.status === 201).length >= 100 ? true : undefined), { what: '100 cases created', timeoutMs: 20_000 });

    // One request caught in the middle: its headers are in, its body is still on the way when the
    // signal comes. Its client keeps connections alive: once answered, the API must not wait for it.
    const slowN = 1_000_000;
    const slowBody = caseBody(slowN);
    const slowAgent = new Agent({ keepAlive: true });
    agents.push(slowAgent);
    const slow = send(slowN, slowAgent, { 'x-request-id': 'slow-request' });
    slow.req.flushHeaders();
    slow.req.write(slowBody.slice(0, 40));
    await api.waitFor(/"reqId":"slow-request".*"msg":"incoming request"/);

    const signalled = Date.now();
    api.child.kill('SIGTERM');
    const exited = api.exit(GRACE_MS + 5_000);
    await api.waitFor(/"msg":"shutting down"/);
    // The API no longer accepts connections; only then does the slow body finish arriving.
    const refusedProbe = await pollUntil(
      async () => {
        const probe = call(port, 'GET', '/health/live', {}, 'probe');
        probe.req.end();
        const o = await probe.outcome;
        return o.error === 'ECONNREFUSED' ? o : undefined;
      },
      { what: 'the API to refuse new connections', timeoutMs: GRACE_MS },
    );
    expect(refusedProbe.error).toBe('ECONNREFUSED');
    slow.req.end(slowBody.slice(40));
    const slowOutcome = await slow.outcome;
    await Promise.all(senders);
    const code = await exited;
    const tookMs = Date.now() - signalled;
    for (const agent of agents) agent.destroy();
    outcomes.push(slowOutcome);

    const output = api.output();
    expect(code, output).toBe(0);
    expect(tookMs).toBeLessThan(GRACE_MS);
    expect(output).toMatch(/"msg":"stopped"/);
    // The request under way when the signal came was finished, not cut off or turned away.
    expect(slowOutcome.status, slowOutcome.body ?? slowOutcome.error).toBe(201);
    expect(slowOutcome.connection).toBe('close');

    const ok = outcomes.filter((o) => o.status !== undefined && o.status >= 200 && o.status < 300);
    const answeredOtherwise = outcomes.filter((o) => o.status !== undefined && (o.status < 200 || o.status >= 300));
    const failed = outcomes.filter((o) => o.status === undefined);
    // No request was answered with anything but success: no 5xx, no 503 from a closing server.
    expect(answeredOtherwise.map((o) => `${o.key}: ${o.status} ${o.body}`)).toEqual([]);
    // Whatever did not succeed was refused at the connection, before the API read a byte of it.
    // A connection the API had accepted in the very instant of its close, but not yet read a
    // request from, is reset instead (the close ends connections without a request in progress),
    // as is a kept-alive one that a request was just being written to: never read, so never
    // written either, which the check against Postgres below makes sure of.
    const refused = failed.filter((o) => o.error === 'ECONNREFUSED');
    const reset = failed.filter((o) => o.error === 'ECONNRESET');
    expect(failed.filter((o) => !refused.includes(o) && !reset.includes(o)).map((o) => `${o.key}: ${o.error}`)).toEqual([]);
    expect(refused.length).toBeGreaterThanOrEqual(SENDERS - reset.length);

    // Every success is in Postgres, once; nothing refused was written.
    const rows = await database.db.selectFrom('cases').select('external_reference').execute();
    const stored = new Set(rows.map((r) => r.external_reference));
    expect(ok.filter((o) => !stored.has(o.key)).map((o) => o.key)).toEqual([]);
    expect(failed.filter((o) => stored.has(o.key)).map((o) => o.key)).toEqual([]);
    expect(rows).toHaveLength(ok.length);

    // The figures, for the record.
    const afterSignal = output.slice(output.indexOf('"msg":"shutting down"')).split('\n').filter((l) => l.includes('"msg":"request completed"')).length;
    console.info(
      `API under SIGTERM: ${outcomes.length} requests sent, ${ok.length} succeeded (${afterSignal} of them completed after the signal), ` +
        `${refused.length} refused, ${reset.length} reset before being read; exited ${code} ${tookMs} ms after the signal`,
    );
  });
});
