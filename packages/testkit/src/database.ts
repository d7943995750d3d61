import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createDb, type Db } from '@fordra/db';
import { TEST_DB_PREFIX, withDatabase } from './template.js';

export interface TestDatabase {
  readonly url: string;
  readonly db: Db;
}

/**
 * A database of this test file's own, copied from the migrated template before the file's tests
 * and dropped after them. Tests inside one file share it and must not depend on each other's rows.
 */
export function useTestDatabase(): TestDatabase {
  let url: string | undefined;
  let db: Db | undefined;
  let name: string | undefined;
  const serverUrl = inject('fordraPostgresUrl');

  beforeAll(async () => {
    // The creation second leads the name, so leftovers of a crashed run can be aged and dropped.
    name = `${TEST_DB_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(inject('fordraTemplateDatabase'))}`);
    url = withDatabase(serverUrl, name);
    db = createDb({ connectionString: url, maxConnections: 5 });
  });

  afterAll(async () => {
    await db?.destroy();
    if (name) await dropDatabase(serverUrl, name);
  });

  return {
    get url() {
      if (!url) throw new Error('the test database exists only inside tests (after beforeAll)');
      return url;
    },
    get db() {
      if (!db) throw new Error('the test database exists only inside tests (after beforeAll)');
      return db;
    },
  };
}

/**
 * Drops a test database once the connections closing with its pool have gone (a pool reports
 * itself ended while its connections are still saying goodbye); forces it only if some linger.
 */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const drop = `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`;
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      return await adminQuery(serverUrl, drop);
    } catch (err) {
      // 55006: still being accessed by other users.
      if ((err as { code?: string }).code !== '55006') throw err;
      if (Date.now() > deadline) return adminQuery(serverUrl, `${drop} WITH (FORCE)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
