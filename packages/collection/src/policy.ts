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

/** The steps a case runs: the version it started with, or the current one of its policy. */
export async function stepsOfVersion(db: Q, versionId: string): Promise<PolicyStep[]> {
  const version = await policies.getVersionById(db, versionId);
  if (!version) throw new Error(`policy version ${versionId} is missing`);
  return PolicyStepsSchema.parse(version.steps);
}
