/** `pnpm migrate`: creates the database if missing and applies every pending migration. */
import { migrateEnv, parseEnv, prettyLogs } from '@fordra/config';
import { createLogger, failStartup } from '@fordra/runtime';
import { createDb, ensureDatabaseExists } from './connect.js';
import { migrateToLatest } from './migrate.js';

async function main(): Promise<void> {
  const config = parseEnv(migrateEnv, process.env);
  const logger = createLogger({ name: 'migrate', level: config.LOG_LEVEL, pretty: prettyLogs(config) });
  if (await ensureDatabaseExists(config.DATABASE_URL)) logger.info('created the database');
  const db = createDb({ connectionString: config.DATABASE_URL, maxConnections: 1, applicationName: 'fordra-migrate' });
  try {
    const result = await migrateToLatest(db);
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => failStartup('migrate', err));
