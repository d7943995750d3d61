import type { Kysely } from 'kysely';
import { policies, type Database } from '@fordra/db';
import { DEFAULT_POLICY_NAME, defaultPolicySteps, PolicyStepsSchema, type PolicyStep } from '@fordra/domain';

type Q = Kysely<Database>;

/** Gives a creditor the good-practice policy if it has no default yet (creditors made earlier). */
export async function ensureDefaultPolicy(db: Q, creditorId: string, now: Date) {
  const existing = await policies.getDefaultPolicy(db, creditorId);
  if (existing) return existing;
  const { policy } = await policies.insertPolicy(db, { creditorId, name: DEFAULT_POLICY_NAME, isDefault: true, steps: defaultPolicySteps() }, now);
  return policy;
}

const versionCache = new Map<string, PolicyStep[]>();

/**
 * The steps of a policy version. Versions never change once written, so each is read and parsed
 * once per process; the cache is bounded by the number of versions in use.
 */
export async function stepsOfVersion(db: Q, versionId: string): Promise<PolicyStep[]> {
  const cached = versionCache.get(versionId);
  if (cached) return cached;
  const version = await policies.getVersionById(db, versionId);
  if (!version) throw new Error(`policy version ${versionId} is missing`);
  const steps = PolicyStepsSchema.parse(version.steps);
  if (versionCache.size >= 10_000) versionCache.clear();
  versionCache.set(versionId, steps);
  return steps;
}
