import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import * as foundation from './migrations/20261124_0001_foundation.js';
import * as policies from './migrations/20261124_0002_policies_and_deadlines.js';
import * as notifications from './migrations/20261124_0003_notifications.js';
import * as agreements from './migrations/20261124_0004_contacts_and_agreements.js';
import * as money from './migrations/20261124_0005_money.js';
import * as webhooks from './migrations/20261124_0006_webhooks.js';
import * as trust from './migrations/20261124_0007_trust.js';
import * as erasure from './migrations/20261124_0008_erasure.js';

/** Every migration, by name; the names sort in the order they were written. */
export const migrations: Record<string, Migration> = {
  '20261124_0001_foundation': foundation,
  '20261124_0002_policies_and_deadlines': policies,
  '20261124_0003_notifications': notifications,
  '20261124_0004_contacts_and_agreements': agreements,
  '20261124_0005_money': money,
  '20261124_0006_webhooks': webhooks,
  '20261124_0007_trust': trust,
  '20261124_0008_erasure': erasure,
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
