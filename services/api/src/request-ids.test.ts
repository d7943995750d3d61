import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil, startService, useTestDatabase, useTestRedis, type RunningService } from '@fordra/testkit';
import { freePort } from './test/free-port.js';

const database = useTestDatabase();
const redis = useTestRedis();
const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** Each service's folder: the API, the worker and the notifier run as the processes they are. */
const serviceDir = (name: string) => fileURLToPath(new URL(`../../${name}`, import.meta.url));
const outbox = mkdtempSync(join(tmpdir(), 'fordra-request-ids-'));
const running: RunningService[] = [];

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  rmSync(outbox, { recursive: true, force: true });
});

interface LogLine {
  msg?: string;
  reqId?: string;
  requestId?: string;
  caseId?: string;
  jobId?: string;
  state?: string;
}

/** The JSON lines a process has printed so far. */
function lines(service: RunningService): LogLine[] {
  return service
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

describe('request ids and case ids in the log lines', () => {
  it('follow a request from the API through the worker to the notifier that sends its reminder', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const common = { DATABASE_URL: database.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info' };
    const api = startService('src/server.ts', { ...common, PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN, RATE_LIMIT_MAX: '1000000' }, serviceDir('api'));
    // Long reconciliation intervals: the jobs come from the API's request, not from a reconciler.
    const worker = startService('src/main.ts', { ...common, RECONCILE_INTERVAL_MS: '3600000' }, serviceDir('worker'));
    const notifier = startService(
      'src/main.ts',
      { ...common, NOTIFIER_RECONCILE_INTERVAL_MS: '3600000', MAIL_OUTBOX_DIR: join(outbox, 'mail'), LETTER_OUTBOX_DIR: join(outbox, 'letters'), AGENCY_OUTBOX_DIR: join(outbox, 'agency') },
      serviceDir('notifier'),
    );
    running.push(api, worker, notifier);
    await Promise.all([api.waitFor(/Server listening/), worker.waitFor(/worker ready/), notifier.waitFor(/notifier ready/)]);

    const base = `http://127.0.0.1:${port}`;
    const json = { 'content-type': 'application/json' };
    const made = await fetch(`${base}/v1/admin/creditors`, { method: 'POST', headers: { ...json, authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ name: 'Acme AB', country: 'SE' }) });
    expect(made.status).toBe(201);
    const auth = { authorization: `Bearer ${((await made.json()) as { apiKey: { key: string } }).apiKey.key}` };
    const openingId = 'trace-open-0001';
    const opened = await fetch(`${base}/v1/cases`, {
      method: 'POST',
      headers: { ...json, ...auth, 'x-request-id': openingId },
      body: JSON.stringify({
        debtor: { kind: 'business', name: 'Kund AB', email: 'ap@kund.example', address: { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' } },
        invoices: [{ number: 'F-1001', issueDate: '2026-09-01', dueDate: '2026-10-01', amount: 125_000 }],
      }),
    });
    expect(opened.status).toBe(201);
    const caseId = ((await opened.json()) as { id: string }).id;

    // Verifying the long-overdue invoice makes the friendly reminder due at once: the API hands
    // the worker its step, the worker hands the notifier the email, the notifier sends it.
    const requestId = 'trace-verify-0001';
    const verified = await fetch(`${base}/v1/cases/${caseId}/verify`, {
      method: 'POST',
      headers: { ...json, ...auth, 'x-request-id': requestId },
      body: JSON.stringify({ dueDateCorrect: true, specialTermsChecked: true, noComplaints: true, paymentMethodsWork: true }),
    });
    expect(verified.status).toBe(200);
    expect(verified.headers.get('x-request-id')).toBe(requestId);

    const sent = await pollUntil(() => lines(notifier).find((l) => l.msg === 'notification handled' && l.state === 'sent'), { what: 'the notifier to send the reminder', timeoutMs: 30_000 });
    // The notifier's line names the request and the case, as does the worker's that ran the step.
    expect(sent).toMatchObject({ requestId, caseId });
    expect(sent.jobId).toMatch(/^notification-/);
    const step = lines(worker).find((l) => l.msg === 'steps ran');
    expect(step).toMatchObject({ requestId, caseId });
    expect(step?.jobId).toMatch(/^deadline-/);
    // Every API line of the request names both, from "incoming request" to "request completed".
    const apiLines = lines(api).filter((l) => l.reqId === requestId);
    expect(apiLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    expect(apiLines.filter((l) => l.caseId !== caseId)).toEqual([]);
    // The request that opened the case names it once it exists: its completion line does.
    expect(lines(api).find((l) => l.reqId === openingId && l.msg === 'request completed')).toMatchObject({ caseId });
    expect(lines(api).filter((l) => l.caseId && l.caseId !== caseId)).toEqual([]);
  });
});
