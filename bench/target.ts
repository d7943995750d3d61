import { randomBytes } from 'node:crypto';
/**
 * The server under load, in a process of its own: the load generator must not share an event
 * loop with it, and the API and the bare Fastify ceiling must run in the same arrangement.
 *
 * Forked by api.ts as `target.ts api|bare` with BENCH_DATABASE_URL, REDIS_URL, REDIS_PREFIX and
 * ADMIN_TOKEN in the environment. Speaks the messages below over IPC.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '@fordra/api';
import { apiEnv, parseEnv } from '@fordra/config';
import { createDb } from '@fordra/db';
import { systemClock } from '@fordra/domain';
import { createRedis } from '@fordra/jobs';
import { createLogger } from '@fordra/runtime';

export type TargetMode = 'api' | 'bare';

/** Parent to child. */
export type ToTarget = 'cpu' | 'stop';

/** Child to parent: listening, or the CPU time the process has used so far (microseconds). */
export type FromTarget = { type: 'ready'; port: number } | { type: 'cpu'; micros: number };

async function startApi(): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const env = process.env;
  const config = parseEnv(apiEnv, {
    NODE_ENV: 'production',
    DATABASE_URL: env.BENCH_DATABASE_URL,
    REDIS_URL: env.REDIS_URL,
    REDIS_PREFIX: env.REDIS_PREFIX,
    ADMIN_TOKEN: env.ADMIN_TOKEN,
    // Production mode refuses the development secret; the benchmark never signs a link.
    AGREEMENT_LINK_SECRET: `bench-${randomBytes(24).toString('hex')}`,
    LOG_LEVEL: 'warn',
    // The benchmark measures capacity, not the rate limit: the count is still kept in Redis (its
    // cost is in the figures), but no request is refused.
    RATE_LIMIT_MAX: '100000000',
  });
  // Built the way server.ts builds it (same pool size, same Redis options), so the figures are the service's.
  const logger = createLogger({ name: 'api-bench', level: config.LOG_LEVEL, pretty: false });
  const db = createDb({ connectionString: config.DATABASE_URL, applicationName: 'fordra-bench-api' });
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  const app = await buildApp({ db, redis, clock: systemClock, config, logger });
  return {
    app,
    close: async () => {
      await app.close();
      // The load generator drops its sockets at the end of a run; the handlers of those last requests
      // are still running and need the database to finish quietly.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await db.destroy();
      await redis.quit();
    },
  };
}

async function startBare(): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ status: 'ok', service: 'fordra' }));
  return { app, close: () => app.close() };
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== 'api' && mode !== 'bare') throw new Error(`unknown target ${String(mode)}`);
  const send = process.send?.bind(process);
  if (!send) throw new Error('target.ts runs as a child of api.ts');
  const { app, close } = mode === 'api' ? await startApi() : await startBare();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');

  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('message', (m: ToTarget) => {
    if (m === 'stop') stop();
    if (m === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', micros: user + system } satisfies FromTarget);
    }
  });
  // The parent dying must not leave a server holding database connections.
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  send({ type: 'ready', port: address.port } satisfies FromTarget);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
