import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { within } from './metrics.js';

/** Each readiness check by name: true when it passed. */
export type ReadinessChecks = Record<string, boolean>;

export interface OpsServerOptions {
  /** 0: any free port (the log line and `port` say which). */
  port: number;
  host: string;
  /** The readiness checks; the server answers 503 when any is false or the call throws. */
  ready: () => Promise<ReadinessChecks>;
  metrics: Registry;
  logger: Logger;
}

export interface OpsServer {
  /** The port actually listened on. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The operations endpoints of a process, on a port of their own, for orchestrators and Prometheus
 * (never published to the internet; there is no authentication):
 *
 * - `GET /health/live`: 200 while the process runs;
 * - `GET /health/ready`: 200 when every readiness check passes, else 503 naming the failing ones;
 * - `GET /metrics`: the registry in Prometheus's text format.
 */
export async function startOpsServer({ port, host, ready, metrics, logger }: OpsServerOptions): Promise<OpsServer> {
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/health/live' && path !== '/health/ready' && path !== '/metrics') return json(res, 404, { error: 'not found', paths: ['/health/live', '/health/ready', '/metrics'] });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return json(res, 405, { error: 'method not allowed' });
    }
    if (path === '/health/live') return json(res, 200, { status: 'ok' });
    if (path === '/health/ready') {
      let checks: ReadinessChecks;
      try {
        checks = await ready();
      } catch (err) {
        logger.warn({ err }, 'readiness check failed');
        return json(res, 503, { status: 'unavailable', checks: {}, failing: ['readiness'] });
      }
      const failing = Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name);
      return json(res, failing.length ? 503 : 200, failing.length ? { status: 'unavailable', checks, failing } : { status: 'ok', checks });
    }
    const text = await metrics.metrics();
    res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
    res.end(text);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err, url: req.url }, 'ops endpoint failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  // Probes and scrapers come every few seconds; nothing here is worth holding a socket for.
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 15_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  logger.info({ port: actual, host }, `ops server listening: /health/live, /health/ready and /metrics on port ${actual}`);

  return {
    port: actual,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

export interface ReadinessDeps {
  db: Kysely<any>;
  redis: Redis;
  /** `migrationsCurrent` from `@fordra/db`, which depends on this package and so is passed in. */
  migrationsCurrent: (db: Kysely<any>) => Promise<boolean>;
  timeoutMs?: number;
}

async function passes(what: string, ms: number, check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await within(what, ms, check());
  } catch {
    return false;
  }
}

/**
 * What every Fordra process needs to do its work: Postgres answers, its schema is the one this
 * code was written for, and Redis answers. Each check has its own time limit, so a probe never
 * hangs on a connection that is gone.
 */
export async function readinessChecks({ db, redis, migrationsCurrent, timeoutMs = 3_000 }: ReadinessDeps): Promise<{ postgres: boolean; migrations: boolean; redis: boolean }> {
  const [postgres, migrations, redisOk] = await Promise.all([
    passes('Postgres', timeoutMs, async () => (await sql`SELECT 1`.execute(db), true)),
    passes('migrations', timeoutMs, () => migrationsCurrent(db)),
    // A connection that is not ready would queue the ping until it reconnects: it fails now instead.
    passes('Redis', timeoutMs, async () => redis.status === 'ready' && (await redis.ping()) === 'PONG'),
  ]);
  return { postgres, migrations, redis: redisOk };
}
