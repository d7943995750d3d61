/**
 * The stores a benchmark runs against: a database of its own on the Postgres server DATABASE_URL
 * names (created for the run, dropped after it), and keys under a prefix of its own on REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { createDb, ensureDatabaseExists, type Db } from '@fordra/db';
import { createRedis, deleteKeysWithPrefix, type Redis } from '@fordra/jobs';
import { onInterrupt } from './common-proc.js';

/** Only the server is used: each benchmark brings its own database. */
export const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/');
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function withDatabase(url: URL, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const maintenanceUrl = withDatabase(serverUrl, 'postgres');

/** One statement on a connection of its own: VACUUM and DROP DATABASE refuse to run in a transaction. */
export async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** Drops what an earlier run may have left, then creates the database afresh. */
  create(): Promise<void>;
  /** Cuts off the connections still open to it, this process's own included. */
  drop(): Promise<void>;
}

export function benchDatabase(name: string): BenchDatabase {
  const drop = async () => {
    await query(maintenanceUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  };
  const url = withDatabase(serverUrl, name);
  return {
    name,
    url,
    drop,
    create: async () => {
      await drop();
      await ensureDatabaseExists(url);
    },
  };
}

/** The run's database, created afresh, with a pool of the size the benchmark needs, and Redis. */
export async function openStores(database: BenchDatabase, pool: { maxConnections: number; applicationName: string }): Promise<{ db: Db; redis: Redis }> {
  await database.create();
  return { db: createDb({ connectionString: database.url, ...pool }), redis: createRedis(redisUrl) };
}

/**
 * A service's environment on the run's stores, as production runs it: its JSON log lines are what
 * the benchmark reads progress and errors from.
 */
export const serviceEnv = (database: BenchDatabase, redisPrefix: string): Record<string, string> => ({
  NODE_ENV: 'production',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
  DATABASE_URL: database.url,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: redisPrefix,
  // Production mode refuses the development secret; a run's own one will do.
  AGREEMENT_LINK_SECRET: `bench-${randomBytes(24).toString('hex')}`,
  // Any free port for the health and metrics server, so a benchmark runs beside a running Fordra.
  OPS_PORT: '0',
});

/** Where the run's data lives, for the report's first lines. */
export const storesLine = (database: BenchDatabase, redisPrefix: string) =>
  `Postgres ${serverUrl.host}, database ${database.name} (created for this run, dropped after it); Redis ${new URL(redisUrl).host}, keys under ${redisPrefix}:`;

/** A prefix no other run shares, so that the cleanup deletes this run's keys and no one else's. */
export const redisPrefixFor = (bench: string) => `fordra-bench-${bench}-${randomBytes(4).toString('hex')}`;

/** Deletes a run's keys over a connection of its own, for when the run's own may be gone. */
export async function sweepKeys(prefix: string): Promise<void> {
  const redis = createRedis(redisUrl, { maxRetriesPerRequest: 3 });
  await deleteKeysWithPrefix(redis, prefix).finally(() => redis.quit());
}

/**
 * Fresh statistics and no checkpoint debt before a measurement, so that every scenario meets the
 * same plans and the same I/O, whatever ran before it. Production has autovacuum for the first;
 * servers set up for tests often turn it off, and a plan made on an empty table's statistics
 * would measure the planner, not the code. `run` executes one statement outside a transaction.
 */
export async function settle(run: (statement: string) => Promise<unknown>): Promise<void> {
  await run('VACUUM (ANALYZE)');
  await run('CHECKPOINT');
}

/**
 * The end of a run, whatever happened in it: the work folder, the pool, the run's Redis keys and,
 * last, the database (dropping it cuts off this process's own connections mid-query).
 */
export async function releaseRun(run: { database: BenchDatabase; redisPrefix: string; workDir?: string | undefined; db?: Db | undefined; redis?: Redis | undefined }): Promise<void> {
  if (run.workDir) await rm(run.workDir, { recursive: true, force: true }).catch((err: unknown) => console.error(err));
  await run.db?.destroy().catch(() => undefined);
  const redis = run.redis;
  if (redis) await deleteKeysWithPrefix(redis, run.redisPrefix).finally(() => redis.quit());
  await run.database.drop();
}

/**
 * Ctrl-C for a run released by `cleanUp` (which ends in releaseRun): it gets a Redis connection of
 * its own, and the keys are swept once more after it, as the run goes on until the exit and may
 * have written a key behind the first sweep.
 */
export function releaseOnInterrupt(redisPrefix: string, cleanUp: (db: Db | undefined, redis: Redis | undefined) => Promise<void>): () => boolean {
  return onInterrupt(
    async () => {
      await cleanUp(undefined, createRedis(redisUrl, { maxRetriesPerRequest: 3 })).catch((err: unknown) => console.error(err));
      await sweepKeys(redisPrefix);
    },
    { quietAfter: true },
  );
}
