import { Kysely, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';
import { namedStatementPool } from './named-statements.js';
import { PipeliningPostgresDialect } from './pipelining.js';
import { registerRiders } from './riders.js';

// int8 as bigint: money sums must never pass through a float.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => BigInt(v));
// date as the 'YYYY-MM-DD' text it is: a due date has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Db = Kysely<Database>;

export interface DbOptions {
  connectionString: string;
  maxConnections?: number;
  applicationName?: string;
  /** Told when the server drops an idle connection (a restart, a failover, an administrator). */
  onIdleError?: (err: Error) => void;
  /** Shown the statements of each write to Postgres before it is sent (the benchmark records them). */
  observe?: (queries: readonly CompiledQuery[]) => void;
}

export function createDb(options: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'fordra',
    // Statements that need not wait for each other's answers go out together (see pipelining.ts).
    pipeline: true,
  });
  // Without a listener, a connection the server drops while idle, or while the pool is closing
  // it, would crash the process; the pool replaces it on the next query, so it is worth a log line.
  pool.on('error', (err) => options.onIdleError?.(err));
  pool.on('connect', (client) => client.on('error', (err) => options.onIdleError?.(err)));
  const dialect = new PipeliningPostgresDialect(namedStatementPool(pool), options.observe);
  const db = new Kysely<Database>({ dialect });
  registerRiders(db, dialect.riders);
  return db;
}

/**
 * Creates the database named in the URL if the server does not have it yet, so that a fresh
 * developer machine needs nothing but a running Postgres. Production databases are made by ops;
 * there this finds the database and does nothing.
 */
export async function ensureDatabaseExists(connectionString: string): Promise<boolean> {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const adminUrl = new URL(connectionString);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return true;
  } catch (err) {
    // Another process created it between our look and our create.
    if ((err as { code?: string }).code === '42P04') return false;
    throw err;
  } finally {
    await client.end();
  }
}
