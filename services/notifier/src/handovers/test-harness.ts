import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { ManualClock } from '@fordra/domain';
import { bullPrefix } from '@fordra/jobs';
import { createLogger } from '@fordra/runtime';
import { useTestDatabase, useTestRedis } from '@fordra/testkit';
import { startHandoverReconciler } from './reconciler.js';
import { startHandoverWorker } from './worker.js';

export interface AgencyRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: { package: { handoverId: string; case: { id: string } }; documents: { fileName: string; contentType: string; base64: string }[] };
  status: number;
}

/**
 * A collection agency's intake on a local port. Its paths behave differently so that each test
 * picks the agency it needs: /ok takes everything, /flaky is down for the first try of each
 * hand-over, /bad refuses every package and /down never recovers.
 */
class TestAgency {
  readonly requests: AgencyRequest[] = [];
  private server: Server | undefined;
  private base = '';

  url(path: 'ok' | 'flaky' | 'bad' | 'down') {
    return `${this.base}/${path}`;
  }

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AgencyRequest['body'];
        const path = req.url ?? '';
        const earlier = this.requests.filter((r) => r.body.package.handoverId === body.package.handoverId).length;
        const status = path === '/ok' ? 201 : path === '/flaky' ? (earlier === 0 ? 503 : 200) : path === '/bad' ? 400 : 503;
        this.requests.push({ path, headers: req.headers, body, status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status < 300 ? { reference: `AG-${this.requests.length}` } : { error: status === 400 ? 'the debtor has no identity number' : 'busy' }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  of(handoverId: string) {
    return this.requests.filter((r) => r.body.package.handoverId === handoverId);
  }
}

/** A hand-over worker and its reconciler on this file's database and Redis, with a drop folder and an agency. */
export function useHandoverDelivery(options: { start: string; maxAttempts: number }) {
  const database = useTestDatabase();
  const redis = useTestRedis();
  const clock = new ManualClock(options.start);
  const agency = new TestAgency();
  const parts: (() => Promise<unknown>)[] = [];
  let outboxDir = '';
  let queue: ReturnType<typeof startHandoverWorker>['queue'] | undefined;

  beforeAll(async () => {
    await agency.start();
    outboxDir = await mkdtemp(join(tmpdir(), 'fordra-agency-'));
    const logger = createLogger({ name: 'handover-test', level: 'silent', pretty: false });
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const delivery = startHandoverWorker({
      db: database.db,
      clock,
      connectors: { outboxDir, timeoutMs: 5000, allowedHosts: ['127.0.0.1'] },
      maxAttempts: options.maxAttempts,
      logger,
      connection,
      prefix: bullPrefix(redis.prefix),
      concurrency: 2,
      retryBaseMs: 50,
    });
    const reconciler = startHandoverReconciler({ db: database.db, queue: delivery.queue, logger, intervalMs: 100 });
    parts.push(() => connection.quit(), () => delivery.close(), () => reconciler.stop());
    queue = delivery.queue;
  });

  afterAll(async () => {
    for (const close of parts.reverse()) await close();
    await agency.stop();
    if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
  });

  return {
    database,
    clock,
    agency,
    get outboxDir() {
      return outboxDir;
    },
    get queue() {
      if (!queue) throw new Error('the hand-over queue exists only inside tests');
      return queue;
    },
  };
}
