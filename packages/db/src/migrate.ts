import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import * as foundation from './migrations/20261124_0001_foundation.js';
import * as policies from './migrations/20261124_0002_policies_and_deadlines.js';
import * as notifications from './migrations/20261124_0003_notifications.js';

/** Every migration, by name; the names sort in the order they were written. */
export const migrations: Record<string, Migration> = {
  '20261124_0001_foundation': foundation,
  '20261124_0002_policies_and_deadlines': policies,
  '20261124_0003_notifications': notifications,
};

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}

/** True when every migration this code knows of has been applied. */
export async function migrationsCurrent(db: Kysely<any>): Promise<boolean> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
