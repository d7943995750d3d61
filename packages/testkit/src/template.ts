import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { createDb, migrateToLatest } from '@fordra/db';

/** Every database the test kit creates starts with one of these; it touches no other. */
export const TEMPLATE_PREFIX = 'fordra_tpl_';
export const TEST_DB_PREFIX = 'fordra_t_';

/** Test databases left by a run that crashed are dropped once they are this old. */
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The migrations' own text decides the template: change a migration and a new template is built. */
function migrationsFingerprint(): string {
  const dbEntry = createRequire(import.meta.url).resolve('@fordra/db');
  const dir = join(dirname(dbEntry), 'migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Makes sure a migrated template database exists and returns its name. Built under a new name and
 * renamed when complete, so a run that dies half-way never leaves a template that looks finished.
 */
export async function prepareTemplate(serverUrl: string): Promise<string> {
  const name = `${TEMPLATE_PREFIX}${migrationsFingerprint()}`;
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    // Runs started at once (CI reruns, several checkouts) build the template one at a time.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [TEMPLATE_PREFIX]);
    await dropStaleDatabases(admin, name);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) {
      const building = `${name}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(building)}`);
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(building)}`);
      const db = createDb({ connectionString: withDatabase(serverUrl, building), maxConnections: 1 });
      try {
        await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(building)} RENAME TO ${pg.escapeIdentifier(name)}`);
      await admin.query(`COMMENT ON DATABASE ${pg.escapeIdentifier(name)} IS ${pg.escapeLiteral(new Date().toISOString())}`);
    }
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [TEMPLATE_PREFIX]).catch(() => undefined);
    await admin.end();
  }
}

/** Drops our own leftovers only: test databases from crashed runs and superseded templates. */
async function dropStaleDatabases(admin: pg.Client, currentTemplate: string): Promise<void> {
  const rows = await admin.query<{ datname: string; comment: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database
      WHERE datname LIKE $1 OR datname LIKE $2`,
    // "_" is a LIKE wildcard: escaped, so only names that really start with our prefixes match.
    [`${likeLiteral(TEST_DB_PREFIX)}%`, `${likeLiteral(TEMPLATE_PREFIX)}%`],
  );
  const now = Date.now();
  for (const { datname, comment } of rows.rows) {
    let created: number | null = null;
    if (datname.startsWith(TEST_DB_PREFIX)) created = Number(datname.slice(TEST_DB_PREFIX.length).split('_')[0]) * 1000;
    else if (datname.startsWith(TEMPLATE_PREFIX) && datname !== currentTemplate && comment) created = Date.parse(comment);
    if (created === null || Number.isNaN(created) || now - created < STALE_AFTER_MS) continue;
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)}`).catch(() => undefined);
  }
}

function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
