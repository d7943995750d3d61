import type { Kysely, Selectable } from 'kysely';
import { run, type Statement } from './statements.js';
import type { Database } from './types.js';

type Q = Kysely<Database>;

/** Creates a policy with its first version; steps are stored as the JSON the domain validated. */
export async function insertPolicy(db: Q, p: { creditorId: string; name: string; isDefault: boolean; steps: unknown }, now: Date) {
  if (p.isDefault) await clearDefault(db, p.creditorId, now);
  const policy = await db
    .insertInto('collection_policies')
    .values({ creditor_id: p.creditorId, name: p.name, is_default: p.isDefault, current_version: 1, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  const version = await db
    .insertInto('policy_versions')
    .values({ creditor_id: p.creditorId, policy_id: policy.id, version: 1, steps: JSON.stringify(p.steps), created_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { policy, version };
}

/** A new version; running cases keep the version they started with. */
export async function addPolicyVersion(db: Q, creditorId: string, policyId: string, steps: unknown, now: Date) {
  const policy = await db
    .updateTable('collection_policies')
    .set((eb) => ({ current_version: eb('current_version', '+', 1), updated_at: now }))
    .where('creditor_id', '=', creditorId)
    .where('id', '=', policyId)
    .returningAll()
    .executeTakeFirst();
  if (!policy) return undefined;
  const version = await db
    .insertInto('policy_versions')
    .values({ creditor_id: creditorId, policy_id: policyId, version: policy.current_version, steps: JSON.stringify(steps), created_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { policy, version };
}

export async function renamePolicy(db: Q, creditorId: string, policyId: string, changes: { name?: string; isDefault?: boolean }, now: Date) {
  if (changes.isDefault) await clearDefault(db, creditorId, now);
  return db
    .updateTable('collection_policies')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.isDefault !== undefined && { is_default: changes.isDefault }),
      updated_at: now,
    })
    .where('creditor_id', '=', creditorId)
    .where('id', '=', policyId)
    .returningAll()
    .executeTakeFirst();
}

async function clearDefault(db: Q, creditorId: string, now: Date) {
  await db.updateTable('collection_policies').set({ is_default: false, updated_at: now }).where('creditor_id', '=', creditorId).where('is_default', '=', true).execute();
}

export function policyLookup(db: Q, creditorId: string, policyId: string): Statement<Selectable<Database['collection_policies']> | undefined> {
  const query = db.selectFrom('collection_policies').selectAll().where('creditor_id', '=', creditorId).where('id', '=', policyId).compile();
  return { query, read: (r) => r.rows[0] };
}

export async function getPolicy(db: Q, creditorId: string, policyId: string) {
  return run(db, policyLookup(db, creditorId, policyId));
}

export async function getPolicyForUpdate(db: Q, creditorId: string, policyId: string) {
  return db.selectFrom('collection_policies').selectAll().where('creditor_id', '=', creditorId).where('id', '=', policyId).forUpdate().executeTakeFirst();
}

export async function getDefaultPolicy(db: Q, creditorId: string) {
  return db.selectFrom('collection_policies').selectAll().where('creditor_id', '=', creditorId).where('is_default', '=', true).executeTakeFirst();
}

export async function listPolicies(db: Q, creditorId: string) {
  return db.selectFrom('collection_policies').selectAll().where('creditor_id', '=', creditorId).orderBy('created_at').orderBy('id').execute();
}

export async function getVersion(db: Q, policyId: string, version: number) {
  return db.selectFrom('policy_versions').selectAll().where('policy_id', '=', policyId).where('version', '=', version).executeTakeFirst();
}

export async function getVersionById(db: Q, id: string) {
  return db.selectFrom('policy_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listVersions(db: Q, policyId: string) {
  return db.selectFrom('policy_versions').selectAll().where('policy_id', '=', policyId).orderBy('version').execute();
}
